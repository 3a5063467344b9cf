import type { DetectionSignal, TrustInput } from "@browserfleet/core";
import type { Db, Prisma } from "../client.ts";

/**
 * Stores the detection checks one session ran in the agent's browser, with the trust score and
 * inputs computed from them (written together, so the score always matches its signal). A
 * persistent agent's later session overwrites its earlier measurement.
 */
export async function saveAgentTrust(prisma: Db, input: { agentId: string; signal: DetectionSignal; trustScore: number; trustInputs: TrustInput[] }): Promise<void> {
  await prisma.agent.update({
    where: { id: input.agentId },
    data: {
      detectionSignal: input.signal as unknown as Prisma.InputJsonValue,
      trustScore: input.trustScore,
      trustInputs: input.trustInputs as unknown as Prisma.InputJsonValue,
    },
  });
}
