import { errors } from "playwright-core";
import type { RenderErrorCode } from "./render-types.ts";

/** The render ran out of time or was cancelled; thrown by the stop signal. */
export class RenderStopped extends Error {
  constructor(readonly code: "TIMEOUT" | "CANCELLED", message: string) {
    super(message);
    this.name = "RenderStopped";
  }
}

/** The guard refused the page's URL or a redirect hop of it. */
export class UrlNotAllowedError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly viaRedirect: boolean,
  ) {
    super(viaRedirect ? `redirect to ${url} is not allowed: ${reason}` : `${url} is not allowed: ${reason}`);
    this.name = "UrlNotAllowedError";
  }
}

/** The egress proxy answered in place of the target: it could not resolve or reach it. */
export class EgressFailedError extends Error {
  constructor(readonly reason: string) {
    super(`the page could not be loaded: ${reason}`);
    this.name = "EgressFailedError";
  }
}

// Chromium's net error names, said the way a user of the API understands them.
const NET_ERRORS: Record<string, string> = {
  ERR_CONNECTION_REFUSED: "the connection was refused",
  ERR_NAME_NOT_RESOLVED: "the host name could not be resolved",
  ERR_NAME_RESOLUTION_FAILED: "the host name could not be resolved",
  ERR_ADDRESS_UNREACHABLE: "the address is unreachable",
  ERR_CONNECTION_RESET: "the connection was reset",
  ERR_CONNECTION_CLOSED: "the connection was closed before a response",
  ERR_EMPTY_RESPONSE: "the server closed the connection without a response",
  ERR_CONNECTION_TIMED_OUT: "the connection timed out",
  ERR_TIMED_OUT: "the connection timed out",
  ERR_TOO_MANY_REDIRECTS: "too many redirects",
  ERR_INVALID_REDIRECT: "the server sent an invalid redirect",
  ERR_UNSAFE_REDIRECT: "the server redirected to a scheme the browser refuses",
  ERR_UNSAFE_PORT: "the port is one browsers refuse to connect to",
  ERR_INVALID_RESPONSE: "the server sent an invalid response",
  ERR_INVALID_HTTP_RESPONSE: "the server sent an invalid HTTP response",
  ERR_SSL_PROTOCOL_ERROR: "the TLS handshake failed",
  ERR_TUNNEL_CONNECTION_FAILED: "the egress proxy could not open a connection to the target",
  ERR_PROXY_CONNECTION_FAILED: "the egress proxy is not reachable",
  ERR_ABORTED: "the navigation was aborted (the response was probably a download)",
  ERR_BLOCKED_BY_RESPONSE: "the response forbids being displayed",
};

export interface ClassifiedError {
  errorCode: RenderErrorCode;
  errorMessage: string;
}

/** What the render saw of its browser when it failed. */
export interface BrowserFacts {
  /** The page's renderer process died (Playwright's `crash` event). */
  pageCrashed: boolean;
  /** The browser process is still connected. */
  browserConnected: boolean;
}

// Playwright's words for a page, context or browser that went away under a call.
const BROWSER_GONE = /has been closed|Target crashed|Page crashed|browser has disconnected|Browser closed/i;

/**
 * True when the browser failed rather than the page: its process died or disconnected, the
 * page's renderer crashed (its cause is not known to be the page), or the page or its context
 * was closed under the render (the pool closing). Such a render is worth running again; a
 * timeout, a refused URL, a navigation error or a cancel is the page's own outcome.
 */
export function isBrowserFailure(err: unknown, facts: BrowserFacts): boolean {
  if (err instanceof UrlNotAllowedError || (err instanceof RenderStopped && err.code === "CANCELLED")) return false;
  if (facts.pageCrashed || !facts.browserConnected) return true;
  if (err instanceof RenderStopped || err instanceof EgressFailedError || err instanceof errors.TimeoutError) return false;
  return BROWSER_GONE.test(err instanceof Error ? err.message : String(err));
}

export function classifyRenderError(err: unknown): ClassifiedError {
  if (err instanceof RenderStopped) return { errorCode: err.code, errorMessage: err.message };
  if (err instanceof UrlNotAllowedError) return { errorCode: "URL_NOT_ALLOWED", errorMessage: err.message };
  if (err instanceof EgressFailedError) return { errorCode: "NAVIGATION_FAILED", errorMessage: err.message };
  if (err instanceof errors.TimeoutError) return { errorCode: "TIMEOUT", errorMessage: "the page did not finish loading in time" };
  const message = err instanceof Error ? err.message : String(err);
  const net = /net::(ERR_[A-Z0-9_]+)/.exec(message)?.[1];
  if (net !== undefined) {
    const said = NET_ERRORS[net] ?? (net.startsWith("ERR_CERT_") ? "the TLS certificate is not valid" : "the page could not be loaded");
    return { errorCode: "NAVIGATION_FAILED", errorMessage: `${said} (net::${net})` };
  }
  if (/Download is starting/i.test(message)) {
    return { errorCode: "NAVIGATION_FAILED", errorMessage: "the URL answered with a file download, not a page" };
  }
  if (BROWSER_GONE.test(message)) {
    return { errorCode: "INTERNAL_ERROR", errorMessage: "the browser closed or crashed during the render" };
  }
  return { errorCode: "INTERNAL_ERROR", errorMessage: `render failed: ${firstLine(message)}` };
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0] ?? message;
}
