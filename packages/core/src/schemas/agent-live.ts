/** Schemas of the live view, preview tokens and agent screenshots (api.md "Agents"). */
import { z } from "zod";

/** The live view page and its stream: authenticated by the agent's view (or CDP) token, no API key. */
export const liveViewQuery = z.object({ token: z.string().describe("a view token (live_url's, or a preview token) or a CDP token of this agent") });

/** POST /v1/agents/{id}/preview-token: a fresh view-only token, valid 10 minutes. */
export const agentPreviewTokenView = z.object({
  live_url: z.url().describe("the live view with the new view-only token (refused on /v1/cdp)"),
  expires_at: z.iso.datetime().describe("when the token stops opening the live view (10 minutes from now)"),
});
export type AgentPreviewTokenView = z.infer<typeof agentPreviewTokenView>;

/** POST /v1/agents/{id}/screenshot (the body may be empty). */
export const agentScreenshotBody = z.strictObject({
  full_page: z.boolean().default(false).describe("the whole scrollable page (bounded to 16384 px high) instead of the viewport"),
});
export type AgentScreenshotBody = z.infer<typeof agentScreenshotBody>;

export const agentScreenshotView = z.object({
  screenshot_png_b64: z.base64().describe("PNG, base64"),
  url: z.string().describe("the URL of the page shot: the one the live view follows (most recently opened, activated or navigated)"),
});
export type AgentScreenshotView = z.infer<typeof agentScreenshotView>;
