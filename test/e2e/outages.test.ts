import { afterAll, beforeAll, expect, it } from "vitest";
import { createPrismaClient, createWorkspace, grantCredits, type PrismaClient } from "@browserfleet/db";
import { createTemporaryDatabase, type TemporaryDatabase } from "@browserfleet/db/testing";
import { startApp, type AppProcess } from "../support/app-process.ts";
import { startFixtureSite, type FixtureSite } from "../support/fixture-site.ts";
import { apiClient } from "../support/http-client.ts";
import { allResults, balanceAndLedger, waitForJob, waitUntil } from "../support/job-polling.ts";
import { startPrivatePostgres, type PrivatePostgres } from "../support/private-postgres.ts";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis.ts";
import { startTcpCutProxy, type TcpCutProxy } from "../support/tcp-cut-proxy.ts";
import { localFleetEnv } from "../support/test-stack.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";

// The fleet runs on a Postgres cluster and a Redis of this file's own, reached through proxies
// this file can cut or freeze, so every outage hits only this file's processes. Every
// dependency call of theirs is bounded by DEPENDENCY_TIMEOUT_MS; a request still unanswered
// after REQUEST_BUDGET_MS counts as a hang (the budget only detects hangs, with room for a busy
// machine; no timing is asserted).
// 2 s rather than the default 5 s: a frozen dependency then answers 503 sooner, so the frozen windows gather their
// answers in half the time; the budget stays where it was, several dependency calls deep.
const DEPENDENCY_TIMEOUT_MS = 2_000;
const REQUEST_BUDGET_MS = 20_000;
const SYNC_BUDGET_MS = 90_000;

let postgres: PrivatePostgres;
let redis: PrivateRedis;
let pgProxy: TcpCutProxy;
let redisProxy: TcpCutProxy;
let database: TemporaryDatabase;
let prisma: PrismaClient;
let site: FixtureSite;
let receiver: WebhookReceiver;
let processes: AppProcess[] = [];

beforeAll(async () => {
  [postgres, redis, site, receiver] = await Promise.all([startPrivatePostgres(), startPrivateRedis(), startFixtureSite(), startWebhookReceiver()]);
  [pgProxy, redisProxy] = await Promise.all([
    startTcpCutProxy({ host: "127.0.0.1", port: postgres.port }),
    startTcpCutProxy({ host: "127.0.0.1", port: redis.port }),
  ]);
  database = await createTemporaryDatabase(postgres.url);
  // The test reads Postgres directly; the fleet goes through the proxy.
  prisma = createPrismaClient(database.url);
  const viaProxy = new URL(database.url);
  viaProxy.port = String(pgProxy.port);
  const env: Record<string, string> = {
    ...localFleetEnv({ databaseUrl: viaProxy.toString(), redisUrl: `redis://127.0.0.1:${redisProxy.port}` }),
    // Short leases and a fast reconciler: lost work comes back within seconds.
    JOB_LOCK_MS: "3000",
    RECONCILE_INTERVAL_MS: "1000",
    RECONCILE_GRACE_MS: "2000",
    DEPENDENCY_TIMEOUT_MS: String(DEPENDENCY_TIMEOUT_MS),
    WEBHOOK_RETRY_SCALE: "0.01",
  };
  // allSettled: a failure must not leave a sibling that finishes starting afterwards unstopped.
  const launched = await Promise.allSettled((["api", "worker", "dispatcher"] as const).map((name) => startApp(name, env)));
  processes = launched.flatMap((l) => (l.status === "fulfilled" ? [l.value] : []));
  const failed = launched.find((l) => l.status === "rejected");
  if (failed) throw failed.reason;
}, 600_000);

afterAll(async () => {
  // Back up first, so every process drains normally.
  await Promise.all([pgProxy?.restore(), redisProxy?.restore(), postgres?.start()]);
  await Promise.all(processes.map((p) => p.stop("SIGTERM")));
  await prisma?.$disconnect();
  await database?.drop();
  await Promise.all([site?.close(), receiver?.close(), pgProxy?.close(), redisProxy?.close()]);
  await Promise.all([postgres?.destroy(), redis?.stop()]);
}, 600_000);

