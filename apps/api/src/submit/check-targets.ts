import { ApiError, checkTargetUrl, type TargetVerdict } from "@browserfleet/core";
import type { ApiDeps } from "../deps.ts";
import { withDnsBudget } from "../http/with-dns-budget.ts";

/**
 * SSRF check of every URL of a request, one check per scheme + host, at most
 * DNS_REQUEST_CONCURRENCY at once and all within DNS_REQUEST_BUDGET_MS; any refusal refuses the
 * whole request (422) with `details` naming each refused or unchecked index, and creates nothing.
 */
export async function checkTargets(deps: Pick<ApiDeps, "targetPolicy" | "config">, urls: string[], field: string, workspaceId: string): Promise<void> {
  const indexesByTarget = new Map<string, number[]>();
  urls.forEach((raw, index) => {
    const url = new URL(raw);
    const key = `${url.protocol}//${url.hostname}`;
    const indexes = indexesByTarget.get(key);
    if (indexes === undefined) indexesByTarget.set(key, [index]);
    else indexes.push(index);
  });
  const targets = [...indexesByTarget.values()];
  const verdicts = new Array<TargetVerdict>(targets.length);
  await withDnsBudget(deps.config.DNS_REQUEST_BUDGET_MS, async (signal) => {
    let next = 0;
    const checkNext = async (): Promise<void> => {
      while (next < targets.length) {
        const at = next++;
        verdicts[at] = await checkTargetUrl(urls[targets[at]![0]!]!, deps.targetPolicy, { signal, group: workspaceId });
      }
    };
    await Promise.all(Array.from({ length: Math.min(deps.config.DNS_REQUEST_CONCURRENCY, targets.length) }, checkNext));
  });
  const refused: { path: string; message: string }[] = [];
  let unchecked = false;
  targets.forEach((indexes, at) => {
    const verdict = verdicts[at]!;
    if (verdict.allowed) return;
    if (verdict.unchecked === true) unchecked = true;
    for (const index of indexes) refused.push({ path: urls.length === 1 && field === "url" ? field : `${field}.${index}`, message: verdict.reason });
  });
  if (refused.length === 0) return;
  refused.sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
  const first = refused[0]!;
  // A host DNS could not answer for may pass later: a retry with the same Idempotency-Key checks again.
  throw new ApiError("URL_NOT_ALLOWED", `url is not allowed: ${first.message}${refused.length > 1 ? ` (and ${refused.length - 1} more)` : ""}`, {
    details: refused,
    transient: unchecked,
  });
}
