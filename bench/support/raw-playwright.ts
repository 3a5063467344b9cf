// The baseline the fleet is measured against: plain playwright-core doing the fleet's per-page
// work (one browser, a new context per page, goto until "load", page.content()), nothing else.
import { chromium, type Browser } from "playwright-core";
import { runConcurrently } from "../stats.ts";
import { MACHINE_CHROMIUM_ARGS } from "./machine-chromium-args.ts";

export interface RawPlaywrightOptions {
  urls: string[];
  concurrency: number;
  chromiumPath: string;
  extraArgs: string[];
}

export interface RawPlaywrightResult {
  latenciesMs: number[];
  wallMs: number;
  pagesPerSecond: number;
}

const PAGE_TIMEOUT_MS = 60_000;

/** Renders every URL once with `concurrency` pages in flight; throws if any page fails, since a baseline with failures measures nothing. */
export async function runRawPlaywright(options: RawPlaywrightOptions): Promise<RawPlaywrightResult> {
  const browser = await chromium.launch({
    executablePath: options.chromiumPath,
    headless: true,
    args: [...MACHINE_CHROMIUM_ARGS, ...options.extraArgs],
  });
  try {
    const startedAt = performance.now();
    const latenciesMs = await runConcurrently(options.urls, Math.max(1, options.concurrency), (url) => renderOne(browser, url));
    const wallMs = performance.now() - startedAt;
    return { latenciesMs, wallMs, pagesPerSecond: (latenciesMs.length / wallMs) * 1000 };
  } finally {
    await browser.close();
  }
}

async function renderOne(browser: Browser, url: string): Promise<void> {
  const context = await browser.newContext({ serviceWorkers: "block", acceptDownloads: false });
  try {
    const page = await context.newPage();
    try {
      await page.goto(url, { waitUntil: "load", timeout: PAGE_TIMEOUT_MS });
      await page.content();
    } finally {
      await page.close();
    }
  } finally {
    await context.close();
  }
}
