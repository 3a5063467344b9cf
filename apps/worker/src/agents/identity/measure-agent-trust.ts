import type { Logger } from "pino";
import { trustScoreOf } from "@browserfleet/core";
import { saveAgentTrust, type Db } from "@browserfleet/db";
import { runDetectionChecks } from "./detection-checks.ts";
import type { IdentityEmulation } from "./identity-emulation.ts";

/** The checks must be stored within 30 s of start (api.md); this leaves room for the write. */
const CHECKS_TIMEOUT_MS = 20_000;

/**
 * Runs the detection checks in the agent's running browser and stores the signal with the trust
 * score computed from it (agent-trust-score.ts). Never throws: a failed run is logged and leaves
 * the agent unmeasured (its trust_score stays null; GET /trust then answers 503).
 */
export async function measureAgentTrust(emulation: IdentityEmulation, input: { prisma: Db; agentId: string; logger: Logger }): Promise<void> {
  const startedAt = performance.now();
  try {
    const signal = await runDetectionChecks(emulation, CHECKS_TIMEOUT_MS);
    const { score, inputs } = trustScoreOf(signal.checks);
    await saveAgentTrust(input.prisma, { agentId: input.agentId, signal, trustScore: score, trustInputs: inputs });
    input.logger.info(
      { trust_score: score, failed: signal.checks.filter((c) => !c.passed).map((c) => c.name), ms: Math.round(performance.now() - startedAt) },
      "agent detection checks measured",
    );
  } catch (err) {
    input.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "agent detection checks could not run");
  }
}