type Status = number | "hang" | "network-error";

interface Answer {
  /** The phase when the request was sent, and when its answer came. */
  phase: string;
  endPhase: string;
  what: string;
  status: Status;
  body: Record<string, unknown> | null;
  retryAfter: string | null;
  /** Reported, never asserted: the hang detector is REQUEST_BUDGET_MS. */
  ms: number;
}

/** One HTTP call that never waits past its budget: a hang is recorded, not waited out. */
async function call(url: string, init: RequestInit & { budgetMs?: number } = {}): Promise<{ status: Status; body: Record<string, unknown> | null; retryAfter: string | null }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.budgetMs ?? REQUEST_BUDGET_MS) });
    const text = await res.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { raw: text.slice(0, 500) };
    }
    return { status: res.status, body, retryAfter: res.headers.get("retry-after") };
  } catch (err) {
    const hang = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return { status: hang ? "hang" : "network-error", body: { error: String(err) }, retryAfter: null };
  }
}

interface Accepted {
  jobId: string;
  apiKey: string;
  urls: string[];
  phase: string;
}

/** Clients that keep reading and submitting while the test breaks things, recording every answer. */
class Traffic {
  readonly answers: Answer[] = [];
  readonly accepted: Accepted[] = [];
  phase = "before";
  private running = true;
  private loops: Promise<void>[] = [];
  private counter = 0;

  constructor(
    private readonly apiUrl: string,
    private readonly users: { apiKey: string }[],
  ) {}

