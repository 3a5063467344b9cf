import type { Page } from "playwright-core";
import { MAX_RESULT_LINK_LENGTH, MAX_RESULT_LINKS, type ScrapeFormat } from "@browserfleet/core";
import { extractMarkdown } from "./markdown/extract-markdown.ts";
import { DEFAULT_RENDER_BOUNDS, type RenderRequest, type RenderSuccess } from "./render-types.ts";

// In-page scripts are strings: transpilers (tsx, vitest) may wrap functions in helpers the page does not have.
// Each one cuts in the page, so only the bounded part ever crosses to the worker.

/** Playwright's page.content(), cut to at most `max` UTF-8 bytes at a character boundary (encodeInto never splits one). */
const HTML_SCRIPT = `(max) => {
  let html = "";
  if (document.doctype) html = new XMLSerializer().serializeToString(document.doctype);
  if (document.documentElement) html += document.documentElement.outerHTML;
  if (html.length * 3 <= max) return { value: html, cut: false };
  const { read } = new TextEncoder().encodeInto(html, new Uint8Array(max));
  return read >= html.length ? { value: html, cut: false } : { value: html.slice(0, read), cut: true };
}`;

const TEXT_SCRIPT = `(max) => {
  const root = document.body ?? document.documentElement;
  const text = root === null ? "" : (root.innerText ?? root.textContent ?? "");
  if (text.length <= max) return { value: text, cut: false };
  const code = text.charCodeAt(max - 1);
  return { value: text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max), cut: true };
}`;

const LINKS_SCRIPT = `(max, maxLength) => {
  const seen = new Set();
  const links = [];
  let cut = false;
  for (const anchor of document.querySelectorAll("a[href]")) {
    let url;
    try { url = new URL(anchor.getAttribute("href"), document.baseURI); } catch { continue; }
    if (url.protocol !== "http:" && url.protocol !== "https:") continue;
    if (seen.has(url.href)) continue;
    if (url.href.length > maxLength) { cut = true; continue; }
    if (links.length >= max) { cut = true; break; }
    seen.add(url.href);
    links.push(url.href);
  }
  return { value: links, cut };
}`;

/** The size Playwright gives a full-page screenshot (its _fullPageSize), or null before there is a body. */
const FULL_PAGE_SIZE_SCRIPT = `() => {
  const body = document.body, root = document.documentElement;
  if (!body || !root) return null;
  return {
    width: Math.max(body.scrollWidth, root.scrollWidth, body.offsetWidth, root.offsetWidth, body.clientWidth, root.clientWidth),
    height: Math.max(body.scrollHeight, root.scrollHeight, body.offsetHeight, root.offsetHeight, body.clientHeight, root.clientHeight),
  };
}`;

interface Cut<T> {
  value: T;
  cut: boolean;
}

export type Extracted = Pick<RenderSuccess, "title" | "html" | "text" | "links" | "screenshotPng" | "markdown" | "truncated">;

const call = (script: string, ...args: unknown[]): string => `(${script})(${args.map((a) => JSON.stringify(a)).join(", ")})`;

/** Reads the requested formats from a loaded page, each within its bound; the caller bounds the time. */
export async function extractFormats(page: Page, request: RenderRequest, timeoutMs: () => number): Promise<Extracted> {
  const formats = new Set(request.formats);
  const bounds = { ...DEFAULT_RENDER_BOUNDS, ...request.bounds };
  const truncated: ScrapeFormat[] = [];
  const keep = <T>(format: ScrapeFormat, got: Cut<T>): T => {
    if (got.cut) truncated.push(format);
    return got.value;
  };
  const extracted: Extracted = { title: await page.title(), truncated };
  if (formats.has("html")) extracted.html = keep("html", await page.evaluate<Cut<string>>(call(HTML_SCRIPT, bounds.htmlMaxBytes)));
  if (formats.has("text")) {
    const max = Math.max(0, Math.floor(request.maxChars));
    extracted.text = keep("text", await page.evaluate<Cut<string>>(call(TEXT_SCRIPT, max)));
  }
  if (formats.has("links")) {
    extracted.links = keep("links", await page.evaluate<Cut<string[]>>(call(LINKS_SCRIPT, MAX_RESULT_LINKS, MAX_RESULT_LINK_LENGTH)));
  }
  if (formats.has("markdown")) {
    const options = { maxChars: Math.max(0, Math.floor(request.maxChars)), maxInputChars: bounds.htmlMaxBytes, onlyMainContent: request.onlyMainContent === true };
    extracted.markdown = keep("markdown", await extractMarkdown(page, options, timeoutMs()));
  }
  if (formats.has("screenshot")) extracted.screenshotPng = keep("screenshot", await screenshot(page, request.fullPage, bounds.screenshotMaxHeight, timeoutMs));
  return extracted;
}

/**
 * A full page is clipped to `max` px each way before Chromium renders it (Playwright trims the clip
 * to the page), so a 60,000 px page never becomes a 60,000 px bitmap; the viewport is always within it.
 */
async function screenshot(page: Page, fullPage: boolean, max: number, timeoutMs: () => number): Promise<Cut<Buffer>> {
  if (!fullPage) return { value: await page.screenshot({ type: "png", timeout: timeoutMs() }), cut: false };
  const size = await page.evaluate<{ width: number; height: number } | null>(call(FULL_PAGE_SIZE_SCRIPT));
  const value = await page.screenshot({ type: "png", fullPage: true, clip: { x: 0, y: 0, width: max, height: max }, timeout: timeoutMs() });
  return { value, cut: size !== null && (size.width > max || size.height > max) };
}
