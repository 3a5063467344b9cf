import { z } from "zod";
import { COUNTRIES, DEFAULT_COUNTRY, DEFAULT_OS_TYPE, OS_TYPES } from "../agents/agent-identity.ts";
import { BURNER_DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, MIN_TTL_SECONDS, PERSISTENT_DEFAULT_TTL_SECONDS, parseTtl } from "../agents/agent-time.ts";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./jobs.ts";
import { MAX_JSON_DEPTH, isJsonDepthWithin } from "./json-depth.ts";
import { MAX_URL_LENGTH } from "./quick.ts";

export const AGENT_MODES = ["burner", "persistent"] as const;
export type AgentMode = (typeof AGENT_MODES)[number];
export const AGENT_STATUSES = ["queued", "running", "stopped", "destroyed", "failed"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
export const AGENT_ENDED_REASONS = ["ttl", "idle", "client", "worker_lost", "error"] as const;
export type AgentEndedReason = (typeof AGENT_ENDED_REASONS)[number];

/** metadata is the client's own JSON: at most this many bytes serialized; keys starting `_bf.` are ours. */
export const MAX_AGENT_METADATA_BYTES = 8_192;
export const RESERVED_METADATA_PREFIX = "_bf.";
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 300;
export const DEFAULT_STARTUP_TIMEOUT_SECONDS = 15;

const ttlSeconds = z.number().int().min(MIN_TTL_SECONDS).max(MAX_TTL_SECONDS);

const ttlString = z
  .string()
  .max(16)
  .regex(/^[0-9]+(s|m|h)$/, 'ttl must be a number and one unit (s, m or h), e.g. "300s", "5m", "1h"')
  .transform((s, ctx) => {
    // parseTtl is null for a number too long to be a TTL at all ("99999999s"): out of range, said as such.
    const seconds = parseTtl(s);
    if (seconds === null || seconds < MIN_TTL_SECONDS || seconds > MAX_TTL_SECONDS) {
      ctx.addIssue({ code: "custom", message: `ttl must be from ${MIN_TTL_SECONDS} s to ${MAX_TTL_SECONDS} s, got ${seconds === null ? s : `${seconds} s`}` });
      return z.NEVER;
    }
    return seconds;
  });

const metadata = z
  .record(z.string().max(256), z.unknown())
  .refine((m) => isJsonDepthWithin(m, MAX_JSON_DEPTH), { message: `metadata nests deeper than ${MAX_JSON_DEPTH} levels`, abort: true })
  .refine((m) => Buffer.byteLength(JSON.stringify(m), "utf8") <= MAX_AGENT_METADATA_BYTES, `metadata must be at most ${MAX_AGENT_METADATA_BYTES} bytes as JSON`)
  .refine((m) => !Object.keys(m).some((k) => k.startsWith(RESERVED_METADATA_PREFIX)), `metadata keys starting "${RESERVED_METADATA_PREFIX}" are reserved`);

/** `country` of an agent or a task: ISO-2, any case, one of COUNTRY_PROFILES. */
export const countryField = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(COUNTRIES, { message: `country must be one of ${COUNTRIES.join(", ")}` }))
  .default(DEFAULT_COUNTRY);

const initialUrl = z
  .string()
  .min(1)
  .max(MAX_URL_LENGTH, `initial_url must be at most ${MAX_URL_LENGTH} characters`)
  .refine((s) => URL.canParse(s), { message: "initial_url must be an absolute URL", abort: true })
  .refine((s) => ["http:", "https:"].includes(new URL(s).protocol), "initial_url must be an http(s) URL");

/** POST /v1/agents: everything optional; `mode` follows persona/warmup_recipe/ttl unless given. */
export const createAgentBody = z
  .strictObject({
    mode: z.enum(AGENT_MODES).optional(),
    ttl: ttlString.optional(),
    ttl_seconds: ttlSeconds.optional(),
    initial_url: initialUrl.optional(),
    idle_timeout_seconds: z.number().int().min(10).max(3_600).default(DEFAULT_IDLE_TIMEOUT_SECONDS),
    startup_timeout_seconds: z.number().int().min(1).max(60).default(DEFAULT_STARTUP_TIMEOUT_SECONDS),
    os_type: z.enum(OS_TYPES).default(DEFAULT_OS_TYPE),
    country: countryField,
    persona: z.string().trim().min(1).max(100).optional(),
    warmup_recipe: z.string().regex(/^[a-z0-9_-]{1,64}$/, "warmup_recipe must be a recipe name (a-z, 0-9, _ and -)").optional(),
    metadata: metadata.default({}),
  })
  .refine((b) => b.ttl === undefined || b.ttl_seconds === undefined, { message: "send ttl or ttl_seconds, not both", path: ["ttl_seconds"] })
  .transform((b) => {
    const ttlGiven = b.ttl ?? b.ttl_seconds;
    const mode: AgentMode = b.mode ?? ((b.persona !== undefined || b.warmup_recipe !== undefined) && ttlGiven === undefined ? "persistent" : "burner");
    const { ttl: _ttl, ttl_seconds: _ttlSeconds, ...rest } = b;
    return { ...rest, mode, ttl_seconds: ttlGiven ?? (mode === "burner" ? BURNER_DEFAULT_TTL_SECONDS : PERSISTENT_DEFAULT_TTL_SECONDS) };
  });
