import type { Logger } from "pino";
import { completeItem, prepareItemPayload, startItem, type BlobStore, type CompleteItemInput, type Db, type PageOutcome, type StartedItem } from "@browserfleet/db";
import { contextShareKey, renderPage, type BrowserPool, type RenderBounds, type RenderResult, type TargetGuard } from "@browserfleet/browser";
import { announceJobFinished, type AdmissionController, type PageJobData } from "@browserfleet/queue";
import { isCollectionKind, parseJobParams, type JobParams } from "@browserfleet/core";
import type { Redis } from "ioredis";
import type { ContextLanes } from "./context-lanes.ts";
import { planCrawlPage, type CrawlPlan } from "./crawl/plan-crawl-page.ts";
import { keepLease } from "./lease-keeper.ts";
import type { JobAbortControllers } from "./job-abort-controllers.ts";
import type { WorkerMetrics } from "./worker-metrics.ts";

export interface PageItemDeps {
  prisma: Db;
  pool: BrowserPool;
  admission: AdmissionController;
  aborts: JobAbortControllers;
  /** One SSRF check for every request of every page (a shared context keeps one guard and its verdict cache). */
  targetGuard: TargetGuard;
  lanes: ContextLanes;
  /** The egress proxy's URL, for the crawl's robots.txt and sitemap reads. */
  egressUrl: string;
  publisher: Redis;
  /** The queue prefix under which finished jobs are announced. */
  queuePrefix: string;
  /** Renders of one item (crashes included) before it is failed for good. */
  maxAttempts: number;
  metrics: WorkerMetrics;
  logger: Logger;
  /** Where this worker writes payloads, and the caps of the formats that have no per-request bound. */
  blobs: BlobStore;
  renderBounds: RenderBounds;
}

export type PageRunOutcome = "stale" | "lease-lost" | "requeued" | "done";

/**
 * One admitted page: check the lease is still this run's, claim the item in Postgres (a
 * finished item or a finished job is skipped), render it in its job's browser context, record
 * the outcome (plus, for a crawl, the pages it discovered) in one guarded transaction, then
 * release the lease, which admits the next waiting page. A throw keeps the lease, so BullMQ's
 * retry (or the lease's expiry) runs the item again. A render the browser failed (Chromium died,
 * a renderer crashed, no context) writes nothing and goes back first in line, at most
 * `maxAttempts` renders in all; only the last such failure is recorded, as INTERNAL_ERROR.
 */
export async function processPageItem(deps: PageItemDeps, data: PageJobData, signal?: AbortSignal): Promise<PageRunOutcome> {
  const log = deps.logger.child({ job_id: data.jobId, workspace_id: data.workspaceId, item_id: data.itemId });
  if (!(await deps.admission.renew(data.itemId, data.ticket))) {
    log.debug({ ticket: data.ticket }, "stale dispatch: the lease belongs to another run");
    return "stale";
  }
  const controller = deps.aborts.open(data.jobId);
  const onShutdown = (): void => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onShutdown, { once: true });
  const lease = keepLease(deps.admission, data.itemId, data.ticket, controller, log);
  try {
    const item = await startItem(deps.prisma, data.itemId);
    if (!item) {
      log.debug("item already finished or its job ended; skipping");
    } else {
      const stopped = () => (lease.lost() ? "lease-lost" : signal?.aborted === true ? "shutdown" : null);
      const written = await runItem(deps, item, controller.signal, log, stopped);
      if (written === "lease-lost") return "lease-lost";
      if (written === "shutdown" || written === "browser-failed") {
        // Stopped by this worker's shutdown or its browser's failure, not by the page: it runs again, first in line.
        await deps.admission.release(data.itemId, data.ticket, { requeue: true });
        return "requeued";
      }
    }
  } finally {
    lease.stop();
    signal?.removeEventListener("abort", onShutdown);
    deps.aborts.close(data.jobId, controller);
  }
  await deps.admission.release(data.itemId, data.ticket);
  return "done";
}

