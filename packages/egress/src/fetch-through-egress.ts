import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect as tlsConnect } from "node:tls";
import { EGRESS_ERROR_HEADER, REFUSED_HEADER } from "./proxy-answers.ts";

export interface EgressFetchOptions {
  /** The egress proxy (startEgressProxy): every hop is checked and pinned there, as for Chromium. */
  proxyUrl: string;
  timeoutMs: number;
  /** Larger bodies are cut here (robots.txt, sitemaps: a site file must not fill memory). */
  maxBytes: number;
  maxRedirects?: number;
  userAgent?: string;
}

export type EgressFetchResult =
  | { ok: true; status: number; finalUrl: string; body: string; truncated: boolean }
  | { ok: false; reason: string; refused: boolean };

/**
 * GETs a small site file (robots.txt, sitemap.xml) from Node through the worker's egress
 * proxy, so it passes the same SSRF policy and address pinning as the browser's traffic.
 * Follows redirects (each hop through the proxy again); never throws.
 */
export async function fetchThroughEgress(url: string, options: EgressFetchOptions): Promise<EgressFetchResult> {
  let current = url;
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop += 1) {
    let answer: { status: number; location?: string; body: string; truncated: boolean; refusal?: string; proxyError?: string };
    try {
      answer = await getOnce(new URL(current), options);
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err), refused: false };
    }
    if (answer.refusal !== undefined) return { ok: false, reason: answer.refusal, refused: true };
    if (answer.proxyError !== undefined) return { ok: false, reason: answer.proxyError, refused: false };
    if (answer.status >= 300 && answer.status < 400 && answer.location !== undefined) {
      current = new URL(answer.location, current).toString();
      if (!current.startsWith("http:") && !current.startsWith("https:")) return { ok: false, reason: "redirect to a non-http URL", refused: true };
      continue;
    }
    return { ok: true, status: answer.status, finalUrl: current, body: answer.body, truncated: answer.truncated };
  }
  return { ok: false, reason: "too many redirects", refused: false };
}

function getOnce(target: URL, options: EgressFetchOptions) {
  const proxy = new URL(options.proxyUrl);
  const headers = { "user-agent": options.userAgent ?? "browserfleet", accept: "*/*" };
  return new Promise<{ status: number; location?: string; body: string; truncated: boolean; refusal?: string; proxyError?: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    const done = (fn: () => void): void => {
      clearTimeout(timer);
      fn();
    };
    const onResponse = (res: IncomingMessage): void => {
      const refusal = res.headers[REFUSED_HEADER];
      const proxyError = res.headers[EGRESS_ERROR_HEADER];
      readCapped(res, options.maxBytes).then(
        ({ body, truncated }) =>
          done(() =>
            resolve({
              status: res.statusCode ?? 0,
              ...(typeof res.headers.location === "string" ? { location: res.headers.location } : {}),
              body,
              truncated,
              ...(typeof refusal === "string" ? { refusal } : {}),
              ...(typeof proxyError === "string" ? { proxyError } : {}),
            }),
          ),
        (err: unknown) => done(() => reject(err as Error)),
      );
    };
    const fail = (err: Error): void => done(() => reject(err));
    if (target.protocol === "http:") {
      // Plain HTTP: an absolute-URI request to the forward proxy.
      const req = httpRequest({ host: proxy.hostname, port: Number(proxy.port), method: "GET", path: target.toString(), headers: { ...headers, host: target.host } });
      req.on("response", onResponse).on("error", fail).end();
      return;
    }
    // HTTPS: a CONNECT tunnel through the proxy, TLS inside it to the real host name.
    const connect = httpRequest({ host: proxy.hostname, port: Number(proxy.port), method: "CONNECT", path: `${target.hostname}:${target.port || 443}` });
    connect.on("connect", (res: IncomingMessage, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        const refusal = res.headers[REFUSED_HEADER];
        done(() => resolve({ status: res.statusCode ?? 0, body: "", truncated: false, ...(typeof refusal === "string" ? { refusal } : { proxyError: `tunnel answered ${res.statusCode}` }) }));
        return;
      }
      const req = httpsRequest({
        host: target.hostname,
        path: `${target.pathname}${target.search}`,
        method: "GET",
        headers,
        createConnection: () => tlsConnect({ socket, servername: target.hostname }),
      });
      req.on("response", onResponse).on("error", fail).end();
    });
    connect.on("error", fail).end();
  });
}

async function readCapped(res: IncomingMessage, maxBytes: number): Promise<{ body: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= maxBytes) {
      res.destroy();
      return { body: Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8"), truncated: true };
    }
  }
  return { body: Buffer.concat(chunks).toString("utf8"), truncated: false };
}
