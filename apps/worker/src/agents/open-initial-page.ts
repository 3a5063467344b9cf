import { chromium } from "playwright-core";
import { WARMUP_VISIT_TIMEOUT_MS } from "@browserfleet/core";
import type { AgentBrowser } from "@browserfleet/browser";

export interface FirstPagePlan {
  /** The warmup recipe's URLs, visited in order in the first page before it is handed over. */
  warmup: readonly string[];
  /** Where the first page is left (null: about:blank after a warmup, untouched otherwise). */
  initialUrl: string | null;
}

/**
 * Prepares the browser's one page before the client gets it, over a CDP connection of the
 * worker's own that is closed again (the client then sees one context with one page): visits the
 * warmup URLs (each bounded, a failing one skipped: its site's answer, cookies and history are
 * what the warmup is for), then loads `initialUrl`. Everything stays within `timeoutMs`; a page
 * that fails to load is still handed over: the client sees what the site answered.
 */
export async function openInitialPage(browser: AgentBrowser, plan: FirstPagePlan, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(250, deadline - Date.now());
  const connection = await chromium.connectOverCDP(browser.browserWsUrl, { timeout: timeoutMs, noDefaults: true });
  try {
    const context = connection.contexts()[0];
    const page = context?.pages()[0] ?? (await context?.newPage());
    if (!page) throw new Error("the agent browser has no default context");
    for (const url of plan.warmup) {
      // Leave the initial page its share of the budget.
      const budget = Math.min(WARMUP_VISIT_TIMEOUT_MS, left() - (plan.initialUrl === null ? 0 : 1_000));
      if (budget < 500) break;
      await page.goto(url, { waitUntil: "load", timeout: budget }).catch(() => undefined);
    }
    const target = plan.initialUrl ?? (plan.warmup.length > 0 ? "about:blank" : null);
    if (target !== null) await page.goto(target, { waitUntil: "load", timeout: left() }).catch(() => undefined);
  } finally {
    // On a browser Playwright connected to, close() only disconnects: the page stays open.
    await connection.close().catch(() => undefined);
  }
}