async function runItem(
  deps: PageItemDeps,
  item: StartedItem,
  signal: AbortSignal,
  log: Logger,
  stopped: () => "lease-lost" | "shutdown" | null,
): Promise<"written" | "lease-lost" | "shutdown" | "browser-failed"> {
  const parsed = parseJobParams(item.params);
  const params = parsed.ok ? parsed.params : null;
  const crawl: CrawlPlan | null = params?.crawl ? await planCrawlPage(item, params.crawl, deps.egressUrl, log) : null;
  let outcome: PageOutcome;
  if (!parsed.ok) {
    // A row the worker cannot read fails its item clearly instead of throwing (which would retry it forever).
    log.error({ error: parsed.error }, "job params do not match the contract; failing the item");
    outcome = { ok: false, errorCode: "INTERNAL_ERROR", errorMessage: parsed.error, durationMs: 0 };
  } else if (item.attempt > deps.maxAttempts) {
    outcome = { ok: false, errorCode: "INTERNAL_ERROR", errorMessage: `gave up after ${deps.maxAttempts} attempts`, durationMs: 0 };
  } else if (crawl?.rulesError) {
    outcome = { ok: false, errorCode: "INTERNAL_ERROR", errorMessage: crawl.rulesError, durationMs: 0 };
  } else if (crawl?.refusal) {
    outcome = { ok: false, errorCode: "ROBOTS_DISALLOWED", errorMessage: crawl.refusal, durationMs: 0 };
  } else {
    const rendered = await render(deps, item, parsed.params, crawl !== null, signal);
    if (!rendered.ok && rendered.browserFailed === true) {
      // Chromium died, crashed or closed under the page: not the page's outcome, so none is written
      // while attempts remain (a crashed browser fails every page it held, of every workspace).
      if (item.attempt < deps.maxAttempts) return stopped() ?? browserFailed(deps, item, rendered, log);
      rendered.errorMessage = `${rendered.errorMessage} (gave up after ${item.attempt} attempts)`;
    }
    outcome = rendered;
  }
  // Another run owns the item now (the lease expired while Redis was away), or the worker is
  // going away mid-page: write nothing, the page's outcome is not the page's fault.
  const stop = stopped();
  if (stop !== null) return stop;
  const input: CompleteItemInput = { itemId: item.id, outcome, price: params?.price ?? 0 };
  if (crawl) {
    input.discovered = { urls: crawl.discover(outcome), limit: crawl.rules.limit, maxDepth: crawl.rules.max_depth };
    if (crawl.robotsTxtToRecord !== undefined) input.robotsTxt = crawl.robotsTxtToRecord;
    if (outcome.ok && params?.task.formats.includes("links") !== true) {
      delete outcome.links;
      outcome.truncated = outcome.truncated?.filter((f) => f !== "links");
    }
  }
  const written = await completeWithPayload(deps, item, input, log);
  if (written.newItems.length > 0) {
    await deps.admission.enqueue(item.workspaceId, item.maxConcurrency, written.newItems.map((n) => ({ itemId: n.id, jobId: n.jobId })));
  }
  deps.metrics.pages.inc({ outcome: outcome.ok ? "completed" : outcome.errorCode, applied: String(written.applied) });
  log.info(
    { url: item.url, attempt: item.attempt, ok: outcome.ok, error_code: outcome.ok ? null : outcome.errorCode, duration_ms: Math.round(outcome.durationMs), applied: written.applied, discovered: written.newItems.length },
    "page rendered",
  );
  if (written.jobFinished) {
    await announceJobFinished(deps.publisher, deps.queuePrefix, item.jobId).catch((err: unknown) => log.warn({ err }, "could not announce finished job; waiters fall back to polling"));
  }
  return "written";
}

function browserFailed(deps: PageItemDeps, item: StartedItem, rendered: RenderResult & { ok: false }, log: Logger): "browser-failed" {
  deps.metrics.pages.inc({ outcome: "browser_failed", applied: "false" });
  log.warn({ url: item.url, attempt: item.attempt, error: rendered.errorMessage }, "the browser failed under the page; it runs again");
  return "browser-failed";
}

async function render(deps: PageItemDeps, item: StartedItem, params: JobParams, needLinks: boolean, signal: AbortSignal): Promise<RenderResult> {
  const end = deps.metrics.pageDuration.startTimer();
  deps.metrics.pagesInFlight.inc();
  // Pages of one batch or crawl share browser contexts (creating one is ~40% of a page), a few
  // pages per context; pages of different jobs, and so of different workspaces, never do.
  const jobKey = isCollectionKind(item.kind) ? contextShareKey(item.workspaceId, item.jobId) : undefined;
  const lane = jobKey === undefined ? 0 : deps.lanes.acquire(jobKey);
  const shareKey = jobKey === undefined ? undefined : `${jobKey}#${lane}`;
  let result: RenderResult | undefined;
  try {
    const formats = needLinks && !params.task.formats.includes("links") ? [...params.task.formats, "links" as const] : params.task.formats;
    // A render result is already an outcome: the same facts, an error code among the item codes.
    result = await deps.pool.withContext((context) =>
      renderPage(
        context,
        { url: item.url, formats, maxChars: params.task.max_chars, timeoutMs: params.task.timeout_ms, waitUntil: params.task.wait_until, fullPage: params.task.full_page, onlyMainContent: params.task.only_main_content === true, bounds: deps.renderBounds, signal },
        deps.targetGuard,
      ),
      shareKey === undefined ? {} : { shareKey },
    );
    return result;
  } catch (err) {
    // No context to render in (the browser died while opening one, failed to launch, or the pool is closing).
    const reason = err instanceof Error ? err.message : String(err);
    result = { ok: false, errorCode: "INTERNAL_ERROR", errorMessage: `no browser context: ${reason.split("\n", 1)[0]}`, browserFailed: true, durationMs: 0 };
    return result;
  } finally {
    if (jobKey !== undefined) deps.lanes.release(jobKey, lane);
    deps.metrics.pagesInFlight.dec();
    end({ outcome: renderOutcomeLabel(result) });
  }
}

/** The page_duration outcome of a render: completed, its item error code, or browser_failed (Chromium failed under it). */
function renderOutcomeLabel(result: RenderResult | undefined): string {
  if (result === undefined || (!result.ok && result.browserFailed === true)) return "browser_failed";
  return result.ok ? "completed" : result.errorCode;
}

/** A blob written ahead of the transaction (S3) that the item does not end up pointing to is deleted at once. */
async function completeWithPayload(deps: PageItemDeps, item: StartedItem, input: CompleteItemInput, log: Logger): ReturnType<typeof completeItem> {
  const payload = await prepareItemPayload(deps.blobs, { jobId: item.jobId, itemId: item.id }, input.outcome);
  const discard = (): void => {
    payload?.discard?.().catch((err: unknown) => log.warn({ err, blob_key: payload.key }, "could not delete an unused payload blob; the job's retention sweep removes it"));
  };
  try {
    const written = await completeItem(deps.prisma, { ...input, payload });
    if (!written.applied) discard();
    return written;
  } catch (err) {
    discard();
    throw err;
  }
}
