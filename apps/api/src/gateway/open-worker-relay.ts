import type { WebSocket } from "ws";
import type { Logger } from "pino";
import { FLEET_SECRET_HEADER, openUpstreamSocket } from "@browserfleet/agents";
import { ApiError } from "@browserfleet/core";
import type { GatewayTarget } from "./resolve-gateway-target.ts";

const WORKER_TIMEOUT_MS = 10_000;

/**
 * Opens the gateway's websocket to the worker hosting a session (`<workerUrl>/agents/<session><path>`,
 * fleet secret attached), before the client's upgrade is answered: the worker's refusals become the
 * client's HTTP status (409 not running there, 404 no such target, 429 too many viewers), no answer 502.
 */
export async function openWorkerRelay(target: GatewayTarget, path: string, deps: { fleetSecret: string | undefined; log: Logger; what: string }): Promise<WebSocket> {
  const url = new URL(`${target.workerUrl}/agents/${target.sessionId}${path}`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  try {
    return await openUpstreamSocket(url.toString(), { headers: { [FLEET_SECRET_HEADER]: deps.fleetSecret ?? "" }, timeoutMs: WORKER_TIMEOUT_MS });
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 409) throw new ApiError("AGENT_NOT_RUNNING", `agent ${target.agentId} is not running`);
    if (status === 404) throw new ApiError("NOT_FOUND", `no such target in agent ${target.agentId}`);
    if (status === 429) throw new ApiError("TOO_MANY_REQUESTS", `agent ${target.agentId} has as many live viewers as it allows; retry later`, { retryAfter: 10 });
    deps.log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, `worker ${deps.what} did not answer`);
    throw new ApiError("UPSTREAM_UNAVAILABLE", "the worker hosting this agent did not answer");
  }
}
