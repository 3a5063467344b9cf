import { withTimeout } from "./within.ts";

/** A named dependency check; resolves when healthy, throws when not. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<unknown>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, "ok" | string>;
}

/** Drivers' messages span lines (Prisma's quote the call); the last line says what is wrong. */
function summarize(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const last = text.split("\n").map((l) => l.trim()).filter(Boolean).pop() ?? "failed";
  return last.slice(0, 300);
}

export async function runReadinessChecks(checks: ReadinessCheck[], draining: boolean, timeoutMs = 2_000): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(c.check(), timeoutMs);
        return [c.name, "ok"] as const;
      } catch (err) {
        return [c.name, summarize(err)] as const;
      }
    }),
  );
  const report: Record<string, string> = Object.fromEntries(results);
  if (draining) report.draining = "process is shutting down";
  return { ready: !draining && results.every(([, r]) => r === "ok"), checks: report };
}

/** Readiness checks of the backing services: Postgres (the truth) and, for a process that uses it, Redis (the work). */
export function backingServiceChecks(deps: {
  postgres: { $queryRaw: (query: TemplateStringsArray) => PromiseLike<unknown> };
  /** Left out by a process that does not use Redis (the dispatcher works from Postgres alone). */
  redis?: { ping: () => Promise<unknown> };
}): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [{ name: "postgres", check: async () => deps.postgres.$queryRaw`SELECT 1` }];
  const redis = deps.redis;
  if (redis !== undefined) checks.push({ name: "redis", check: () => redis.ping() });
  return checks;
}
