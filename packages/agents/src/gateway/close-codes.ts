import type { AgentEndedReason } from "@browserfleet/core";

/**
 * Websocket close codes the gateway sends a CDP client when its agent's session ends (4000-4999
 * are the application's own range), with a reason a person can read. README "Agents" lists them.
 */
export const AGENT_CLOSE_CODES: Record<AgentEndedReason, { code: number; reason: string }> = {
  ttl: { code: 4001, reason: "agent ended: its TTL expired" },
  idle: { code: 4002, reason: "agent ended: idle timeout" },
  client: { code: 4003, reason: "agent ended: deleted by the client" },
  worker_lost: { code: 4004, reason: "agent ended: its worker was lost" },
  error: { code: 4005, reason: "agent ended: its browser crashed, or it was destroyed for an unpaid renewal" },
};

/** The gateway itself is shutting down (the session goes on; reconnect through another replica). */
export const GATEWAY_GOING_AWAY = { code: 1001, reason: "gateway shutting down; reconnect" };

/** The hop behind the gateway broke without a close frame. */
export const UPSTREAM_LOST = { code: 1011, reason: "connection to the agent's browser was lost" };

/** Whether a close code may be sent in a close frame (RFC 6455 §7.4: 1005, 1006 and 1015 never are). */
export function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}
