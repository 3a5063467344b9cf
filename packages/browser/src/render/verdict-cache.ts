import { randomUUID } from "node:crypto";
import type { TargetVerdict } from "@browserfleet/core";
import type { TargetGuard } from "./render-types.ts";

/** A guard that asks the real one once per scheme+host+port; a page makes dozens of requests to few origins. */
export type CachedGuard = (url: string) => Promise<TargetVerdict>;

/** Schemes that never open a connection, so there is nothing to check. */
const LOCAL_SCHEMES = new Set(["data:", "blob:", "about:"]);

export function isLocalScheme(url: string): boolean {
  const colon = url.indexOf(":");
  return colon > 0 && LOCAL_SCHEMES.has(url.slice(0, colon + 1).toLowerCase());
}

export function cacheVerdicts(guard: TargetGuard): CachedGuard {
  const byOrigin = new Map<string, Promise<TargetVerdict>>();
  // One lookup group per cache (a context: one job of one workspace), so contexts share DNS slots in turn.
  const lookup = { group: randomUUID() };
  return (url) => {
    let key: string;
    try {
      const parsed = new URL(url);
      key = `${parsed.protocol}//${parsed.host}`;
    } catch {
      return Promise.resolve({ allowed: false, reason: "not a valid absolute URL" });
    }
    let verdict = byOrigin.get(key);
    if (verdict === undefined) {
      // A guard that throws refuses: failing open would defeat the check.
      verdict = guard(url, lookup).catch((err: unknown) => ({
        allowed: false as const,
        reason: `the URL check failed: ${err instanceof Error ? err.message : String(err)}`,
      }));
      byOrigin.set(key, verdict);
    }
    return verdict;
  };
}
