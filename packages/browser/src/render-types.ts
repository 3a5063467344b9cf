import type { ScrapeFormat, TargetVerdict, WaitUntil } from "@browserfleet/core";

/** The SSRF check every request of a render goes through (core's checkTargetUrl with a policy bound). */
export type TargetGuard = (url: string) => Promise<TargetVerdict>;

export interface RenderRequest {
  url: string;
  formats: ScrapeFormat[];
  /** Upper bound on the length of `text`, in UTF-16 code units. */
  maxChars: number;
  /** Bounds the whole render: guard, navigation and extraction. */
  timeoutMs: number;
  waitUntil: WaitUntil;
  fullPage: boolean;
  signal?: AbortSignal;
}

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
  durationMs: number;
}

export interface RenderFailure {
  ok: false;
  errorCode: RenderErrorCode;
  errorMessage: string;
  finalUrl?: string;
  durationMs: number;
}

export type RenderResult = RenderSuccess | RenderFailure;
