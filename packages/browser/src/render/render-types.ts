import type { LookupOptions, ScrapeFormat, TargetVerdict, WaitUntil } from "@browserfleet/core";

/** The SSRF check every request of a render goes through (core's checkTargetUrl with a policy bound). */
export type TargetGuard = (url: string, options?: LookupOptions) => Promise<TargetVerdict>;

export interface RenderRequest {
  url: string;
  formats: ScrapeFormat[];
  /** Upper bound on the length of `text`, in UTF-16 code units. */
  maxChars: number;
  /** Bounds the whole render: guard, navigation and extraction. */
  timeoutMs: number;
  waitUntil: WaitUntil;
  fullPage: boolean;
  /** `markdown` of the page's main content (Readability's article) instead of its whole body. */
  onlyMainContent?: boolean;
  /** Caps of the formats that have no per-request bound (api.md § Jobs); defaults are the contract's. */
  bounds?: Partial<RenderBounds>;
  signal?: AbortSignal;
}

export interface RenderBounds {
  /** Longest `html`, in UTF-8 bytes; also the most characters of the page's HTML the `markdown` converter reads. */
  htmlMaxBytes: number;
  /** Tallest (and widest) full-page screenshot, in CSS pixels. */
  screenshotMaxHeight: number;
}

export const DEFAULT_RENDER_BOUNDS: RenderBounds = { htmlMaxBytes: 5_242_880, screenshotMaxHeight: 16_384 };

export type RenderErrorCode = "NAVIGATION_FAILED" | "TIMEOUT" | "URL_NOT_ALLOWED" | "CANCELLED" | "INTERNAL_ERROR";

export interface RenderSuccess {
  ok: true;
  finalUrl: string;
  httpStatus: number | null;
  title: string;
  html?: string;
  text?: string;
  links?: string[];
  screenshotPng?: Buffer;
  markdown?: string;
  /** Formats cut at their bound; [] when nothing was. */
  truncated: ScrapeFormat[];
  durationMs: number;
}

export interface RenderFailure {
  ok: false;
  errorCode: RenderErrorCode;
  errorMessage: string;
  /** The browser failed, not the page (crash, disconnect, closed under the render): worth rendering again. */
  browserFailed?: true;
  finalUrl?: string;
  durationMs: number;
}

export type RenderResult = RenderSuccess | RenderFailure;
