import type { AgentUrls } from "@browserfleet/agents";
import type { AgentEndedReason, AgentView, OsType } from "@browserfleet/core";
import { profileIdOf, type AgentWithSession } from "@browserfleet/db";

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** An agent as the API shows it; `urls` (with tokens) only where a token was just minted. */
export function agentView(agent: AgentWithSession, urls: AgentUrls | null = null): AgentView {
  const session = agent.session;
  const sessionOpen = session !== null && (session.status === "queued" || session.status === "running");
  // A persistent agent's bytes are every session's; a burner's one session is its life.
  const bytes = agent.egressTotals ?? { up: session?.bytesUp ?? 0n, down: session?.bytesDown ?? 0n };
  return {
    id: agent.id,
    status: agent.status,
    mode: agent.mode,
    cdp_url: urls?.cdpUrl ?? null,
    cdp_http: urls?.cdpHttp ?? null,
    live_url: urls?.liveUrl ?? null,
    profile_id: profileIdOf(agent),
    session_id: session?.id ?? null,
    os_type: agent.osType as OsType,
    country: agent.country,
    persona: agent.persona,
    metadata: agent.metadata as Record<string, unknown>,
    trust_score: agent.trustScore,
    cost_credits: agent.costCredits,
    bytes_up: Number(bytes.up),
    bytes_down: Number(bytes.down),
    created_at: agent.createdAt.toISOString(),
    started_at: iso(session?.startedAt),
    expires_at: sessionOpen ? iso(session.expiresAt) : null,
    ended_at: iso(agent.endedAt),
    ended_reason: agent.endedReason as AgentEndedReason | null,
    error_code: agent.errorCode,
  };
}
