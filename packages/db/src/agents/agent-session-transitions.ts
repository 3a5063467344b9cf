import { sessionCharge, type AgentEndedReason, type AgentMode } from "@browserfleet/core";
import type { Agent, AgentSession, Db, Tx } from "../client.ts";
import { moveCredits } from "../credits/move-credits.ts";
import { endTaskOfAgent } from "../tasks/task-transitions.ts";
import { writeOutboxEvent } from "../webhooks/write-outbox-event.ts";

// Every transition is one conditional UPDATE on the session first (its status guards it, so two
// processes racing to end or fail one session cannot both succeed), the agent next, the
// workspace's balance last, and the outbox event in the same transaction.

/** A worker takes a queued session: only one worker ever holds it; null when it is gone or taken. */
export async function claimAgentSession(
  prisma: Db,
  input: { sessionId: string; workerId: string; workerUrl: string },
): Promise<{ session: AgentSession; agent: Agent } | null> {
  const claimed = await prisma.agentSession.updateMany({
    where: { id: input.sessionId, status: "queued", workerId: null },
    data: { workerId: input.workerId, workerUrl: input.workerUrl },
  });
  if (claimed.count === 0) return null;
  const session = await prisma.agentSession.findUniqueOrThrow({ where: { id: input.sessionId }, include: { agent: true } });
  const { agent, ...rest } = session;
  return { session: rest, agent };
}

/** The claimed session's browser is up: running from now until its TTL (scaled), and agent.provisioned. Null if it was failed or ended meanwhile. */
export async function markAgentSessionRunning(
  prisma: Db,
  input: { sessionId: string; workerId: string; browserPid: number; ttlScale: number },
): Promise<AgentSession | null> {
  return prisma.$transaction(async (tx) => {
    const session = await tx.agentSession.findUnique({ where: { id: input.sessionId } });
    if (!session) return null;
    const startedAt = new Date();
    const expiresAt = new Date(startedAt.getTime() + session.ttlSeconds * input.ttlScale * 1000);
    const moved = await tx.agentSession.updateMany({
      where: { id: input.sessionId, status: "queued", workerId: input.workerId },
      data: { status: "running", startedAt, expiresAt, browserPid: input.browserPid },
    });
    if (moved.count === 0) return null;
    const earlier = await tx.agentSession.count({ where: { agentId: session.agentId, startedAt: { not: null }, id: { not: session.id } } });
    const agent = await tx.agent.update({ where: { id: session.agentId }, data: { status: "running" } });
    if (earlier === 0) {
      await writeOutboxEvent(tx, {
        workspaceId: agent.workspaceId,
        type: "agent.provisioned",
        data: {
          agent_id: agent.id,
          mode: agent.mode,
          profile_id: profileIdOf(agent),
          session_id: session.id,
          trust_score: agent.trustScore,
          expires_at: expiresAt.toISOString(),
          cost_credits: agent.costCredits,
        },
      });
    }
    if (agent.mode === "persistent") {
      await writeOutboxEvent(tx, {
        workspaceId: agent.workspaceId,
        type: "agent.session.started",
        data: { agent_id: agent.id, session_id: session.id, started_at: startedAt.toISOString(), expires_at: expiresAt.toISOString(), cost_credits: agent.costCredits },
      });
    }
    return { ...session, status: "running", startedAt, expiresAt, browserPid: input.browserPid };
  });
}

/** A session that never reached running: failed, its whole reservation released, agent.failed. False if it already left queued. */
export async function failAgentSession(prisma: Db, input: { sessionId: string; errorCode: string; errorMessage: string }): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const [session] = await tx.$queryRaw<{ agent_id: string; workspace_id: string; credits_reserved: number }[]>`
      UPDATE agent_sessions SET status = 'failed', ended_at = now(), error_code = ${input.errorCode}, error_message = ${input.errorMessage}
      WHERE id = ${input.sessionId} AND status = 'queued'
      RETURNING agent_id, workspace_id, credits_reserved`;
    if (!session) return false;
    // A persistent agent that has run before keeps its profile and goes back to stopped; otherwise the agent never ran.
    const ranBefore = (await tx.agentSession.count({ where: { agentId: session.agent_id, startedAt: { not: null } } })) > 0;
    await tx.agent.update({
      where: { id: session.agent_id },
      data: ranBefore ? { status: "stopped" } : { status: "failed", endedAt: new Date(), errorCode: input.errorCode, errorMessage: input.errorMessage },
    });
    // A task's burner that never started: the task fails with it (job row before the workspace's credits).
    await endTaskOfAgent(tx, session.agent_id, { failed: input.errorCode });
    await release(tx, session.workspace_id, session.agent_id, session.credits_reserved);
    await writeOutboxEvent(tx, {
      workspaceId: session.workspace_id,
      type: "agent.failed",
      data: { agent_id: session.agent_id, error_code: input.errorCode, error_message: input.errorMessage },
    });
    return true;
  });
}

export interface EndAgentSessionInput {
  sessionId: string;
  reason: AgentEndedReason;
  /** When the session stopped running (a lost worker's last sign of life); default now. */
  endedAt?: Date;
  /** AGENT_TTL_SCALE: agent time is real time divided by it, and blocks are counted in agent time. */
  ttlScale: number;
  /** A persistent agent's session ends with the agent itself (DELETE of the agent, a failed renewal): destroyed, profile deleted. */
  destroyAgent?: boolean;
  /** Whether the profile was saved before this end (reported in agent.session.ended). */
  profileSaved?: boolean;
  /** The session's egress bytes at its end, written with it; like the periodic write, never lowers what is stored. */
  bytes?: { up: number; down: number };
}

