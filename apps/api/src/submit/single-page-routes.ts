import { Router, type Request, type Response } from "express";
import { ROUTING } from "../http/routing-options.ts";
import { ApiError, quickExtractBody, quickScrapeBody, quickScreenshotBody } from "@browserfleet/core";
import type { ApiDeps } from "../deps.ts";
import { validate } from "../http/validate.ts";
import { jobEnvelope } from "../jobs/job-envelope.ts";
import { awaitSyncResult } from "./sync-response.ts";
import { sendReplayableFromJob } from "../idempotency/replay-from-job.ts";
import { submitPageJob, type SubmitPageJobInput } from "./submit-page-job.ts";
import { pageTaskFrom } from "./page-task.ts";

type PageRequest = Omit<SubmitPageJobInput, "workspaceId" | "maxConcurrency" | "sync"> & { async: boolean };

/** POST /v1/quick/{scrape,screenshot,extract}: every one is a job through the queue, sync or async. */
export function singlePageRoutes(deps: ApiDeps): Router {
  const router = Router(ROUTING);

  const handle = async (req: Request, res: Response, page: PageRequest): Promise<void> => {
    const { async: isAsync, ...rest } = page;
    // A sync call started now would be cut by the shutdown: refuse it before anything is created.
    if (!isAsync && deps.isDraining()) throw new ApiError("SERVICE_UNAVAILABLE", "this API process is shutting down; retry shortly", { retryAfter: 1 });
    const job = await submitPageJob(deps, { ...rest, workspaceId: req.auth!.workspaceId, maxConcurrency: req.auth!.maxConcurrency, sync: !isAsync });
    req.log.info({ job_id: job.id, kind: job.kind, async: isAsync }, "job submitted");
    if (isAsync) {
      res.status(202).json(jobEnvelope(job, null));
      return;
    }
    // Streamed; under an Idempotency-Key kept as a reference to the job, not a second copy of the bytes.
    await sendReplayableFromJob(res, job.id, await awaitSyncResult(deps, job));
  };

  router.post("/quick/scrape", async (req, res) => {
    const body = validate(quickScrapeBody, req.body);
    const task = pageTaskFrom(body);
    await handle(req, res, { kind: "scrape", url: body.url, task, async: body.async });
  });

  router.post("/quick/screenshot", async (req, res) => {
    const body = validate(quickScreenshotBody, req.body);
    const task = pageTaskFrom({ ...body, formats: ["screenshot"], max_chars: 0 });
    await handle(req, res, { kind: "screenshot", url: body.url, task, async: body.async });
  });

  router.post("/quick/extract", async (req, res) => {
    const body = validate(quickExtractBody, req.body);
    const task = pageTaskFrom({ ...body, formats: ["text"], full_page: false });
    const echo = body.schema !== undefined ? { schema: body.schema } : { prompt: body.prompt };
    await handle(req, res, { kind: "extract", url: body.url, task, async: body.async, echo });
  });

  return router;
}
