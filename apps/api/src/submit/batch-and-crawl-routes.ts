import { Router } from "express";
import { ROUTING } from "../http/routing-options.ts";
import { ApiError, PRICES, normalizeCrawlUrl, quickBatchBody, quickCrawlBody, type CrawlRules } from "@browserfleet/core";
import type { ApiDeps } from "../deps.ts";
import { validate } from "../http/validate.ts";
import { checkTargets } from "./check-targets.ts";
import { jobEnvelope } from "../jobs/job-envelope.ts";
import { submitJob } from "./submit-job.ts";
import { pageTaskFrom } from "./page-task.ts";

/** POST /v1/quick/batch and /v1/quick/crawl: many pages, always async, polled or announced by webhook. */
export function batchAndCrawlRoutes(deps: ApiDeps): Router {
  const router = Router(ROUTING);

  router.post("/quick/batch", async (req, res) => {
    const body = validate(quickBatchBody, req.body);
    await checkTargets(deps, body.urls, "urls", req.auth!.workspaceId);
    const task = pageTaskFrom(body);
    const job = await submitJob(deps, {
      workspaceId: req.auth!.workspaceId,
      maxConcurrency: req.auth!.maxConcurrency,
      kind: "batch",
      params: { task, price: PRICES.page },
      sync: false,
      urls: body.urls.map((url) => ({ url })),
      reserve: body.urls.length * PRICES.page,
    });
    req.log.info({ job_id: job.id, kind: job.kind, items: body.urls.length }, "job submitted");
    res.status(202).json(jobEnvelope(job));
  });

  router.post("/quick/crawl", async (req, res) => {
    const body = validate(quickCrawlBody, req.body);
    await checkTargets(deps, [body.url], "url", req.auth!.workspaceId);
    const start = normalizeCrawlUrl(body.url, undefined, { ignoreQueryParameters: body.ignore_query_parameters });
    if (start === null) throw new ApiError("URL_NOT_ALLOWED", "url is not allowed: a crawl starts from an http or https URL");
    const task = pageTaskFrom(body);
    const crawl: CrawlRules = {
      start_url: start,
      limit: body.limit,
      max_depth: body.max_depth,
      include_paths: body.include_paths,
      exclude_paths: body.exclude_paths,
      allow_subdomains: body.allow_subdomains,
      ignore_query_parameters: body.ignore_query_parameters,
      respect_robots_txt: body.respect_robots_txt,
      use_sitemap: body.use_sitemap,
    };
    const job = await submitJob(deps, {
      workspaceId: req.auth!.workspaceId,
      maxConcurrency: req.auth!.maxConcurrency,
      kind: "crawl",
      params: { task, price: PRICES.page, crawl },
      sync: false,
      urls: [{ url: start, urlKey: start, depth: 0 }],
      // The worst case: every page up to the limit succeeds; the rest is released at the end.
      reserve: body.limit * PRICES.page,
    });
    req.log.info({ job_id: job.id, kind: job.kind, limit: body.limit }, "job submitted");
    res.status(202).json(jobEnvelope(job));
  });

  return router;
}
