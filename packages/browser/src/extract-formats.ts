import type { Page } from "playwright-core";
import type { RenderRequest, RenderSuccess } from "./render-types.ts";

// In-page scripts are strings: transpilers (tsx, vitest) may wrap functions in helpers the page does not have.
const TEXT_SCRIPT = `(max) => {
  const root = document.body ?? document.documentElement;
  const text = root === null ? "" : (root.innerText ?? root.textContent ?? "");
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}`;

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

export type Extracted = Pick<RenderSuccess, "title" | "html" | "text" | "links" | "screenshotPng">;

/** Reads the requested formats from a loaded page; the caller bounds the time. */
export async function extractFormats(page: Page, request: RenderRequest, timeoutMs: () => number): Promise<Extracted> {
  const formats = new Set(request.formats);
  const extracted: Extracted = { title: await page.title() };
  if (formats.has("html")) extracted.html = await page.content();
  if (formats.has("text")) {
    const max = Math.max(0, Math.floor(request.maxChars));
    extracted.text = await page.evaluate<string>(`(${TEXT_SCRIPT})(${JSON.stringify(max)})`);
  }
  if (formats.has("links")) extracted.links = await page.evaluate<string[]>(`(${LINKS_SCRIPT})()`);
  if (formats.has("screenshot")) {
    extracted.screenshotPng = await page.screenshot({ type: "png", fullPage: request.fullPage, timeout: timeoutMs() });
  }
  return extracted;
}