  start(): void {
    this.loops = this.users.map((u, i) => this.loop(u.apiKey, i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  count(phase: string, predicate: (a: Answer) => boolean = () => true): number {
    return this.answers.filter((a) => a.phase === phase && predicate(a)).length;
  }

  private async request(apiKey: string, what: string, method: string, path: string, json?: unknown): Promise<Answer> {
    const phase = this.phase;
    const started = performance.now();
    const headers: Record<string, string> = { "x-api-key": apiKey };
    if (json !== undefined) headers["content-type"] = "application/json";
    const res = await call(`${this.apiUrl}${path}`, { method, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    const answer = { phase, endPhase: this.phase, what, ...res, ms: Math.round(performance.now() - started) };
    this.answers.push(answer);
    return answer;
  }

  async submit(apiKey: string, what: string, path: string, urls: string[], body: Record<string, unknown>): Promise<void> {
    const phase = this.phase;
    const answer = await this.request(apiKey, what, "POST", path, body);
    if (answer.status === 202 && answer.body) this.accepted.push({ jobId: String(answer.body.id ?? answer.body.job_id), apiKey, urls, phase });
  }

  private async loop(apiKey: string, user: number): Promise<void> {
    while (this.running) {
      const n = (this.counter += 1);
      await this.request(apiKey, "credits", "GET", "/v1/credits");
      await this.request(apiKey, "list", "GET", "/v1/jobs?limit=5");
      const known = this.accepted.findLast((a) => a.apiKey === apiKey);
      if (known) {
        await this.request(apiKey, "status", "GET", `/v1/jobs/${known.jobId}/status`);
        await this.request(apiKey, "long-poll", "GET", `/v1/jobs/${known.jobId}?wait=2`);
      }
      // The last user only reads; the others submit about 3 pages a second together, within
      // what one worker renders, so a backlog does not hide whether work resumes.
      if (user < this.users.length - 1) {
        const one = `${site.origin}/simple?u=${user}&n=${n}`;
        await this.submit(apiKey, "scrape", "/v1/quick/scrape", [one], { url: one, formats: ["text"], async: true });
        if (n % 3 === 0) {
          const urls = [0, 1].map((i) => `${site.origin}/simple?u=${user}&n=${n}&i=${i}`);
          await this.submit(apiKey, "batch", "/v1/quick/batch", urls, { urls, formats: ["text"] });
        }
      }
      // At most 5 requests a second per key: well under the per-key rate limit.
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

const opsUrl = (p: AppProcess): string => `http://127.0.0.1:${p.port}`;

/** The processes that depend on `service`: the dispatcher works from Postgres alone, so a Redis outage is not its outage. */
function dependentsOf(service: "redis" | "postgres"): AppProcess[] {
  return processes.filter((p) => service === "postgres" || p.name !== "dispatcher");
}

async function readiness(of: AppProcess[] = processes): Promise<Status[]> {
  return Promise.all(of.map(async (p) => (await call(`${opsUrl(p)}/readyz`)).status));
}

/** A well-formed outage answer: 503 SERVICE_UNAVAILABLE envelope with an integer Retry-After and the request id. */
function isServiceUnavailable(a: Answer): boolean {
  return (
    a.status === 503 &&
    a.body?.code === "SERVICE_UNAVAILABLE" &&
    typeof a.body.error === "string" &&
    typeof a.body.request_id === "string" &&
    a.body.request_id.length > 0 &&
    a.retryAfter !== null &&
    /^\d+$/.test(a.retryAfter)
  );
}

/** The processes' recent warnings and errors, to explain a failure. */
function printWarnings(): void {
  for (const p of processes) {
    const lines = p.logs.filter((l) => /"level":(40|50|60)/.test(l)).slice(-15);
    console.log(`--- ${p.name} warnings ---\n${lines.map((l) => l.slice(0, 600)).join("\n")}`);
  }
}

const isSuccess = (a: Answer): boolean => typeof a.status === "number" && a.status >= 200 && a.status < 300;

/** Workspaces with credits to spare, each with a webhook endpoint on the test's receiver. */
async function newUsers(tag: string, count: number): Promise<{ apiKey: string; workspaceId: string }[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const created = await createWorkspace(prisma, { name: `${tag}-${i}` });
      const user = { workspaceId: created.workspace.id, apiKey: created.apiKey.key };
      await grantCredits(prisma, { workspaceId: user.workspaceId, amount: 10_000 });
      const hook = await apiClient(opsUrl(processes[0]!), user.apiKey).post("/v1/webhooks", { url: receiver.url(`/${tag}/${i}`) });
      expect(hook.status, JSON.stringify(hook.body)).toBe(201);
      return user;
    }),
  );
}

/** The outbox survived too: every accepted job's one job.completed event reached its endpoint. */
async function expectEveryJobAnnounced(traffic: Traffic): Promise<void> {
  const jobIds = new Set(traffic.accepted.map((a) => a.jobId));
  const eventsOf = (jobId: string): string[] => [
    ...new Set(receiver.received.filter((r) => r.status === 200 && r.body.type.startsWith("job.") && r.body.data.job_id === jobId).map((r) => `${r.body.type} ${r.body.id}`)),
  ];
  await receiver.waitFor(() => [...jobIds].every((id) => eventsOf(id).length > 0), 120_000);
  for (const id of jobIds) expect(eventsOf(id), `events of job ${id}`).toEqual([expect.stringMatching(/^job\.completed evt_/)]);
}

/**
 * Runs traffic before, during and after an outage and checks the whole contract: every answer
 * is a success or a 503 envelope (never a hang, a 500 or a dropped connection), every process's
 * /readyz fails during and passes after, no process restarts, and every accepted job finishes
 * with each item exactly once and credits that add up.
 */
async function runOutage(
  tag: string,
  outage: { service: "redis" | "postgres"; begin(): Promise<void>; end(): Promise<void>; duringEnough(t: Traffic): boolean },
): Promise<Traffic> {
  const dependents = dependentsOf(outage.service);
  const independents = processes.filter((p) => !dependents.includes(p));
  const users = await newUsers(tag, 3);
  const api = processes[0]!;
  const pids = processes.map((p) => p.child.pid);
  const traffic = new Traffic(opsUrl(api), users);
  // How long each phase took: reported with the summary, never asserted.
  const marks: [string, number][] = [["start", performance.now()]];
  const mark = (phase: string): void => void marks.push([phase, performance.now()]);
  traffic.start();
  try {
    await waitUntil(() => traffic.count("before") >= 15 && traffic.accepted.length >= 2, 120_000, "traffic before the outage");
    // Pages that are rendering when the service goes away must still end exactly once.
    const slow = Array.from({ length: 8 }, (_, i) => `${site.origin}/slow?ms=2000&tag=${tag}&i=${i}`);
    await traffic.submit(users[0]!.apiKey, "slow-batch", "/v1/quick/batch", slow, { urls: slow, formats: ["text"] });
    await waitUntil(() => site.inFlightOf("/slow") > 0, 120_000, "slow pages rendering");

    // Switched first: a request still in flight when the service goes away ends "during".
    mark("before");
    traffic.phase = "during";
    await outage.begin();
    await waitUntil(async () => (await readiness(dependents)).every((s) => s !== 200), 60_000, "every dependent /readyz failing");
    await waitUntil(() => outage.duringEnough(traffic), 120_000, "traffic during the outage");
    // Still down: every process that depends on the service must still say so, and no other.
    const whileDown = await readiness(dependents);
    expect(whileDown.every((s) => s === 503), `readyz during the outage: ${JSON.stringify(whileDown)}`).toBe(true);
    const unaffected = await readiness(independents);
    expect(unaffected.every((s) => s === 200), `readyz of processes without ${outage.service} during its outage: ${JSON.stringify(unaffected)}`).toBe(true);

    mark("during");
    traffic.phase = "recovering";
    await outage.end();
    await waitUntil(async () => (await readiness()).every((s) => s === 200), 120_000, "every /readyz passing again");
    mark("recovering");
    traffic.phase = "after";
    await waitUntil(() => traffic.count("after") >= 15 && traffic.accepted.some((a) => a.phase === "after"), 120_000, "traffic after the outage");
    mark("after");
  } finally {
    await traffic.stop();
  }

  const bad = traffic.answers.filter((a) => !isSuccess(a) && !isServiceUnavailable(a));
  expect(bad, `answers that are neither a success nor a 503 envelope: ${JSON.stringify(bad.slice(0, 5))}`).toEqual([]);
  const whileUp = (a: Answer): boolean => (a.phase === "before" && a.endPhase === "before") || a.phase === "after";
  const badAfter = traffic.answers.filter((a) => whileUp(a) && !isSuccess(a));
  expect(badAfter, `failures while both services were up: ${JSON.stringify(badAfter.slice(0, 5))}`).toEqual([]);

  // The same processes, still running: nobody restarted anything.
  expect(processes.map((p) => p.child.pid)).toEqual(pids);
  for (const p of processes) expect({ name: p.name, exitCode: p.child.exitCode, signal: p.child.signalCode }).toEqual({ name: p.name, exitCode: null, signal: null });

  await Promise.all([expectNothingLost(traffic, users), expectEveryJobAnnounced(traffic)]).catch((err: unknown) => {
    printWarnings();
    throw err;
  });
  mark("settled");
  const during = traffic.answers.filter((a) => a.phase === "during");
  console.log(
    `${tag}: ${traffic.answers.length} answers (${during.length} during the outage: ${during.filter(isSuccess).length} ok, ${during.filter(isServiceUnavailable).length} 503), ` +
      `slowest answer during ${Math.max(0, ...during.map((a) => a.ms))} ms, ` +
      `${traffic.accepted.length} jobs accepted (${traffic.accepted.filter((a) => a.phase === "during").length} during), all finished exactly once and announced by webhook`,
  );

  // Sync calls work again too (the worker renders, the API hears the job finish through Redis).
  const fresh = (await newUsers(`${tag}-sync`, 1))[0]!;
  const sync = await call(`${opsUrl(api)}/v1/quick/scrape`, {
    method: "POST",
    headers: { "x-api-key": fresh.apiKey, "content-type": "application/json" },
    body: JSON.stringify({ url: `${site.origin}/simple?sync=${tag}` }),
    budgetMs: SYNC_BUDGET_MS,
  });
  expect(sync.status, JSON.stringify(sync.body)).toBe(200);
  mark("sync");
  console.log(`${tag} phases: ${marks.slice(1).map(([phase, at], i) => `${phase} ${((at - marks[i]![1]) / 1000).toFixed(1)} s`).join(", ")}`);
  return traffic;
}

/** Every accepted job (and any job Postgres holds for these workspaces) ends completed, each URL once, credits exact. */
async function expectNothingLost(traffic: Traffic, users: { apiKey: string; workspaceId: string }[]): Promise<void> {
  for (const job of traffic.accepted) {
    const client = apiClient(opsUrl(processes[0]!), job.apiKey);
    const done = await waitForJob(client, job.jobId, { timeoutMs: 300_000 });
    expect(done, `job ${job.jobId} accepted ${job.phase}`).toMatchObject({ status: "completed", progress_done: job.urls.length, progress_total: job.urls.length, progress_failed: 0 });
    const results = await allResults(client, job.jobId);
    expect(results.map((r) => r.url)).toEqual(job.urls);
    expect(done.credits_charged).toBe(job.urls.length);
  }
  for (const user of users) {
    const jobs = await prisma.job.findMany({ where: { workspaceId: user.workspaceId }, select: { id: true, status: true, creditsCharged: true } });
    // A job whose 202 was lost to the outage (committed, then the answer failed) must still finish.
    const open = jobs.filter((j) => j.status !== "completed");
    expect(open, "jobs of the workspace not completed").toEqual([]);
    const { balance, ledgerSum } = await balanceAndLedger(prisma, user.workspaceId);
    expect(ledgerSum).toBe(balance);
    expect(balance).toBe(100 + 10_000 - jobs.reduce((sum, j) => sum + j.creditsCharged, 0));
  }
  const itemsRun = await prisma.jobItemPayload.count({ where: { item: { job: { workspaceId: { in: users.map((u) => u.workspaceId) } } } } });
  const itemsTotal = await prisma.jobItem.count({ where: { job: { workspaceId: { in: users.map((u) => u.workspaceId) } } } });
  expect(itemsRun).toBe(itemsTotal);
}

it("Redis stops mid-traffic and comes back: reads keep working, submissions are accepted, nothing is lost", async () => {
  const traffic = await runOutage("redis", {
    service: "redis",
    begin: () => redis.stop(),
    end: () => redis.start(),
    // Jobs accepted while Redis is away can only reach a worker through the reconciler.
    duringEnough: (t) => t.count("during") >= 20 && t.accepted.filter((a) => a.phase === "during").length >= 3,
  });
  expect(traffic.count("during", isSuccess)).toBeGreaterThan(0);
}, 900_000);

it("the Postgres path is cut mid-traffic and restored: 503 envelopes meanwhile, then everything recovers", async () => {
  const traffic = await runOutage("postgres", {
    service: "postgres",
    begin: () => pgProxy.cut(),
    end: () => pgProxy.restore(),
    duringEnough: (t) => t.count("during", isServiceUnavailable) >= 30,
  });
  expect(traffic.count("during", isServiceUnavailable)).toBeGreaterThanOrEqual(30);
}, 900_000);

it("the Redis path freezes mid-traffic (connections open, nothing answered) and thaws: nothing hangs, nothing is lost", async () => {
  const traffic = await runOutage("redis-frozen", {
    service: "redis",
    begin: async () => redisProxy.freeze(),
    end: () => redisProxy.restore(),
    duringEnough: (t) => t.count("during") >= 20 && t.accepted.filter((a) => a.phase === "during").length >= 2,
  });
  expect(traffic.count("during", isSuccess)).toBeGreaterThan(0);
}, 900_000);

it("the Postgres path freezes mid-traffic and thaws: 503 envelopes within the budget, then everything recovers", async () => {
  const traffic = await runOutage("postgres-frozen", {
    service: "postgres",
    begin: async () => pgProxy.freeze(),
    end: () => pgProxy.restore(),
    duringEnough: (t) => t.count("during", isServiceUnavailable) >= 10,
  });
  expect(traffic.count("during", isServiceUnavailable)).toBeGreaterThanOrEqual(10);
}, 900_000);

it("the Postgres server itself stops (fast shutdown) mid-traffic and starts again: 503 envelopes meanwhile, then everything recovers", async () => {
  const traffic = await runOutage("postgres-restart", {
    service: "postgres",
    begin: () => postgres.stop(),
    end: () => postgres.start(),
    duringEnough: (t) => t.count("during", isServiceUnavailable) >= 30,
  });
  expect(traffic.count("during", isServiceUnavailable)).toBeGreaterThanOrEqual(30);
}, 900_000);
