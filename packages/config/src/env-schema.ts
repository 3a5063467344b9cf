import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .default("false")
  .transform((v) => v === "true" || v === "1" || v === "yes");

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

const jsonStringArray = z
  .string()
  .default("[]")
  .transform((s, ctx) => {
    try {
      const parsed: unknown = JSON.parse(s);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) return parsed as string[];
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: 'must be a JSON array of strings, e.g. ["--foo=bar"]' });
    return z.NEVER;
  });

const jsonHostMap = z
  .string()
  .default("{}")
  .transform((s, ctx) => {
    try {
      const parsed: unknown = JSON.parse(s);
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === "string")) {
        return Object.fromEntries(Object.entries(parsed as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
      }
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: 'must be a JSON object of host names to addresses, e.g. {"hooks.test":"127.0.0.1"}' });
    return z.NEVER;
  });

/** Every setting of every process; each process reads the subset it needs. */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PORT: int(3000, 0, 65535),
  WORKER_PORT: int(3001, 0, 65535),
  DISPATCHER_PORT: int(3002, 0, 65535),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .default("postgresql://postgres@127.0.0.1:5432/browserfleet"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").default("redis://127.0.0.1:6379"),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and - only").default("bf"),
  ALLOW_LOOPBACK_TARGETS: bool,
  /** Resolve only `localhost` (tests, offline machines): no DNS query ever leaves the machine. */
  DNS_LOOPBACK_ONLY: bool,
  WORKER_CONCURRENCY: int(4, 1, 64),
  CHROMIUM_PATH: z.string().min(1).default("/usr/bin/chromium"),
  CHROMIUM_EXTRA_ARGS: jsonStringArray,
  BROWSER_RECYCLE_PAGES: int(500, 1, 1_000_000),
  /** How long a dead worker holds a page: BullMQ's lock and the admission lease both last this long. */
  JOB_LOCK_MS: int(30_000, 1_000, 600_000),
  /** A worker takes no new pages while memory in use (its cgroup's, else the machine's) is above this share. */
  /** How often a worker repairs Redis from Postgres, and how old an item must be before it is repaired. */
  RECONCILE_INTERVAL_MS: int(15_000, 200, 3_600_000),
  RECONCILE_GRACE_MS: int(10_000, 0, 3_600_000),
  WORKER_MAX_MEMORY_FRACTION: z.coerce.number().gt(0).max(1).default(0.9),
  JOB_MAX_ATTEMPTS: int(3, 1, 10),
  SYNC_TIMEOUT_MS: int(60_000, 1_000, 600_000),
  /** Longest wait for a Postgres connection or query, or a request-path Redis command: past it the API answers 503, never hangs. */
  DEPENDENCY_TIMEOUT_MS: int(5_000, 100, 60_000),
  BODY_LIMIT_BYTES: int(1_048_576, 1_024, 104_857_600),
  SHUTDOWN_TIMEOUT_MS: int(30_000, 0, 600_000),
  WEBHOOK_RETRY_SCALE: z.coerce.number().positive().max(1000).default(1),
  /** Fixed answers for these host names, before DNS (like /etc/hosts, for this process only). */
  DNS_STATIC_HOSTS: jsonHostMap,
  /** One webhook attempt's budget: connect, send and the receiver's answer (api.md: 10 s). */
  WEBHOOK_TIMEOUT_MS: int(10_000, 100, 60_000),
  /** Attempts in flight per dispatcher process, and per receiving endpoint across all dispatchers. */
  WEBHOOK_CONCURRENCY: int(32, 1, 1_000),
  WEBHOOK_ENDPOINT_CONCURRENCY: int(4, 1, 100),
  /** How often an idle dispatcher looks for new events and due retries. */
  WEBHOOK_POLL_MS: int(200, 10, 60_000),
  /** An endpoint failing every delivery for this long is disabled (3 days). */
  WEBHOOK_DISABLE_AFTER_MS: int(259_200_000, 1_000, 31_536_000_000),
  /** How often an API process writes its batch of API keys' last_used_at (one UPDATE for all). */
  API_KEY_USAGE_FLUSH_MS: int(5_000, 50, 600_000),
  /** How long a stored Idempotency-Key answer is kept (the contract says 24 h; tests shorten it). */
  IDEMPOTENCY_TTL_SECONDS: int(86_400, 1, 2_592_000),
  /** How long an in-flight Idempotency-Key claim holds its key; unset = SYNC_TIMEOUT_MS + 60 s. */
  IDEMPOTENCY_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).optional(),
  /** How often each API process deletes expired Idempotency-Key rows. */
  IDEMPOTENCY_SWEEP_INTERVAL_MS: int(300_000, 100, 86_400_000),
  /** API server: longest wait for a request's headers, for its whole request (not its answer), and idle keep-alive. */
  HTTP_HEADERS_TIMEOUT_MS: int(20_000, 1_000, 600_000),
  HTTP_REQUEST_TIMEOUT_MS: int(60_000, 1_000, 3_600_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(65_000, 1_000, 600_000),
  /** Longest request URL (path + query) the API reads; longer ones get the 400 envelope. */
  MAX_URL_BYTES: int(8_192, 256, 65_536),
  // --- settings: tenant input (regexes, routing, keys) ---
  // --- settings: DNS ---
  // --- settings: results (caps, paging, retention, blob store) ---
  // --- settings: worker robustness (retries, reconciler) ---
  // --- settings: API lifecycle (sync calls, shutdown) ---
  // --- settings: operations (Chromium sandbox, supervisor, webhook sweep) ---
});

export type AppConfig = z.infer<typeof envSchema>;
