import { Router } from "express";
import { agentUrls } from "@browserfleet/agents";
import { ApiError, agentScreenshotBody, agentScreenshotView, mintAgentToken, type AgentPreviewTokenView } from "@browserfleet/core";
import { insertAgentTokens } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { callAgentWorker, findRunningAgent } from "../agents/call-agent-worker.ts";
import { RateLimiter } from "../http/rate-limiter.ts";
import { ROUTING } from "../http/routing-options.ts";
import { validate } from "../http/validate.ts";

/** api.md "Agents": a preview token is valid 10 minutes; 10 of them and 60 screenshots a minute per agent. */
const PREVIEW_TOKEN_TTL_MS = 10 * 60_000;
const PREVIEW_TOKENS_PER_MINUTE = 10;
const SCREENSHOTS_PER_MINUTE = 60;
/** A full-page PNG of a long page takes the worker a few seconds. */
const SCREENSHOT_TIMEOUT_MS = 30_000;

/** /v1/agents/{id}/preview-token and /screenshot (API-key authenticated). */
export function agentLiveRoutes(deps: ApiDeps): Router {
  const router = Router(ROUTING);
  // Counted in Redis per agent, like agent creates per workspace (provision-agent.ts): shared by every API replica, failing open.
  const limiter = (name: string): RateLimiter => new RateLimiter({ redis: deps.redis, keyPrefix: `${deps.config.QUEUE_PREFIX}:rl:${name}`, windowSeconds: 60, timeoutMs: 1_500 });
  const previewTokens = limiter("agent-preview-tokens");
  const screenshots = limiter("agent-screenshots");
  const consume = async (counter: RateLimiter, agentId: string, limit: number, what: string): Promise<void> => {
    const verdict = await counter.consume(agentId, limit).catch(() => null);
    if (verdict && !verdict.allowed) {
      throw new ApiError("TOO_MANY_REQUESTS", `rate limit of ${verdict.limit} ${what} per minute for this agent reached; retry in ${verdict.resetSeconds} s`, { retryAfter: verdict.resetSeconds });
    }
  };

  // A view-only token (kind view: the gateway refuses it on /v1/cdp) that expires, to share the screen without control.
  router.post("/agents/:id/preview-token", async (req, res) => {
    const agent = await findRunningAgent(deps, req.auth!.workspaceId, req.params.id as string | undefined);
    await consume(previewTokens, agent.id, PREVIEW_TOKENS_PER_MINUTE, "preview tokens");
    const view = mintAgentToken();
    const expiresAt = new Date(Date.now() + PREVIEW_TOKEN_TTL_MS);
    await insertAgentTokens(deps.prisma, { agentId: agent.id, sessionId: agent.session.id, tokens: [{ hash: view.hash, kind: "view", expiresAt }] });
    const answer: AgentPreviewTokenView = { live_url: agentUrls(deps.publicUrl(), agent.id, { cdp: "", view: view.token }).liveUrl, expires_at: expiresAt.toISOString() };
    res.status(201).json(answer);
  });

  // Shot by the worker hosting the agent, of the page the live view follows.
  router.post("/agents/:id/screenshot", async (req, res) => {
    const body = validate(agentScreenshotBody, req.body);
    const agent = await findRunningAgent(deps, req.auth!.workspaceId, req.params.id as string | undefined);
    await consume(screenshots, agent.id, SCREENSHOTS_PER_MINUTE, "screenshots");
    const answer = await callAgentWorker(deps, agent.session, "/screenshot", { method: "POST", body: { full_page: body.full_page }, timeoutMs: SCREENSHOT_TIMEOUT_MS });
    const parsed = agentScreenshotView.safeParse(answer);
    if (!parsed.success) throw new ApiError("UPSTREAM_UNAVAILABLE", "the worker hosting this agent answered an unreadable screenshot");
    res.json(parsed.data);
  });

  return router;
}
