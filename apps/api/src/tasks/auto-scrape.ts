import type { Request } from "express";
import { ApiError, DEFAULT_MAX_CHARS, DEFAULT_TIMEOUT_MS } from "@browserfleet/core";
import type { ApiDeps } from "../deps.ts";
import { awaitSyncResult } from "../submit/sync-response.ts";
import { submitPageJob } from "../submit/submit-page-job.ts";

/**
 * /v1/auto's scrape route: a sync scrape (html and text) through the fleet like POST
 * /v1/quick/scrape, answered in the router's shape; no LLM call, no key needed.
 */
export async function autoScrape(deps: ApiDeps, req: Request, route: { url: string; reason: string }): Promise<Record<string, unknown>> {
  if (deps.isDraining()) throw new ApiError("SERVICE_UNAVAILABLE", "this API process is shutting down; retry shortly", { retryAfter: 1 });
  const job = await submitPageJob(deps, {
    workspaceId: req.auth!.workspaceId,
    maxConcurrency: req.auth!.maxConcurrency,
    kind: "scrape",
    url: route.url,
    task: { formats: ["html", "text"], max_chars: DEFAULT_MAX_CHARS, timeout_ms: DEFAULT_TIMEOUT_MS, wait_until: "load", full_page: false },
    sync: true,
  });
  req.log.info({ job_id: job.id, kind: job.kind }, "job submitted");
  const page = await awaitSyncResult(deps, job);
  return {
    routed_via: "scrape",
    routing_reason: route.reason,
    url: page.url,
    final_url: page.final_url,
    http_status: page.http_status,
    title: page.title,
    html: page.html ?? null,
    text: page.text ?? null,
    agent_id: null,
    trust_score: null,
    cost_credits: page.cost_credits,
    duration_ms: page.duration_ms,
    job_id: job.id,
  };
}
