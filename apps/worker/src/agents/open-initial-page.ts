import { chromium } from "playwright-core";
import type { AgentBrowser } from "@browserfleet/browser";

/**
 * Points the browser's one blank page at `url` before the client gets it, over a CDP connection
 * of the worker's own that is closed again (the client then sees one context with one page).
 * A page that fails to load is still handed over: the client sees what the site answered.
 */
export async function openInitialPage(browser: AgentBrowser, url: string, timeoutMs: number): Promise<void> {
  const connection = await chromium.connectOverCDP(browser.browserWsUrl, { timeout: timeoutMs, noDefaults: true });
  try {
    const context = connection.contexts()[0];
    const page = context?.pages()[0] ?? (await context?.newPage());
    if (!page) throw new Error("the agent browser has no default context");
    await page.goto(url, { waitUntil: "load", timeout: timeoutMs }).catch(() => undefined);
  } finally {
    // On a browser Playwright connected to, close() only disconnects: the page stays open.
    await connection.close().catch(() => undefined);
  }
}
