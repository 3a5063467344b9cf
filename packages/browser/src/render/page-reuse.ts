import type { BrowserContext, Page } from "playwright-core";
import { hasCrashed, watchCrash } from "./crash-watch.ts";
import { watchFailedNavigations, type FailedNavigation } from "./egress-verdict.ts";
import type { ContextGuard, PageGuard } from "./request-guard.ts";

/**
 * A guarded page that outlives one render. Reusing a tab for the next page of the same context
 * keeps its renderer process: measured here, a new page per URL costs about twice the CPU of
 * navigating an open one, so pages of one job (one context) are reused instead of reopened.
 */
export interface ReusablePage {
  page: Page;
  guard: PageGuard;
  /** The check the page's guard was built with; a render with another guard function opens its own page. */
  check: ContextGuard["check"];
  /** Where the page's failed-navigation listener reports, re-aimed at each render. */
  onFailedNavigation: ((failed: FailedNavigation) => void) | null;
}

// Pages parked between renders, per context; they close with their context.
const parked = new WeakMap<BrowserContext, ReusablePage[]>();

/** An open page of this context that passes the same guard, or a new guarded one. */
export async function takePage(context: BrowserContext, contextGuard: ContextGuard): Promise<ReusablePage> {
  const shelf = parked.get(context) ?? [];
  for (let candidate = shelf.pop(); candidate !== undefined; candidate = shelf.pop()) {
    // A parked tab whose renderer crashed is open but dead: never hand it to the next page.
    if (!candidate.page.isClosed() && !hasCrashed(candidate.page) && candidate.check === contextGuard.check) {
      candidate.guard.reset();
      return candidate;
    }
    candidate.guard.release();
    if (hasCrashed(candidate.page)) void candidate.page.close({ runBeforeUnload: false }).catch(() => undefined);
  }
  const page = await context.newPage();
  watchCrash(page);
  const reusable: ReusablePage = { page, guard: undefined as unknown as PageGuard, check: contextGuard.check, onFailedNavigation: null };
  try {
    reusable.guard = await contextGuard.guardPage(page);
  } catch (err) {
    await page.close({ runBeforeUnload: false }).catch(() => undefined);
    throw err;
  }
  watchFailedNavigations(page, (failed) => reusable.onFailedNavigation?.(failed));
  return reusable;
}

/** Puts a page back for the next render of its context (only after a clean render). */
export function parkPage(context: BrowserContext, reusable: ReusablePage): void {
  reusable.onFailedNavigation = null;
  const shelf = parked.get(context);
  if (shelf === undefined) parked.set(context, [reusable]);
  else shelf.push(reusable);
}
