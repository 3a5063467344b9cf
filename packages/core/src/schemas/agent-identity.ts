/** Schemas of what an agent's browser presents: fingerprint, detection signal, trust (api.md "Agents"). */
import { z } from "zod";
import { TRUST_BANDS } from "../agents/agent-trust-score.ts";

/** GET /v1/agents/{id}/fingerprint: read live from the running browser, in a page with the agent's emulation. */
export const agentFingerprintView = z.object({
  user_agent: z.string(),
  platform: z.string(),
  languages: z.array(z.string()),
  timezone: z.string(),
  screen: z.object({ width: z.number().int(), height: z.number().int(), color_depth: z.number().int(), device_pixel_ratio: z.number() }),
  webgl_vendor: z.string().nullable().describe("null when the browser makes no WebGL context"),
  webgl_renderer: z.string().nullable(),
  canvas_hash: z.string().describe("SHA-256 (hex) of a fixed 2D canvas drawing's PNG data URL"),
  audio_hash: z.string().nullable().describe("SHA-256 (hex) of a fixed OfflineAudioContext rendering; null when unavailable"),
  hardware_concurrency: z.number().int(),
  device_memory: z.number().nullable().describe("navigator.deviceMemory (GB, rounded by the browser); null when absent"),
});
export type AgentFingerprintView = z.infer<typeof agentFingerprintView>;

export const detectionCheckView = z.object({ name: z.string(), passed: z.boolean(), detail: z.string() });

export const detectionSignalView = z.object({
  sites_tested: z.number().int(),
  sites_passed: z.number().int(),
  checks: z.array(detectionCheckView),
  measured_at: z.iso.datetime(),
});

/** GET /v1/agents/{id}/detection-signal. */
export const agentDetectionSignalView = z.object({ signal: detectionSignalView.nullable().describe("null until the checks have run (within 30 s of start)") });
export type AgentDetectionSignalView = z.infer<typeof agentDetectionSignalView>;

/** GET /v1/agents/{id}/trust. */
export const agentTrustView = z.object({
  trust_score: z.number().int().min(0).max(1000),
  band: z.enum(TRUST_BANDS).describe("undetected ≥ 850, suspicious 700–849, flagged < 700"),
  inputs: z.array(z.object({ label: z.string(), points: z.number().int() })).describe("one per check; the points add up to trust_score"),
});
export type AgentTrustView = z.infer<typeof agentTrustView>;