export interface EndedAgentSession {
  agentId: string;
  workspaceId: string;
  mode: AgentMode;
  charged: number;
  released: number;
  workerUrl: string | null;
  /** The task this burner was running, when this end failed it (its key in Redis is the caller's to delete). */
  taskJobId: string | null;
}

/**
 * Ends a queued or running session for `reason`: charges its started blocks of running time
 * (nothing if it never ran) and releases the rest of the reservation. A burner's only session is
 * its life: the agent is destroyed (agent.destroyed). A persistent agent goes back to stopped
 * (agent.session.ended), unless `destroyAgent`. Null when the session had already ended.
 */
export async function endAgentSession(prisma: Db, input: EndAgentSessionInput): Promise<EndedAgentSession | null> {
  return prisma.$transaction(async (tx) => {
    const requestedEnd = input.endedAt ?? new Date();
    const [session] = await tx.$queryRaw<{ agent_id: string; workspace_id: string; credits_reserved: number; started_at: Date | null; worker_url: string | null }[]>`
      UPDATE agent_sessions SET status = 'ended', ended_at = GREATEST(${requestedEnd}::timestamptz, COALESCE(started_at, ${requestedEnd}::timestamptz)), ended_reason = ${input.reason},
        bytes_up = GREATEST(bytes_up, ${BigInt(Math.max(0, Math.floor(input.bytes?.up ?? 0)))}::bigint),
        bytes_down = GREATEST(bytes_down, ${BigInt(Math.max(0, Math.floor(input.bytes?.down ?? 0)))}::bigint)
      WHERE id = ${input.sessionId} AND status IN ('queued', 'running')
      RETURNING agent_id, workspace_id, credits_reserved, started_at, worker_url`;
    if (!session) return null;
    const agent = await tx.agent.findUniqueOrThrow({ where: { id: session.agent_id } });
    // A task's burner ending before its task did (lost worker, crash, TTL, DELETE): the task fails with it.
    const taskJobId = await endTaskOfAgent(tx, agent.id, input.reason);
    const endedAt = session.started_at !== null && requestedEnd < session.started_at ? session.started_at : requestedEnd;
    const charged =
      session.started_at === null ? 0 : sessionCharge({ mode: agent.mode, startedAt: session.started_at, endedAt, scale: input.ttlScale, reserved: session.credits_reserved });
    const released = session.credits_reserved - charged;
    await tx.agentSession.update({ where: { id: input.sessionId }, data: { creditsCharged: charged } });
    const destroy = agent.mode === "burner" || input.destroyAgent === true;
    const updated = await tx.agent.update({
      where: { id: agent.id },
      data: destroy ? { status: "destroyed", endedAt, endedReason: input.reason, costCredits: { increment: charged } } : { status: "stopped", costCredits: { increment: charged } },
    });
    await release(tx, session.workspace_id, agent.id, released);
    if (agent.mode === "persistent") {
      await writeOutboxEvent(tx, {
        workspaceId: session.workspace_id,
        type: "agent.session.ended",
        data: { agent_id: agent.id, session_id: input.sessionId, ended_at: endedAt.toISOString(), reason: input.reason, profile_saved: input.profileSaved === true },
      });
    }
    if (destroy) {
      if (agent.mode === "persistent") await tx.agentProfile.deleteMany({ where: { agentId: agent.id } });
      await writeOutboxEvent(tx, {
        workspaceId: session.workspace_id,
        type: "agent.destroyed",
        data: { agent_id: agent.id, mode: agent.mode, destroyed_at: endedAt.toISOString(), reason: input.reason, cost_credits: updated.costCredits },
      });
    }
    return { agentId: agent.id, workspaceId: session.workspace_id, mode: agent.mode, charged, released, workerUrl: session.worker_url, taskJobId };
  });
}

/** DELETE of a persistent agent between sessions: destroyed, its profile deleted, agent.destroyed. False unless it was stopped. */
export async function destroyStoppedAgent(prisma: Db, input: { agentId: string; reason: AgentEndedReason }): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const endedAt = new Date();
    const moved = await tx.agent.updateMany({ where: { id: input.agentId, status: "stopped" }, data: { status: "destroyed", endedAt, endedReason: input.reason } });
    if (moved.count === 0) return false;
    const agent = await tx.agent.findUniqueOrThrow({ where: { id: input.agentId } });
    await tx.agentProfile.deleteMany({ where: { agentId: agent.id } });
    await writeOutboxEvent(tx, {
      workspaceId: agent.workspaceId,
      type: "agent.destroyed",
      data: { agent_id: agent.id, mode: agent.mode, destroyed_at: endedAt.toISOString(), reason: input.reason, cost_credits: agent.costCredits },
    });
    return true;
  });
}

/** A persistent agent's profile id as the API shows it (null for burners: they keep nothing). */
export function profileIdOf(agent: Pick<Agent, "id" | "mode">): string | null {
  return agent.mode === "persistent" ? `prf_${agent.id.slice(4)}` : null;
}

async function release(tx: Tx, workspaceId: string, agentId: string, credits: number): Promise<void> {
  if (credits > 0) await moveCredits(tx, { workspaceId, delta: credits, reason: "agent_release", agentId });
}
