import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { checkTargetUrl, type PageTask, type TargetPolicy } from "@browserfleet/core";
import { completeItem, startItem, type Db, type PageOutcome } from "@browserfleet/db";
import { renderPage, type BrowserPool } from "@browserfleet/browser";
import type { PageJobData } from "@browserfleet/queue";
import type { WorkerMetrics } from "./worker-metrics.ts";

export interface PageItemDeps {
  prisma: Db;
  pool: BrowserPool;
  targetPolicy: TargetPolicy;
  publisher: Redis;
  finishedChannel: string;
  /** Renders of one item (crashes included) before it is failed for good. */
  maxAttempts: number;
  metrics: WorkerMetrics;
  logger: Logger;
}

interface PageJobParams {
  url: string;
  task: PageTask;
  price: number;
}

/**
 * One page job: claim the item in Postgres (a finished item is skipped), render it in a
 * fresh browser context, record the outcome in one guarded transaction, then announce a
 * finished job to waiting API requests.
 */
export async function processPageItem(deps: PageItemDeps, data: PageJobData, signal?: AbortSignal): Promise<"skipped" | "done"> {
  const log = deps.logger.child({ job_id: data.jobId, workspace_id: data.workspaceId, item_id: data.itemId });
  const item = await startItem(deps.prisma, data.itemId);
  if (!item) {
    log.debug("item already finished or its job ended; skipping");
    return "skipped";
  }
  const params = item.params as unknown as PageJobParams;
  let outcome: PageOutcome;
  if (item.attempt > deps.maxAttempts) {
    outcome = { ok: false, errorCode: "INTERNAL_ERROR", errorMessage: `gave up after ${deps.maxAttempts} attempts`, durationMs: 0 };
  } else {
    const end = deps.metrics.pageDuration.startTimer();
    deps.metrics.pagesInFlight.inc();
    try {
      const result = await deps.pool.withContext((context) =>
        renderPage(
          context,
          {
            url: item.url,
            formats: params.task.formats,
            maxChars: params.task.max_chars,
            timeoutMs: params.task.timeout_ms,
            waitUntil: params.task.wait_until,
            fullPage: params.task.full_page,
            signal,
          },
          (url) => checkTargetUrl(url, deps.targetPolicy),
        ),
      );
      // A render result is already an outcome: the same facts, an error code among the item codes.
      outcome = result;
    } finally {
      deps.metrics.pagesInFlight.dec();
      end();
    }
  }
  const written = await completeItem(deps.prisma, { itemId: item.id, outcome, price: params.price });
  deps.metrics.pages.inc({ outcome: outcome.ok ? "completed" : outcome.errorCode, applied: String(written.applied) });
  log.info({ url: item.url, attempt: item.attempt, ok: outcome.ok, error_code: outcome.ok ? null : outcome.errorCode, duration_ms: Math.round(outcome.durationMs), applied: written.applied }, "page rendered");
  if (written.jobFinished) {
    await deps.publisher.publish(deps.finishedChannel, data.jobId).catch((err: unknown) => log.warn({ err }, "could not announce finished job; waiters fall back to polling"));
  }
  return "done";
}
