import type { BrowserContext, Page } from "playwright-core";
import { settleWithin } from "@browserfleet/runtime";
import { egressOf } from "../pool/egress-link.ts";
import { proxyAnswerError, tunnelError, type FailedNavigation } from "./egress-verdict.ts";
import { extractFormats } from "./extract-formats.ts";
import { hasCrashed, probeCrashed } from "./crash-watch.ts";
import { classifyRenderError, isBrowserFailure, RenderStopped, UrlNotAllowedError } from "./render-errors.ts";
import type { RenderFailure, RenderRequest, RenderResult, RenderSuccess, TargetGuard } from "./render-types.ts";
import { parkPage, takePage, type ReusablePage } from "./page-reuse.ts";
import { guardContext } from "./request-guard.ts";
import { startStopSignal, type StopSignal } from "./stop-signal.ts";

const PAGE_CLOSE_TIMEOUT_MS = 5_000;
const CRASH_PROBE_TIMEOUT_MS = 2_000;

/** What a render left behind for the cleanup and the error report. */
interface RenderState {
  page: Page | null;
  lease: ReusablePage | null;
  failedNavigation?: FailedNavigation;
  finished: boolean;
}

/**
 * Loads one URL in a page of `context` (an open one a finished render of the same context left
 * behind, else a new one) and reads the requested formats. Every request of
 * the page (redirect hops included) passes `guard` before Chromium connects; pass the same
 * guard function for every page of a context so verdicts are cached per host. When the pool
 * has an egress proxy, the proxy checks every connection again and its refusals are reported
 * as URL_NOT_ALLOWED too. Never throws.
 */
export async function renderPage(context: BrowserContext, request: RenderRequest, guard: TargetGuard): Promise<RenderResult> {
  const startedAt = performance.now();
  const elapsed = (): number => Math.round(performance.now() - startedAt);
  if (request.signal?.aborted === true) {
    return { ok: false, errorCode: "CANCELLED", errorMessage: "the render was cancelled before it started", durationMs: 0 };
  }
  const stop = startStopSignal(request.timeoutMs, request.signal);
  const state: RenderState = { page: null, lease: null, finished: false };
  const work = render(context, request, guard, stop, state);
  // Only a page whose render ran to the end (not cut off by a timeout or cancel) is clean enough to reuse.
  let clean = false;
  try {
    const loaded = await Promise.race([work, stop.promise]);
    clean = true;
    return { ...loaded, durationMs: elapsed() };
  } catch (err) {
    return { ...(await failure(err, state, context)), durationMs: elapsed() };
  } finally {
    state.finished = true;
    stop.dispose();
    // The race may have left `work` running against a page about to close; its rejection is expected.
    work.catch(() => undefined);
    const lease = state.lease;
    if (lease !== null && clean && !lease.page.isClosed()) {
      parkPage(context, lease);
    } else if (lease !== null) {
      await closePage(lease.page);
      lease.guard.release();
    }
  }
}

async function render(
  context: BrowserContext,
  request: RenderRequest,
  guard: TargetGuard,
  stop: StopSignal,
  state: RenderState,
): Promise<Omit<RenderSuccess, "durationMs">> {
  const contextGuard = await guardContext(context, guard);
  const verdict = await contextGuard.check(request.url);
  if (!verdict.allowed) throw new UrlNotAllowedError(request.url, verdict.reason, false);
  const lease = await takePage(context, contextGuard);
  if (state.finished) {
    // The render already ended (timeout or cancel) while the page was being opened.
    await closePage(lease.page);
    lease.guard.release();
    throw new RenderStopped("CANCELLED", "the render ended before the page opened");
  }
  const page = lease.page;
  state.page = page;
  state.lease = lease;
  lease.onFailedNavigation = (failed) => (state.failedNavigation = failed);
  const response = await page.goto(request.url, { waitUntil: request.waitUntil, timeout: stop.remainingMs() }).catch((err: unknown) => {
    const refusal = lease.guard.refusals.find((r) => r.mainDocument);
    if (refusal !== undefined) throw new UrlNotAllowedError(refusal.url, refusal.reason, refusal.viaRedirect);
    throw tunnelError(err, state.failedNavigation ?? { url: request.url, viaRedirect: false }, egressOf(context)) ?? err;
  });
  // The egress proxy answers a refused or unreachable plain-http target itself, with a marked response.
  const proxyError = proxyAnswerError(response);
  if (proxyError !== null) throw proxyError;
  const extracted = await extractFormats(page, request, () => stop.remainingMs());
  return { ok: true, finalUrl: page.url(), httpStatus: response?.status() ?? null, ...extracted };
}

async function failure(err: unknown, state: RenderState, context: BrowserContext): Promise<Omit<RenderFailure, "durationMs">> {
  const { errorCode, errorMessage } = classifyRenderError(err);
  const result: Omit<RenderFailure, "durationMs"> = { ok: false, errorCode, errorMessage };
  // A failure the page did not clearly cause may be its renderer's crash, reported late: ask the page.
  const ask = state.page !== null && (errorCode === "NAVIGATION_FAILED" || errorCode === "INTERNAL_ERROR");
  const pageCrashed = ask ? await probeCrashed(state.page!, CRASH_PROBE_TIMEOUT_MS) : hasCrashed(state.page);
  if (isBrowserFailure(err, { pageCrashed, browserConnected: context.browser()?.isConnected() ?? true })) {
    // Whatever the failed call said (often net::ERR_ABORTED), the cause is the browser's.
    result.errorCode = "INTERNAL_ERROR";
    result.errorMessage = pageCrashed ? "the page's renderer crashed during the render" : "the browser closed or crashed during the render";
    result.browserFailed = true;
  }
  const landed = currentUrl(state.page);
  if (landed !== undefined) result.finalUrl = landed;
  return result;
}

function currentUrl(page: Page | null): string | undefined {
  if (page === null || page.isClosed()) return undefined;
  const url = page.url();
  return url.startsWith("http:") || url.startsWith("https:") ? url : undefined;
}

/** Bounded, so a wedged renderer cannot hold the caller; the pool's context close is the backstop. */
async function closePage(page: Page): Promise<void> {
  await settleWithin(page.close({ runBeforeUnload: false }).catch(() => undefined), PAGE_CLOSE_TIMEOUT_MS, () => undefined);
}
