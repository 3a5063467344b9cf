import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Cookie } from "playwright-core";
import type { AgentBrowser } from "@browserfleet/browser";

/**
 * Chromium writes only persistent cookies to its profile, and those only every 30 s or so; session
 * cookies (no expiry: many login cookies) live in memory. So a persistent agent's cookies, all of
 * them, are read over CDP before the browser closes, stored beside the profile and set again
 * before the next session is handed over.
 */
const COOKIES_FILE = "browserfleet-cookies.json";
const CDP_TIMEOUT_MS = 10_000;

export async function readCookies(browser: AgentBrowser): Promise<Cookie[]> {
  const connection = await chromium.connectOverCDP(browser.browserWsUrl, { timeout: CDP_TIMEOUT_MS, noDefaults: true });
  try {
    const context = connection.contexts()[0];
    return context ? await context.cookies() : [];
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export async function writeCookies(userDataDir: string, cookies: Cookie[]): Promise<void> {
  if (cookies.length > 0) await writeFile(join(userDataDir, COOKIES_FILE), JSON.stringify(cookies), { mode: 0o600 });
}

/** Sets the saved cookies in the restored browser (and removes the file, which Chromium has no use for). */
export async function restoreCookies(browser: AgentBrowser): Promise<void> {
  const path = join(browser.userDataDir, COOKIES_FILE);
  let cookies: Cookie[];
  try {
    cookies = JSON.parse(await readFile(path, "utf8")) as Cookie[];
  } catch {
    return;
  }
  await rm(path, { force: true });
  if (cookies.length === 0) return;
  const connection = await chromium.connectOverCDP(browser.browserWsUrl, { timeout: CDP_TIMEOUT_MS, noDefaults: true });
  try {
    await connection.contexts()[0]?.addCookies(cookies);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
