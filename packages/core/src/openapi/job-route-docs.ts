import { getJobQuery, listJobsQuery } from "../schemas/jobs.ts";
import { jobEnvelopeSchema, jobListSchema, jobResultsQuery, jobStatusSchema, resultPageSchema } from "./job-schemas.ts";
import type { RouteDoc } from "./route-doc.ts";

const id = { id: "job id (UUID)" };

/** /v1/jobs: list, read, long-poll, page through results, cancel. */
export const jobRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/jobs",
    operationId: "listJobs",
    summary: "List the workspace's jobs, newest first (envelopes without `result`)",
    tag: "jobs",
    auth: true,
    query: listJobsQuery,
    responses: { 200: { description: "one page of jobs", schema: jobListSchema } },
    errors: [],
  },
  {
    method: "get",
    path: "/v1/jobs/{id}",
    operationId: "getJob",
    summary: "Read a job; `wait=1..120` long-polls until it is terminal or the wait ends",
    tag: "jobs",
    auth: true,
    pathParams: id,
    query: getJobQuery,
    responses: { 200: { description: "the job envelope with `result`", schema: jobEnvelopeSchema } },
    errors: [],
  },
  {
    method: "get",
    path: "/v1/jobs/{id}/status",
    operationId: "getJobStatus",
    summary: "A job's status and progress counters",
    tag: "jobs",
    auth: true,
    pathParams: id,
    responses: { 200: { description: "status and progress", schema: jobStatusSchema } },
    errors: [],
  },
  {
    method: "get",
    path: "/v1/jobs/{id}/results",
    operationId: "listJobResults",
    summary: "A job's result items in submission (batch) or discovery (crawl) order",
    tag: "jobs",
    auth: true,
    pathParams: id,
    query: jobResultsQuery,
    responses: { 200: { description: "one page of result items, bounded by RESULTS_PAGE_MAX_BYTES", schema: resultPageSchema } },
    errors: ["GONE"],
  },
  {
    method: "post",
    path: "/v1/jobs/{id}/cancel",
    operationId: "cancelJob",
    summary: "Cancel a job: running pages stop, queued ones never start, unfinished work is not charged",
    tag: "jobs",
    auth: true,
    pathParams: id,
    responses: { 200: { description: "the job, now `cancelled`", schema: jobEnvelopeSchema } },
    errors: ["JOB_TERMINAL"],
  },
];