export type CreateAgentBody = z.output<typeof createAgentBody>;

export const listAgentsQuery = z.object({
  mode: z.enum(AGENT_MODES).optional(),
  status: z.enum(AGENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).max(512).optional(),
});
export type ListAgentsQuery = z.infer<typeof listAgentsQuery>;

const isoOrNull = z.iso.datetime().nullable();

/** An agent as every route shows it; cdp_url/cdp_http/live_url carry a token and are set only where one is minted. */
export const agentView = z.object({
  id: z.string(),
  status: z.enum(AGENT_STATUSES),
  mode: z.enum(AGENT_MODES),
  cdp_url: z.string().nullable(),
  cdp_http: z.string().nullable(),
  live_url: z.string().nullable(),
  profile_id: z.string().nullable(),
  session_id: z.string().nullable(),
  os_type: z.enum(OS_TYPES),
  country: z.string(),
  persona: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  trust_score: z.number().int().nullable(),
  cost_credits: z.number().int(),
  bytes_up: z.number().int(),
  bytes_down: z.number().int(),
  created_at: z.iso.datetime(),
  started_at: isoOrNull,
  expires_at: isoOrNull,
  ended_at: isoOrNull,
  ended_reason: z.enum(AGENT_ENDED_REASONS).nullable(),
  error_code: z.string().nullable(),
});
export type AgentView = z.infer<typeof agentView>;

export const agentListView = z.object({ items: z.array(agentView), next_cursor: z.string().nullable() });

/** GET /v1/agents/{id}/cdp: fresh tokens for a running agent. */
export const agentCdpView = z.object({
  cdp_url: z.string(),
  cdp_http: z.string(),
  live_url: z.string(),
  profile_id: z.string().nullable(),
  expires_at: isoOrNull,
});
export type AgentCdpView = z.infer<typeof agentCdpView>;

export const AGENT_SESSION_STATUSES = ["queued", "running", "ended", "failed"] as const;

/** POST /v1/agents/{id}/sessions: a new session on a stopped persistent agent. */
export const createAgentSessionBody = z
  .strictObject({
    ttl: ttlString.optional(),
    ttl_seconds: ttlSeconds.optional(),
    startup_timeout_seconds: z.number().int().min(1).max(60).default(DEFAULT_STARTUP_TIMEOUT_SECONDS),
  })
  .refine((b) => b.ttl === undefined || b.ttl_seconds === undefined, { message: "send ttl or ttl_seconds, not both", path: ["ttl_seconds"] })
  .transform(({ ttl, ttl_seconds, ...rest }) => ({ ...rest, ttl_seconds: ttl ?? ttl_seconds ?? PERSISTENT_DEFAULT_TTL_SECONDS }));
export type CreateAgentSessionBody = z.output<typeof createAgentSessionBody>;

export const listAgentSessionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).max(512).optional(),
});

/** One session of an agent; its URLs (with tokens) only in the answer that opened it. */
export const agentSessionView = z.object({
  id: z.string(),
  agent_id: z.string(),
  status: z.enum(AGENT_SESSION_STATUSES),
  cdp_url: z.string().nullable(),
  cdp_http: z.string().nullable(),
  live_url: z.string().nullable(),
  started_at: isoOrNull,
  expires_at: isoOrNull,
  ended_at: isoOrNull,
  ended_reason: z.enum(AGENT_ENDED_REASONS).nullable(),
  cost_credits: z.number().int(),
});
export type AgentSessionView = z.infer<typeof agentSessionView>;
export const agentSessionListView = z.object({ items: z.array(agentSessionView), next_cursor: z.string().nullable() });
