import { Router } from "express";
import { ApiError } from "@browserfleet/core";
import type { ApiDeps } from "../deps.ts";
import { resolveGatewayTarget } from "../gateway/resolve-gateway-target.ts";
import { ROUTING } from "../http/routing-options.ts";
import { LIVE_VIEW_CSP, liveViewPage } from "./live-view-page.ts";

const tokenOf = (query: unknown): string | null => {
  const token = (query as { token?: unknown }).token;
  return typeof token === "string" ? token : null;
};

/** GET /live/{agent id}?token=…: the live-view page (authenticated by a view or CDP token, not an API key). */
export function liveViewRoutes(deps: ApiDeps): Router {
  const router = Router(ROUTING);

  // 401 wrong/absent token, 404 unknown agent, 409 ended: the page is served for a screen there is, or soon will be, to show.
  router.get("/live/:id", async (req, res) => {
    const target = await resolveGatewayTarget(deps.prisma, String(req.params.id), tokenOf(req.query), "view", { queuedOk: true });
    res
      .status(200)
      .set({
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": LIVE_VIEW_CSP,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
      })
      .send(liveViewPage(target.agentId));
  });

  // The stream is a websocket upgrade (gateway/cdp-gateway.ts → live-stream-upgrade.ts); a plain GET gets told so.
  router.get("/live/:id/stream", async (req) => {
    await resolveGatewayTarget(deps.prisma, String(req.params.id), tokenOf(req.query), "view");
    throw new ApiError("BAD_REQUEST", "this is the live view's websocket: open the live_url page, or connect with a websocket client");
  });

  return router;
}
