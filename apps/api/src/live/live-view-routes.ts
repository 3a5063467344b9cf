import { Router } from "express";
import type { ApiDeps } from "../deps.ts";
import { ROUTING } from "../http/routing-options.ts";

/** GET /live/{agent id}?token=…: the live-view page (authenticated by a view or CDP token, not an API key). */
export function liveViewRoutes(_deps: ApiDeps): Router {
  const router = Router(ROUTING);
  return router;
}
