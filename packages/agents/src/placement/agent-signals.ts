import type { Redis } from "ioredis";
import type { AgentEndedReason } from "@browserfleet/core";

/**
 * Agent signals over Redis pub/sub, hints only (Postgres stays the truth; every receiver also
 * re-reads it on a timer): `settled` (a session left queued: wakes the create request waiting
 * for it) and `end` (a session was ended by someone other than its worker: DELETE, the sweep;
 * its worker closes the clients and the browser).
 */
export function agentSettledChannel(prefix: string): string {
  return `${prefix}:events:agent-settled`;
}

export function agentEndChannel(prefix: string): string {
  return `${prefix}:events:agent-end`;
}

export async function announceAgentSettled(redis: Pick<Redis, "publish">, prefix: string, sessionId: string): Promise<void> {
  await redis.publish(agentSettledChannel(prefix), sessionId);
}

export interface AgentEndSignal {
  sessionId: string;
  reason: AgentEndedReason;
  /** The agent ends with the session (DELETE of a persistent agent): nothing is saved, the profile goes. */
  destroy?: boolean;
}

export async function announceAgentEnd(redis: Pick<Redis, "publish">, prefix: string, signal: AgentEndSignal): Promise<void> {
  await redis.publish(agentEndChannel(prefix), JSON.stringify(signal));
}

/** Subscribes `subscriber` (a dedicated connection) to the signals that have a handler; resolves once Redis confirmed. */
export async function subscribeAgentSignals(
  subscriber: Redis,
  prefix: string,
  handlers: { settled?: (sessionId: string) => void; end?: (signal: AgentEndSignal) => void },
): Promise<void> {
  const channels: string[] = [];
  const settled = agentSettledChannel(prefix);
  const end = agentEndChannel(prefix);
  if (handlers.settled) channels.push(settled);
  if (handlers.end) channels.push(end);
  if (channels.length === 0) return;
  subscriber.on("message", (channel: string, message: string) => {
    if (channel === settled) handlers.settled?.(message);
    else if (channel === end) {
      const signal = parseEndSignal(message);
      if (signal) handlers.end?.(signal);
    }
  });
  await subscriber.subscribe(...channels);
}

function parseEndSignal(message: string): AgentEndSignal | null {
  try {
    const parsed = JSON.parse(message) as Partial<AgentEndSignal>;
    return typeof parsed.sessionId === "string" && typeof parsed.reason === "string" ? (parsed as AgentEndSignal) : null;
  } catch {
    return null;
  }
}
