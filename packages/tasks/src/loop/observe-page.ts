import type { Page } from "playwright-core";

export interface Observation {
  url: string;
  title: string;
  /** Playwright's AI snapshot of the page (roles, names, values; hidden elements left out; `[ref=eN]` on what can be acted on), bounded. */
  snapshot: string;
  /** PNG of the viewport, for vision models. */
  screenshotPngBase64?: string;
}

export interface ObserveOptions {
  /** The snapshot is cut at this many characters (whole lines), saying how much was left out. */
  maxSnapshotChars: number;
  screenshot: boolean;
  timeoutMs: number;
}

export const DEFAULT_OBSERVE: ObserveOptions = { maxSnapshotChars: 12_000, screenshot: false, timeoutMs: 10_000 };

/**
 * What the model sees of the page before each step: where it is, its title, and a compact
 * accessibility snapshot whose references (`e12`) the tools take as `index` (Playwright's
 * `ariaSnapshot({mode: "ai"})`, resolved again by `getByRef`).
 */
export async function observePage(page: Page, options: ObserveOptions = DEFAULT_OBSERVE): Promise<Observation> {
  const snapshot = await page.ariaSnapshot({ mode: "ai", timeout: options.timeoutMs }).catch((err: unknown) => `(no snapshot: ${firstLine(err)})`);
  const observation: Observation = { url: page.url(), title: await page.title().catch(() => ""), snapshot: bound(snapshot, options.maxSnapshotChars) };
  if (options.screenshot) {
    const png = await page.screenshot({ type: "png", timeout: options.timeoutMs }).catch(() => null);
    if (png) observation.screenshotPngBase64 = png.toString("base64");
  }
  return observation;
}

/** The observation as the text of a user turn. */
export function observationText(observation: Observation): string {
  return `URL: ${observation.url}\nTitle: ${observation.title}\nPage snapshot (act on elements by their ref, e.g. index "e12"):\n${observation.snapshot}`;
}

/** Cuts at the last whole line within `max` characters. */
export function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf("\n", max);
  const kept = text.slice(0, cut > 0 ? cut : max);
  const dropped = text.slice(kept.length).split("\n").filter((l) => l.trim() !== "").length;
  return `${kept}\n[… ${dropped} more lines left out; scroll, or extract for the page's text]`;
}

export function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split("\n")[0] ?? message).slice(0, 300);
}
