import type { Page, Response } from "playwright-core";
import { EGRESS_ERROR_HEADER, REFUSED_HEADER, type EgressLink } from "@browserfleet/egress";
import { EgressFailedError, UrlNotAllowedError } from "./render-errors.ts";

/** The main document's last navigation request that failed in Chromium's network stack. */
export interface FailedNavigation {
  url: string;
  viaRedirect: boolean;
}

/** Records failed main-frame navigations, so a tunnel failure can be told apart by the hop it hit. */
export function watchFailedNavigations(page: Page, onFailed: (failed: FailedNavigation) => void): void {
  page.on("requestfailed", (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      onFailed({ url: request.url(), viaRedirect: request.redirectedFrom() !== null });
    }
  });
}

/** The proxy's own answer in place of the main document (plain http only: https answers come from the target). */
export function proxyAnswerError(response: Response | null): Error | null {
  if (response === null || !response.url().startsWith("http:")) return null;
  const headers = response.headers();
  const refused = headers[REFUSED_HEADER];
  if (refused !== undefined) return new UrlNotAllowedError(response.url(), refused, response.request().redirectedFrom() !== null);
  const failed = headers[EGRESS_ERROR_HEADER];
  return failed === undefined ? null : new EgressFailedError(failed);
}

/** Chromium reports any refused CONNECT as ERR_TUNNEL_CONNECTION_FAILED; the proxy knows why. */
export function tunnelError(err: unknown, failed: FailedNavigation | undefined, link: EgressLink | undefined): Error | null {
  if (link === undefined || failed === undefined) return null;
  if (!/net::ERR_TUNNEL_CONNECTION_FAILED/.test(err instanceof Error ? err.message : String(err))) return null;
  let authority: string;
  try {
    const url = new URL(failed.url);
    authority = `${url.hostname}:${url.port === "" ? (url.protocol === "https:" ? 443 : 80) : url.port}`;
  } catch {
    return null;
  }
  const failure = link.tunnelFailure(authority);
  if (failure === undefined) return null;
  return failure.kind === "refused" ? new UrlNotAllowedError(failed.url, failure.reason, failed.viaRedirect) : new EgressFailedError(failure.reason);
}
