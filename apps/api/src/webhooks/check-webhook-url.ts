import { ApiError, resolveWebhookTarget } from "@browserfleet/core";
import type { ApiDeps } from "../deps.ts";
import { withDnsBudget } from "../http/with-dns-budget.ts";

/**
 * Registration-time SSRF check (the dispatcher checks again before every attempt), within the
 * request's DNS budget. A name that does not resolve yet is accepted; one DNS could not answer
 * for (timeout, failing nameserver) is refused, since nothing is known about it.
 */
export async function checkWebhookUrl(url: string, deps: Pick<ApiDeps, "targetPolicy" | "config">, workspaceId: string): Promise<void> {
  const verdict = await withDnsBudget(deps.config.DNS_REQUEST_BUDGET_MS, (signal) => resolveWebhookTarget(url, deps.targetPolicy, { group: workspaceId, signal }));
  if (verdict.allowed || verdict.unresolved) return;
  throw new ApiError("URL_NOT_ALLOWED", `webhook URL is not allowed: ${verdict.reason}`, { details: [{ path: "url", message: verdict.reason }] });
}
