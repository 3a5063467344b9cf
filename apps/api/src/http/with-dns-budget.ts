import { setMaxListeners } from "node:events";
import { dnsTimeout } from "@browserfleet/core";

/**
 * Runs one request's lookups under its DNS budget: when it ends, every wait still open fails as
 * timed out (naming the budget), so the check never outlives the request or its idempotency lease.
 */
export async function withDnsBudget<T>(budgetMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const budget = new AbortController();
  // Every lookup of the request waits on this one signal (DNS_REQUEST_CONCURRENCY of them at once).
  setMaxListeners(0, budget.signal);
  const timer = setTimeout(() => budget.abort(dnsTimeout(` (this request's DNS budget of ${budgetMs} ms ran out)`)), budgetMs);
  try {
    return await run(budget.signal);
  } finally {
    clearTimeout(timer);
  }
}
