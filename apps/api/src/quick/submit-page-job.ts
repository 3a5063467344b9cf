import { ApiError, PRICES, checkTargetUrl, type PageTask } from "@browserfleet/core";
import { createJob, type Job, type JobKind } from "@browserfleet/db";
import { enqueuePageItems } from "@browserfleet/queue";
import type { ApiDeps } from "../deps.ts";

export interface SubmitPageJobInput {
  workspaceId: string;
  kind: Extract<JobKind, "scrape" | "screenshot" | "extract">;
  url: string;
  task: PageTask;
  sync: boolean;
  /** Request fields echoed back in the result (extract's schema or prompt). */
  echo?: Record<string, unknown>;
}

/**
 * SSRF-check the target, then one transaction (reservation + job + item), then enqueue.
 * If Redis fails after the commit the job is safe in Postgres and the reconciler enqueues it.
 */
export async function submitPageJob(deps: ApiDeps, input: SubmitPageJobInput): Promise<Job> {
  const verdict = await checkTargetUrl(input.url, deps.targetPolicy);
  if (!verdict.allowed) throw new ApiError("URL_NOT_ALLOWED", `url is not allowed: ${verdict.reason}`);
  const price = input.kind === "scrape" ? PRICES.page : PRICES[input.kind];
  const { job, items } = await createJob(deps.prisma, {
    workspaceId: input.workspaceId,
    kind: input.kind,
    params: { url: input.url, task: input.task, price, ...input.echo },
    sync: input.sync,
    urls: [{ url: input.url }],
    reserve: price,
  });
  try {
    await enqueuePageItems(deps.pageQueue, items.map((i) => ({ itemId: i.id, jobId: job.id, workspaceId: job.workspaceId })));
  } catch (err) {
    deps.logger.warn({ err, job_id: job.id, workspace_id: job.workspaceId }, "enqueue failed after commit; the reconciler will enqueue it");
  }
  return job;
}
