import type { AgentUrls } from "@browserfleet/agents";
import type { AgentEndedReason, AgentSessionView } from "@browserfleet/core";
import type { AgentSession } from "@browserfleet/db";

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function sessionView(session: AgentSession, urls: AgentUrls | null = null): AgentSessionView {
  return {
    id: session.id,
    agent_id: session.agentId,
    status: session.status,
    cdp_url: urls?.cdpUrl ?? null,
    cdp_http: urls?.cdpHttp ?? null,
    live_url: urls?.liveUrl ?? null,
    started_at: iso(session.startedAt),
    expires_at: session.status === "running" || session.status === "queued" ? iso(session.expiresAt) : null,
    ended_at: iso(session.endedAt),
    ended_reason: session.endedReason as AgentEndedReason | null,
    cost_credits: session.creditsCharged,
  };
}
