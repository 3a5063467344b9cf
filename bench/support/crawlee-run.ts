// The second baseline: Crawlee's PlaywrightCrawler in its default mode (every page in one shared
// browser context) doing the fleet's per-page work for a scrape with formats ["html","links"].
// Only what costs time without doing that work is turned off: fingerprints, sessions, retries,
// storage on disk, and the in-process proxy Crawlee puts in front of Chromium.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Configuration, PlaywrightCrawler, log } from "@crawlee/playwright";
import { chromium } from "playwright";
import { MACHINE_CHROMIUM_ARGS } from "./machine-chromium-args.ts";

export interface CrawleeRunOptions {
  urls: string[];
  concurrency: number;
  chromiumPath: string;
  extraArgs: string[];
}

export interface CrawleeRunResult {
  latenciesMs: number[];
  wallMs: number;
  /** Pages that succeeded per second of the whole crawl. */
  pagesPerSecond: number;
  /** Pages that failed (no retries), and the first one's error. */
  failed: number;
  firstFailure?: string;
}

// The fleet's own in-page link reader (packages/browser/src/render/extract-formats.ts), copied as a string so the baseline does not depend on the code it measures.
const LINKS_SCRIPT = `() => {
  const seen = new Set();
  const links = [];
  for (const anchor of document.querySelectorAll("a[href]")) {
    let url;
    try { url = new URL(anchor.getAttribute("href"), document.baseURI); } catch { continue; }
    if (url.protocol !== "http:" && url.protocol !== "https:") continue;
    if (!seen.has(url.href)) { seen.add(url.href); links.push(url.href); }
  }
  return links;
}`;

const PAGE_TIMEOUT_SECS = 60;

/**
 * Crawls exactly `urls` (no link following) with `concurrency` pages in flight and reports
 * failed pages rather than throwing, so one aborted page does not lose a long bench's run.
 * Latency per URL is page open → page closed, the span the raw Playwright baseline times too.
 */
export async function runCrawlee(options: CrawleeRunOptions): Promise<CrawleeRunResult> {
  const concurrency = Math.max(1, options.concurrency);
  // Crawlee logs every crawl's progress and statistics at INFO; a bench prints only its own table.
  log.setLevel(log.LEVELS.WARNING);
  // persistStorage:false keeps queue, statistics and session state in memory; the directory only
  // catches anything a Crawlee version might still write, and is removed below.
  const storageDir = await mkdtemp(join(tmpdir(), "bench-crawlee-"));
  const config = new Configuration({ persistStorage: false, purgeOnStart: true, storageClientOptions: { localDataDirectory: storageDir, persistStorage: false } });
  const opened = new Map<string, number>();
  const latenciesMs: number[] = [];
  const failures: string[] = [];

  const crawler = new PlaywrightCrawler(
    {
      headless: true,
      minConcurrency: concurrency,
      maxConcurrency: concurrency,
      maxRequestRetries: 0,
      navigationTimeoutSecs: PAGE_TIMEOUT_SECS,
      requestHandlerTimeoutSecs: PAGE_TIMEOUT_SECS,
      // Sessions rotate identities and copy cookies out of every page: work a scrape does not do.
      useSessionPool: false,
      persistCookiesPerSession: false,
      retryOnBlocked: false,
      launchContext: {
        launcher: chromium,
        useIncognitoPages: false,
        launchOptions: {
          executablePath: options.chromiumPath,
          headless: true,
          args: [...MACHINE_CHROMIUM_ARGS, ...options.extraArgs],
          // Crawlee always points Chromium at a proxy in this Node process, which would resolve any
          // host itself, outside the host-resolver rules. Bypassing it for every host ("*", listed
          // after "<-loopback>" so Playwright adds no rule that proxies 127.0.0.1) turns it off; the
          // server replaces Crawlee's with a closed port, so anything the bypass missed fails loudly.
          proxy: { server: "http://127.0.0.1:9", bypass: "<-loopback>,*" },
        },
      },
      browserPoolOptions: {
        useFingerprints: false,
        prePageCreateHooks: [(pageId) => void opened.set(pageId, performance.now())],
        postPageCloseHooks: [
          (pageId) => {
            const startedAt = opened.get(pageId);
            if (startedAt === undefined) return;
            opened.delete(pageId);
            latenciesMs.push(performance.now() - startedAt);
          },
        ],
      },
      async requestHandler({ page }) {
        await page.title();
        await page.content();
        await page.evaluate<string[]>(`(${LINKS_SCRIPT})()`);
      },
      failedRequestHandler({ request }, error) {
        failures.push(`${request.url}: ${error.message.split("\n")[0]}`);
      },
    },
    config,
  );

  try {
    const startedAt = performance.now();
    // Unique keys from the index, so duplicate URLs stay separate pages as in a batch job.
    await crawler.run(options.urls.map((url, i) => ({ url, uniqueKey: `${i}:${url}` })));
    const wallMs = performance.now() - startedAt;
    const result: CrawleeRunResult = { latenciesMs, wallMs, pagesPerSecond: ((options.urls.length - failures.length) / wallMs) * 1000, failed: failures.length };
    if (failures.length > 0) result.firstFailure = failures[0]!;
    return result;
  } finally {
    await crawler.teardown();
    await rm(storageDir, { recursive: true, force: true });
  }
}
