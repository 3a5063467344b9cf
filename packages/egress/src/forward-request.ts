import { request as httpRequest, type Agent, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import { answerFailed, answerRefused, EGRESS_ERROR_HEADER, REFUSED_HEADER } from "./proxy-answers.ts";
import type { EgressContext } from "./open-tunnel.ts";
import { decideTarget } from "./decide-target.ts";

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade"]);

/** Forwards one absolute-URI request (`GET http://host/path`) to the address the policy checked. */
export async function forwardRequest(req: IncomingMessage, res: ServerResponse, ctx: EgressContext, agent: Agent): Promise<void> {
  ctx.counters.requests += 1;
  let target: URL;
  try {
    target = new URL(req.url ?? "");
  } catch {
    return answerFailed(res, 400, "the proxy only takes absolute http:// URLs and CONNECT");
  }
  if (target.protocol !== "http:") return answerFailed(res, 400, `scheme ${target.protocol} cannot be proxied in plain HTTP`);
  const port = target.port === "" ? 80 : Number(target.port);
  const decision = await decideTarget(target.hostname, port, ctx.policy);
  if (decision.kind === "refused") {
    ctx.counters.refused += 1;
    ctx.logger.info({ target: target.host, reason: decision.reason }, "egress refused");
    return answerRefused(res, decision.reason);
  }
  if (decision.kind === "unresolvable") {
    ctx.counters.unresolvable += 1;
    return answerFailed(res, 502, decision.reason);
  }
  if (ctx.isSelf(decision.address, port)) return answerRefused(res, "the egress proxy does not proxy to itself");

  // host is the checked IP and Host carries the name, so Node never resolves the name again.
  const upstream = httpRequest({
    host: decision.address,
    port,
    method: req.method,
    path: `${target.pathname}${target.search}`,
    headers: { ...forwardable(req.headers), host: req.headers.host ?? target.host },
    agent,
    setHost: false,
    timeout: ctx.idleTimeoutMs,
  });
  // A reused keep-alive socket keeps the short timeout Node took from the target's Keep-Alive
  // hint (5 s for a Node server); without this, any answer slower than that failed mid-wait.
  upstream.on("socket", (socket) => socket.setTimeout(ctx.idleTimeoutMs));
  upstream.on("timeout", () => upstream.destroy(new Error("the target did not answer in time")));
  upstream.on("response", (answer: IncomingMessage) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardableRaw(answer.rawHeaders, answer.headers));
    answer.pipe(res);
    answer.on("error", () => res.destroy());
  });
  upstream.on("error", (err) => {
    ctx.counters.upstreamErrors += 1;
    answerFailed(res, 502, `could not reach ${target.host}: ${err.message}`);
  });
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

function connectionTokens(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  return new Set((value ?? "").split(",").map((token) => token.trim().toLowerCase()).filter((token) => token !== ""));
}

function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = connectionTokens(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) out[name] = value;
  }
  return out;
}

/** Keeps repeated headers (set-cookie) as they came; a target cannot forge the proxy's own headers. */
function forwardableRaw(raw: string[], headers: IncomingHttpHeaders): string[] {
  const named = connectionTokens(headers);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (HOP_BY_HOP.has(name) || named.has(name) || name === REFUSED_HEADER || name === EGRESS_ERROR_HEADER) continue;
    out.push(raw[i] as string, raw[i + 1] as string);
  }
  return out;
}
