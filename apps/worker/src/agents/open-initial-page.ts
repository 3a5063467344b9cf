import { WARMUP_VISIT_TIMEOUT_MS } from "@browserfleet/core";
import type { AttachedTarget, IdentityEmulation } from "./identity/identity-emulation.ts";

export interface FirstPagePlan {
  /** The warmup recipe's URLs, visited in order in the first page before it is handed over. */
  warmup: readonly string[];
  /** Where the first page is left (null: about:blank after a warmup, untouched otherwise). */
  initialUrl: string | null;
}

/**
 * Prepares the browser's one page before the client gets it, over the worker's identity
 * connection (raw CDP: no second DevTools session on the page, so the document loads with the
 * identity's platform, and no Playwright connect): visits the warmup URLs (each bounded, a failing
 * one skipped: its site's answer, cookies and history are what the warmup is for), then loads
 * `initialUrl`. Everything stays within `timeoutMs`; a page that fails to load is still handed
 * over: the client sees what the site answered.
 */
export async function openInitialPage(emulation: IdentityEmulation, plan: FirstPagePlan, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(250, deadline - Date.now());
  const page = emulation.pages().find((p) => !emulation.isWorkers(p));
  if (!page) throw new Error("the agent browser has no first page");
  await page.ready;
  await emulation.connection.send("Page.enable", {}, page.sessionId);
  try {
    for (const url of plan.warmup) {
      // Leave the initial page its share of the budget.
      const budget = Math.min(WARMUP_VISIT_TIMEOUT_MS, left() - (plan.initialUrl === null ? 0 : 1_000));
      if (budget < 500) break;
      await navigate(emulation, page, url, budget);
    }
    const target = plan.initialUrl ?? (plan.warmup.length > 0 ? "about:blank" : null);
    if (target !== null) await navigate(emulation, page, target, left());
  } finally {
    await emulation.connection.send("Page.disable", {}, page.sessionId).catch(() => undefined);
  }
}

/** Page.navigate, then the load event (or the navigation's failure, or the time running out: all are handed over as they are). */
async function navigate(emulation: IdentityEmulation, page: AttachedTarget, url: string, timeoutMs: number): Promise<void> {
  let stop = (): void => undefined;
  const loaded = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const off = emulation.connection.onEvent((event) => {
      if (event.sessionId === page.sessionId && event.method === "Page.loadEventFired") resolve();
    });
    stop = () => {
      clearTimeout(timer);
      off();
      resolve();
    };
  });
  try {
    const answer = await emulation.connection.send<{ errorText?: string; loaderId?: string }>("Page.navigate", { url }, page.sessionId);
    // A failed navigation (refused by the egress proxy, DNS…) shows Chromium's error page; a same-document one has no loader.
    if (answer.errorText || answer.loaderId === undefined) return;
    await loaded;
  } catch {
    // The page went away or the connection closed: the caller hands over what there is (or fails on the next step).
  } finally {
    stop();
  }
}
