import type { Page } from "playwright-core";
import { settleWithin } from "@browserfleet/runtime";

// Pages whose renderer process died; such a page stays open but can do nothing any more.
const crashed = new WeakSet<Page>();

/** Remembers when the page's renderer crashes (one listener for the page's whole life). */
export function watchCrash(page: Page): void {
  page.once("crash", () => crashed.add(page));
}

export function hasCrashed(page: Page | null): boolean {
  return page !== null && crashed.has(page);
}

/**
 * Whether the page's renderer is dead, asked of the page itself: Chromium reports a navigation
 * aborted by the crash (net::ERR_ABORTED) before the crash, and a call on a crashed page fails
 * only once the crash is known. A page that does not answer within `timeoutMs` counts as alive.
 */
export async function probeCrashed(page: Page, timeoutMs: number): Promise<boolean> {
  if (crashed.has(page)) return true;
  if (page.isClosed()) return false;
  const answer = await settleWithin(
    page.evaluate("0").then(
      () => "alive",
      (err: unknown) => (/Target crashed|Page crashed/i.test(err instanceof Error ? err.message : String(err)) ? "crashed" : "unknown"),
    ),
    timeoutMs,
    () => "unknown",
  );
  return answer === "crashed" || crashed.has(page);
}
