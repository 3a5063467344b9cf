import { isSinglePageKind, jobParams, toResultItem } from "@browserfleet/core";
import { loadFirstItemResult, type ItemResult, type Job } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { Base64Bytes } from "../results/json-chunks.ts";
import { resultsGone } from "./results-gone.ts";

/**
 * A result item as api.md shows it, for streaming (json-chunks.ts): the screenshot stays bytes
 * until it is written, in the same key order toResultItem gives.
 */
export function itemView(item: ItemResult): Record<string, unknown> {
  const { screenshot, ...content } = item.content ?? {};
  const view: Record<string, unknown> = { ...toResultItem({ ...item, ...content, status: item.status }) };
  if (screenshot !== undefined) view.screenshot_png_b64 = new Base64Bytes(screenshot);
  return view;
}

/** Extract answers the page text next to the caller's schema or prompt, for a client-side LLM pass. */
export function extractView(job: Job, item: ItemResult): Record<string, unknown> {
  // Only the echoed fields are read here: a row that fails the rest of the contract still answers.
  const echoed = jobParams.pick({ schema: true, prompt: true }).safeParse(job.params);
  const params = echoed.success ? echoed.data : {};
  const base = toResultItem({ ...item, text: item.content?.text ?? null, status: item.status });
  return {
    url: base.url,
    final_url: base.final_url,
    status: base.status,
    http_status: base.http_status,
    title: base.title,
    text: base.text ?? "",
    truncated: base.truncated,
    ...(params.schema !== undefined ? { schema: params.schema } : { prompt: params.prompt }),
  };
}

/** A single-page job's answer: extract's shape for extract, the result item otherwise. */
export function pageView(job: Job, item: ItemResult): Record<string, unknown> {
  return job.kind === "extract" ? extractView(job, item) : itemView(item);
}

/**
 * `result` of the job envelope: the page for single-page jobs, a summary for batch and crawl;
 * null until done, and null again once the results are past their retention.
 */
export async function loadJobResult(deps: Pick<ApiDeps, "prisma" | "blobs" | "config">, job: Job): Promise<unknown> {
  // A task's: {question} while it waits for the user, {final_result, steps_taken, trust_score} once completed.
  if (job.kind === "task") return job.taskResult ?? null;
  if (job.status !== "completed" || resultsGone(job, deps.config.RESULT_RETENTION_DAYS)) return null;
  if (!isSinglePageKind(job.kind)) {
    return { succeeded: job.progressDone - job.progressFailed, failed: job.progressFailed, result_url: `/v1/jobs/${job.id}/results` };
  }
  const item = await loadFirstItemResult(deps.prisma, deps.blobs, job.id);
  return item === null ? null : pageView(job, item);
}
