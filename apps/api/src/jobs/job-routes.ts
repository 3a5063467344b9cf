import { Router, type Request } from "express";
import { ROUTING } from "../http/routing-options.ts";
import { ApiError, TERMINAL_JOB_STATUSES, encodeListCursor, getJobQuery, jobResultsQuery, listJobsQuery, type JobStatus } from "@browserfleet/core";
import { findJobHot, listJobs, type Job } from "@browserfleet/db";
import { cancelJobEverywhere } from "./cancel-job-everywhere.ts";
import type { ApiDeps } from "../deps.ts";
import { listCursorParam } from "../http/list-cursor-param.ts";
import { uuidParam, validate } from "../http/validate.ts";
import { jobEnvelope, jobStatusView } from "./job-envelope.ts";
import { loadJobResult } from "./job-result.ts";
import { takePrefetchedJob } from "./prefetched-job.ts";
import { resultsGone } from "./results-gone.ts";
import { sendResultsPage } from "./results-page.ts";
import { sendJson } from "../results/json-stream.ts";

const workspaceOf = (req: Request): string => req.auth!.workspaceId;

export function jobRoutes(deps: ApiDeps): Router {
  const router = Router(ROUTING);

  const mustFind = async (req: Request): Promise<Job> => {
    const id = uuidParam(req.params.id as string | undefined, "job id");
    const prefetched = takePrefetchedJob(req, id);
    const job = prefetched !== undefined ? prefetched : await findJobHot(deps.driver, workspaceOf(req), id);
    if (!job) throw new ApiError("NOT_FOUND", `job ${id} not found`);
    return job;
  };

  router.get("/jobs", async (req, res) => {
    const query = validate(listJobsQuery, req.query, "query");
    const after = listCursorParam(query.cursor);
    const page = await listJobs(deps.prisma, { workspaceId: workspaceOf(req), status: query.status, kind: query.kind, limit: query.limit, after });
    res.json({ items: page.jobs.map((j) => jobEnvelope(j)), next_cursor: page.next ? encodeListCursor(page.next) : null });
  });

  router.get("/jobs/:id", async (req, res) => {
    const query = validate(getJobQuery, req.query, "query");
    let job = await mustFind(req);
    if (query.wait !== undefined && !TERMINAL_JOB_STATUSES.includes(job.status as JobStatus)) {
      await deps.jobWaiter.waitForTerminal(job.id, query.wait * 1000);
      job = await mustFind(req);
    }
    // A single-page job embeds its page: streamed, so a multi-MB screenshot is never one string.
    await sendJson(res, jobEnvelope(job, await loadJobResult(deps, job)));
  });

  router.get("/jobs/:id/status", async (req, res) => {
    res.json(jobStatusView(await mustFind(req)));
  });

  router.get("/jobs/:id/results", async (req, res) => {
    const query = validate(jobResultsQuery, req.query, "query");
    const job = await mustFind(req);
    if (resultsGone(job, deps.config.RESULT_RETENTION_DAYS)) {
      throw new ApiError("GONE", `the results of job ${job.id} were deleted after the retention period (${deps.config.RESULT_RETENTION_DAYS} days); the job itself stays`);
    }
    const fromSeq = query.cursor === undefined ? 0 : Number(query.cursor);
    await sendResultsPage(deps, res, job, { fromSeq, limit: query.limit }, req.log);
  });

  router.post("/jobs/:id/cancel", async (req, res) => {
    const id = uuidParam(req.params.id as string | undefined, "job id");
    const job = await cancelJobEverywhere(deps, workspaceOf(req), id);
    req.log.info({ job_id: id }, "job cancelled");
    res.json(jobEnvelope(job, null));
  });

  return router;
}
