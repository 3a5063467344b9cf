import { z } from "zod";
import { warmupRecipeTable } from "@browserfleet/core";
import { isNameserverAddress } from "./nameserver-address.ts";

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
  /** How often a worker repairs Redis from Postgres. */
  RECONCILE_INTERVAL_MS: int(15_000, 200, 3_600_000),
  /** How old an item must be before the reconciler repairs it. */
  RECONCILE_GRACE_MS: int(10_000, 0, 3_600_000),
  /** A worker takes no new pages while memory in use (its cgroup's, else the machine's) is above this share. */
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
  // --- settings: agents (placement, gateway, lifetimes) ---
  /** Agents (dedicated Chromiums) one worker hosts at once, besides its page slots; 0 hosts none. */
  WORKER_AGENT_SLOTS: int(2, 0, 64),
  /** Blank browsers each worker keeps started, so a burner skips the launch. */
  AGENT_WARM_POOL: int(1, 0, 16),
  /** The origin clients reach the API at, put into cdp_url, cdp_http and live_url; unset = http://127.0.0.1:<the API's port>. */
  PUBLIC_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Shared by the API and every worker: a worker's agent relay refuses any request without it. Required where agents run. */
  FLEET_SECRET: z.string().min(32, "must be at least 32 characters (e.g. openssl rand -hex 32)").optional(),
  /** 32 bytes as 64 hex characters, shared by the API and every worker: AES-256-GCM key of the LLM API keys tasks keep in Redis for their life. Required where tasks run. */
  TASK_KEY_SECRET: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "must be 32 bytes as 64 hex characters (e.g. openssl rand -hex 32)")
    .optional(),
  /** The address the API uses to reach this worker's agent relay (its ops port); unset = HOST, or the host name when HOST is a wildcard. */
  WORKER_ADVERTISE_HOST: z.string().min(1).optional(),
  /** Multiplies every agent lifetime (TTL, idle timeout, the 10-minute charging block) in real time; e.g. 0.01 in tests. */
  AGENT_TTL_SCALE: z.coerce.number().positive().max(1).default(1),
  /** How long a running agent's lease lasts without its worker renewing it; past it the agent ends worker_lost. */
  AGENT_LEASE_MS: int(15_000, 1_000, 600_000),
  /** How often each API and worker process looks for agents whose worker is gone. */
  AGENT_SWEEP_INTERVAL_MS: int(5_000, 100, 600_000),
  /** Largest saved profile of a persistent agent, compressed; a bigger one is not saved (the session still ends). */
  PROFILE_MAX_BYTES: int(52_428_800, 1_024, 1_073_741_824),
  /** Days between a persistent agent's renewal charges (fractions allowed, for tests). */
  PERSISTENT_RENEWAL_DAYS: z.coerce.number().positive().max(3_650).default(30),
  /** How often each API process charges the persistent agents whose renewal is due. */
  AGENT_RENEWAL_INTERVAL_MS: int(60_000, 100, 86_400_000),
  /** Warmup recipes besides (or replacing) the built-in amazon/google/social: JSON {"name": ["https://…", …]}; set the same on the API and every worker. */
  AGENT_WARMUP_RECIPES: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(s);
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be a JSON object of recipe names to URL lists, e.g. {"shop":["https://shop.example/"]}' });
        return z.NEVER;
      }
      const table = warmupRecipeTable.safeParse(parsed);
      if (table.success) return table.data;
      ctx.addIssue({ code: "custom", message: `must be a JSON object of recipe names to 1..10 http(s) URLs: ${table.error.issues[0]?.message ?? "invalid"}` });
      return z.NEVER;
    }),
  /** Agent creates per minute per workspace (api.md: 20). */
  AGENT_CREATES_PER_MINUTE: int(20, 1, 10_000),
  // --- settings: tenant input (regexes, routing, keys) ---
  /** Most active (unrevoked) API keys one workspace may hold: each key has its own request budget. */
  MAX_API_KEYS_PER_WORKSPACE: int(50, 1, 10_000),
  // --- settings: DNS ---
  /** Nameservers the SSRF checks and the egress proxy ask, JSON list of "ip" or "ip:port" ("[v6]:port"); unset = the system's resolv.conf servers. */
  DNS_SERVERS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return null;
      try {
        const parsed: unknown = JSON.parse(s);
        if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(isNameserverAddress)) return parsed as string[];
      } catch {
        // reported below
      }
      ctx.addIssue({ code: "custom", message: 'must be a non-empty JSON array of "ip" or "ip:port", e.g. ["127.0.0.1:5353"]' });
      return z.NEVER;
    }),
  /** One DNS try's timeout, and how many tries: a lookup never takes longer than their product. */
  DNS_TIMEOUT_MS: int(2_000, 50, 30_000),
  DNS_TRIES: int(2, 1, 5),
  /** Lookups in flight per process (shared fairly between workspaces), and per API request. */
  DNS_CONCURRENCY: int(64, 1, 1_024),
  DNS_REQUEST_CONCURRENCY: int(16, 1, 1_024),
  /** All lookups of one API request end within this; unchecked hosts fail the request (kept far below the idempotency lease's 60 s margin). */
  DNS_REQUEST_BUDGET_MS: int(15_000, 100, 50_000),
  /** Answer cache: longest time an answer is kept (the record's TTL if shorter), how long a failure or NXDOMAIN is, and how many names. */
  DNS_CACHE_TTL_MS: int(60_000, 0, 3_600_000),
  DNS_NEGATIVE_TTL_MS: int(15_000, 0, 3_600_000),
  DNS_CACHE_MAX_ENTRIES: int(10_000, 0, 1_000_000),
  // --- settings: results (caps, paging, retention, blob store) ---
  /** Largest `html` a result keeps, in UTF-8 bytes (api.md: 5 MiB); a longer page is cut at a character boundary and marked truncated. */
  HTML_MAX_BYTES: int(5_242_880, 1_024, 104_857_600),
  /** Tallest (and widest) screenshot a worker takes, in CSS pixels; a taller full page is clipped, never rendered whole. */
  SCREENSHOT_MAX_HEIGHT: int(16_384, 100, 32_767),
  /** A results page stops before the item that would take its JSON past this many bytes (always at least one item). */
  RESULTS_PAGE_MAX_BYTES: int(8_388_608, 1_024, 268_435_456),
  /** Days a finished job's results and payloads are kept (fractions allowed; 0 keeps them forever). */
  RESULT_RETENTION_DAYS: z.coerce.number().min(0).max(36_500).default(30),
  /** How often each API process deletes results past their retention (bounded batches, SKIP LOCKED). */
  RESULT_SWEEP_INTERVAL_MS: int(300_000, 100, 86_400_000),
  /** Where workers write new payloads; payloads already written stay readable from either store while its settings remain. */
  BLOB_STORE: z.enum(["postgres", "s3"]).default("postgres"),
  /** An S3-compatible store (AWS, MinIO, R2, …); S3_BUCKET is required when BLOB_STORE=s3. */
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool,
  // --- settings: worker robustness (retries, reconciler) ---
  /** Items the reconciler reads per query, and queries per pass: a pass checks at most their product, then the next continues after it. */
  RECONCILE_PAGE_SIZE: int(1_000, 1, 10_000),
  RECONCILE_PAGES_PER_PASS: int(50, 1, 10_000),
  // --- settings: API lifecycle (sync calls, shutdown) ---
  // --- settings: operations (Chromium sandbox, supervisor, webhook sweep) ---
  /** Chromium's sandbox: auto keeps it wherever it can work (falling back loudly), on refuses to run without it, off never uses it. */
  CHROMIUM_SANDBOX: z.enum(["auto", "on", "off"]).default("auto"),
  /** The unprivileged uid/gid a worker running as root hands Chromium to (root cannot use the sandbox); default nobody/nogroup. */
  CHROMIUM_SANDBOX_UID: int(65_534, 1, 4_294_967_294),
  CHROMIUM_SANDBOX_GID: int(65_534, 1, 4_294_967_294),
  /** The only variables Chromium gets besides PATH and a private HOME (e.g. {"TZ":"UTC","LANG":"C.UTF-8"}); the worker's own never reach it. */
  CHROMIUM_ENV: z
    .string()
    .default("{}")
    .transform((s, ctx) => {
      try {
        const parsed: unknown = JSON.parse(s);
        if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
          const entries = Object.entries(parsed as Record<string, unknown>);
          if (entries.every(([k, v]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && typeof v === "string")) return Object.fromEntries(entries) as Record<string, string>;
        }
      } catch {
        // reported below
      }
      ctx.addIssue({ code: "custom", message: 'must be a JSON object of variable names to strings, e.g. {"TZ":"UTC"}' });
      return z.NEVER;
    }),
  /** Log bytes that may wait for a slow stdout reader; past them lines are dropped and counted (browserfleet_log_lines_dropped_total), never waited for. */
  LOG_MAX_BUFFERED_BYTES: int(4_194_304, 16_384, 1_073_741_824),
  /** `npm start`/`npm run fleet`: how long past SHUTDOWN_TIMEOUT_MS the supervisor waits after SIGTERM before it SIGKILLs a child. */
  SUPERVISOR_KILL_GRACE_MS: int(5_000, 0, 600_000),
  /** Dispatcher: how often it deletes webhook history past retention, the time one sweep may take, and rows per DELETE. */
  WEBHOOK_SWEEP_INTERVAL_MS: int(60_000, 100, 86_400_000),
  WEBHOOK_SWEEP_BUDGET_MS: int(10_000, 10, 600_000),
  WEBHOOK_SWEEP_BATCH: int(2_000, 1, 100_000),
});

export type AppConfig = z.infer<typeof envSchema>;
