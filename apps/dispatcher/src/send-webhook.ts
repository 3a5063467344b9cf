import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { parseRetryAfter, resolveWebhookTarget, type TargetPolicy } from "@browserfleet/core";

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  policy: TargetPolicy;
  timeoutMs: number;
}

export interface WebhookResponse {
  statusCode: number | null;
  /** Why the attempt failed (null on a 2xx). */
  error: string | null;
  retryAfterMs: number | null;
  durationMs: number;
}

const USER_AGENT = "browserfleet-webhooks/1";
/** The receiver's answer is read (so the connection ends cleanly) but never kept beyond this. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Connects only to the addresses the SSRF check approved, whatever DNS says by now. */
function pinnedLookup(addresses: string[]): LookupFunction {
  return (_hostname, options, callback) => {
    const entries = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    if ((options as { all?: boolean }).all) (callback as (err: null, list: typeof entries) => void)(null, entries);
    else callback(null, entries[0]!.address, entries[0]!.family);
  };
}

/**
 * One delivery attempt: SSRF check at send time (DNS may have changed since registration), a
 * POST pinned to the checked addresses, no redirects, the whole exchange within `timeoutMs`.
 * Never throws: every failure becomes an error string for the delivery log.
 */
export async function sendWebhook(request: WebhookRequest): Promise<WebhookResponse> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  // The lookup counts against the attempt's budget too (the resolver also bounds each query).
  const target = await resolveWebhookTarget(request.url, request.policy, { signal: AbortSignal.timeout(request.timeoutMs) });
  if (!target.allowed) {
    return { statusCode: null, error: `URL_NOT_ALLOWED: ${target.reason}`, retryAfterMs: null, durationMs: elapsed() };
  }
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise<WebhookResponse>((resolve) => {
    let settled = false;
    const finish = (result: Omit<WebhookResponse, "durationMs">): void => {
      if (settled) return;
      settled = true;
      resolve({ ...result, durationMs: elapsed() });
    };
    const req = client.request(
      target.url,
      {
        method: "POST",
        lookup: pinnedLookup(target.addresses),
        agent: false,
        headers: {
          ...request.headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(request.body),
          "user-agent": USER_AGENT,
        },
      },
      (res) => {
        // The status decides the attempt; the body is drained (capped) only so the socket closes cleanly.
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const retryAfter = res.headers["retry-after"];
        finish({
          statusCode: status,
          error: ok ? null : status >= 300 && status < 400 ? `receiver answered ${status} (redirects are not followed)` : `receiver answered ${status}`,
          retryAfterMs: ok ? null : parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, Date.now()),
        });
        let received = 0;
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) res.destroy();
        });
        res.on("error", () => undefined);
        res.on("close", () => clearTimeout(deadline));
      },
    );
    // Past the budget the attempt has failed (if nothing answered) and the socket is closed either way.
    const deadline = setTimeout(() => {
      finish({ statusCode: null, error: `timed out after ${request.timeoutMs} ms`, retryAfterMs: null });
      req.destroy();
    }, request.timeoutMs);
    req.on("close", () => {
      clearTimeout(deadline);
      finish({ statusCode: null, error: "connection closed before an answer", retryAfterMs: null });
    });
    req.on("error", (err: NodeJS.ErrnoException) => finish({ statusCode: null, error: `${err.code ?? "request failed"}: ${err.message}`, retryAfterMs: null }));
    req.end(request.body);
  });
}
