// Webhook delivery throughput and latency: events committed to the outbox (as a finishing job
// writes them) → dispatcher process(es) → signed POSTs to a receiver on 127.0.0.1 that answers
// 200 at once. Baseline in the same run: this script signing and POSTing the same bodies itself,
// with the same concurrency and no database, i.e. the ceiling of the HTTP path on this machine.
// Latency is from the event's commit (created_at, the job's completion) to its receipt.
//   npx tsx bench/webhooks.ts -- [--events 3000] [--endpoints 16] [--rate 50] [--seconds 10] [--warmup 500]
// Each burst row (and the baseline) first sends --warmup events unmeasured.
import { randomBytes } from "node:crypto";
import http from "node:http";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { newSigningSecret, serializeEnvelope, signatureHeaders } from "@browserfleet/core";
import { createPrismaClient, createWorkspace, type PrismaClient } from "@browserfleet/db";
import { createTemporaryDatabase } from "@browserfleet/db/testing";
import { repoRoot, startApp, type AppProcess } from "../test/support/app-process.ts";
import { localFleetEnv } from "../test/support/test-stack.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../test/support/webhook-receiver.ts";
import { fmt, percentile, runConcurrently } from "./stats.ts";
import { printProfileSummary } from "./support/cpu-profile-summary.ts";
import { cpuSecondsOf, cpuSecondsOfCommand, measureCpu, ownCpuSeconds, type CpuSplit } from "./support/process-cpu.ts";
import { cpus } from "node:os";

const argv = process.argv.slice(2);
if (argv[0] === "--") argv.shift();
const { values } = parseArgs({
  args: argv,
  options: {
    events: { type: "string", default: "3000" },
    endpoints: { type: "string", default: "16" },
    rate: { type: "string", default: "50" },
    seconds: { type: "string", default: "10" },
    concurrency: { type: "string", default: "32" },
    // Events each burst row sends first, unmeasured, so every process is past its JIT warm-up (as the baseline is).
    warmup: { type: "string", default: "500" },
    // Runs the single-dispatcher burst's dispatcher under node --cpu-prof and prints where its CPU went.
    "cpu-prof": { type: "boolean", default: false },
  },
});
const profileDir = values["cpu-prof"] ? mkdtempSync(join(tmpdir(), "bench-webhooks-prof-")) : null;
const EVENTS = Number(values.events);
const ENDPOINTS = Number(values.endpoints);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const WARMUP = Number(values.warmup);
for (const [flag, n] of [["--events", EVENTS], ["--endpoints", ENDPOINTS], ["--rate", RATE], ["--seconds", SECONDS], ["--concurrency", CONCURRENCY]] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`);
}
if (!Number.isInteger(WARMUP) || WARMUP < 0) throw new Error("--warmup must be a whole number");
const progress = (msg: string): void => void process.stderr.write(`bench/webhooks: ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  path: string;
  processes: number;
  events: number;
  eventsPerSecond: number;
  latenciesMs: number[];
  /** CPU seconds per part of the machine over the row, and the row's wall seconds. */
  cpu?: { split: CpuSplit; wallSeconds: number };
}
const rows: Row[] = [];
const print = (r: Row): void => {
  const lat = (p: number) => (r.latenciesMs.length ? fmt(percentile(r.latenciesMs, p)) : "");
  process.stdout.write(`${r.path.padEnd(46)} ${String(r.processes).padStart(5)} ${String(r.events).padStart(7)} ${fmt(r.eventsPerSecond, 1).padStart(9)} ${lat(50).padStart(7)} ${lat(95).padStart(7)}\n`);
};

/** Waits until the receiver has 200-answered every id, then returns each one's commit→receipt latency. */
async function awaitReceipt(receiver: WebhookReceiver, ids: Set<string>, timeoutMs = 300_000): Promise<{ lastAt: number; latenciesMs: number[] }> {
  const deadline = Date.now() + timeoutMs;
  const got = new Map<string, number>();
  let lastAt = 0;
  // Reads only what arrived since the last look: the bench shares the machine with what it measures.
  for (let scanned = 0; ; ) {
    for (; scanned < receiver.received.length; scanned++) {
      const r = receiver.received[scanned]!;
      if (!ids.has(r.body.id)) continue;
      lastAt = Math.max(lastAt, r.receivedAt);
      if (!got.has(r.body.id)) got.set(r.body.id, r.receivedAt - Date.parse(r.body.created_at));
    }
    if (got.size === ids.size) return { lastAt, latenciesMs: [...got.values()] };
    if (Date.now() > deadline) throw new Error(`only ${got.size}/${ids.size} events arrived`);
    await sleep(50);
  }
}

function syntheticEvent(workspaceId: string, n: number) {
  const jobId = crypto.randomUUID();
  return {
    id: `evt_${randomBytes(12).toString("hex")}`,
    workspaceId,
    type: "job.completed",
    data: { job_id: jobId, kind: "scrape", progress_done: 1, progress_total: 1, credits_charged: 1, result: { url: `https://example.test/page/${n}`, status: "completed", result_url: `/v1/jobs/${jobId}/results` } },
  };
}

/** The baseline: the same signed bodies POSTed by this process with `CONCURRENCY` in flight, no database. */
async function rawPosts(receiver: WebhookReceiver, events: number): Promise<Row> {
  const secret = newSigningSecret();
  const agent = new http.Agent({ keepAlive: false });
  const bodies = Array.from({ length: events }, (_, n) => {
    const e = syntheticEvent(crypto.randomUUID(), n);
    return { n, id: e.id, body: serializeEnvelope({ ...e, createdAt: new Date() }) };
  });
  const cpu = measureCpu({ "bench (sender + receiver)": ownCpuSeconds });
  const startedAt = performance.now();
  const latencies = await runConcurrently(bodies, CONCURRENCY, async (b) => {
    const headers = signatureHeaders({ secret, eventId: b.id, timestampSeconds: Math.floor(Date.now() / 1000), rawBody: b.body });
    await new Promise<void>((resolve, reject) => {
      const req = http.request(receiver.url(`/raw-${b.n % ENDPOINTS}`), { method: "POST", agent, headers: { ...headers, "content-type": "application/json" } }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", reject);
      req.end(b.body);
    });
  });
  const wallMs = performance.now() - startedAt;
  const split = cpu();
  return {
    path: "raw signed POSTs (no DB, same concurrency)",
    processes: 1,
    events,
    eventsPerSecond: events / (wallMs / 1000),
    latenciesMs: latencies,
    cpu: { split, wallSeconds: wallMs / 1000 },
  };
}

async function withDispatchers<T>(env: Record<string, string>, processes: number, run: (pids: number[]) => Promise<T>): Promise<T> {
  const started: AppProcess[] = [];
  try {
    for (let i = 0; i < processes; i++) {
      const profiled = profileDir !== null && processes === 1 && readdirSync(profileDir).length === 0;
      const launch = profiled ? { args: ["--cpu-prof", "--cpu-prof-dir", profileDir, "--import", "tsx", join("apps", "dispatcher", "src", "main.ts")], cwd: repoRoot } : undefined;
      started.push(await startApp("dispatcher", env, 60_000, launch));
    }
    return await run(started.map((p) => p.child.pid!));
  } finally {
    await Promise.all(started.map((p) => p.stop("SIGTERM")));
  }
}

async function burst(prisma: PrismaClient, receiver: WebhookReceiver, workspaceIds: string[], env: Record<string, string>, processes: number): Promise<Row> {
  return withDispatchers(env, processes, async (pids) => {
    if (WARMUP > 0) {
      const warm = Array.from({ length: WARMUP }, (_, n) => syntheticEvent(workspaceIds[n % workspaceIds.length]!, n));
      await prisma.outboxEvent.createMany({ data: warm });
      await awaitReceipt(receiver, new Set(warm.map((e) => e.id)));
    }
    const events = Array.from({ length: EVENTS }, (_, n) => syntheticEvent(workspaceIds[n % workspaceIds.length]!, n));
    const cpu = measureCpu({ dispatchers: () => cpuSecondsOf(pids), postgres: () => cpuSecondsOfCommand("postgres"), "bench (receiver, inserts)": ownCpuSeconds });
    const startedAt = Date.now();
    for (let i = 0; i < events.length; i += 500) await prisma.outboxEvent.createMany({ data: events.slice(i, i + 500) });
    const { lastAt, latenciesMs } = await awaitReceipt(receiver, new Set(events.map((e) => e.id)));
    const split = cpu();
    return {
      path: `dispatcher burst (${EVENTS} events at once)`,
      processes,
      events: EVENTS,
      eventsPerSecond: EVENTS / ((lastAt - startedAt) / 1000),
      latenciesMs,
      cpu: { split, wallSeconds: (Date.now() - startedAt) / 1000 },
    };
  });
}

async function paced(prisma: PrismaClient, receiver: WebhookReceiver, workspaceIds: string[], env: Record<string, string>, processes: number): Promise<Row> {
  return withDispatchers(env, processes, async () => {
    const ids = new Set<string>();
    const startedAt = Date.now();
    const total = RATE * SECONDS;
    for (let n = 0; n < total; n++) {
      const due = startedAt + (n * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      const e = syntheticEvent(workspaceIds[n % workspaceIds.length]!, n);
      ids.add(e.id);
      await prisma.outboxEvent.create({ data: e });
    }
    const { latenciesMs } = await awaitReceipt(receiver, ids);
    return { path: `dispatcher paced (${RATE} events/s for ${SECONDS} s)`, processes, events: total, eventsPerSecond: RATE, latenciesMs };
  });
}

const database = await createTemporaryDatabase();
const prisma = createPrismaClient(database.url);
const receiver = await startWebhookReceiver();
try {
  // One endpoint per workspace, so each event is exactly one delivery.
  const workspaceIds: string[] = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    const { workspace } = await createWorkspace(prisma, { name: `bench-webhooks-${i}` });
    await prisma.webhookEndpoint.create({ data: { workspaceId: workspace.id, url: receiver.url(`/hook-${i}`), events: [] } });
    workspaceIds.push(workspace.id);
  }
  // Info level: the "dispatcher ready" line is info; delivered attempts log at debug.
  const env = { ...localFleetEnv({ databaseUrl: database.url, redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" }), WEBHOOK_CONCURRENCY: String(CONCURRENCY) };
  process.stdout.write(`webhooks: ${ENDPOINTS} endpoints, one per workspace (4 attempts open each at most), ${CONCURRENCY} attempts per dispatcher, receiver answers 200 at once\n`);
  process.stdout.write(`${"path".padEnd(46)} ${"procs".padStart(5)} ${"events".padStart(7)} ${"events/s".padStart(9)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)}\n`);
  progress("baseline…");
  if (WARMUP > 0) await rawPosts(receiver, WARMUP);
  const base = await rawPosts(receiver, EVENTS);
  rows.push(base);
  print(base);
  for (const processes of [1, 2]) {
    progress(`burst with ${processes} dispatcher(s)…`);
    const b = await burst(prisma, receiver, workspaceIds, env, processes);
    rows.push(b);
    print(b);
  }
  for (const processes of [1, 2]) {
    progress(`paced with ${processes} dispatcher(s)…`);
    const p = await paced(prisma, receiver, workspaceIds, env, processes);
    rows.push(p);
    print(p);
  }
  process.stdout.write("\nburst latency includes queueing behind the burst; paced latency is commit → receipt at a steady load.\n");
  const dispatcherRows = rows.filter((r) => r.path.startsWith("dispatcher burst"));
  process.stdout.write(`share of the raw signed POSTs rate: ${dispatcherRows.map((r) => `${r.processes} dispatcher(s) ${fmt((100 * r.eventsPerSecond) / base.eventsPerSecond)} %`).join(", ")}`);
  if (dispatcherRows.length === 2) process.stdout.write(`; 2 dispatchers ÷ 1: ${fmt(dispatcherRows[1]!.eventsPerSecond / dispatcherRows[0]!.eventsPerSecond, 2)}×`);
  process.stdout.write("\n\nCPU per event (µs) by part of the machine, and the cores busy over the row (of " + cpus().length + "):\n");
  for (const r of rows) {
    if (!r.cpu) continue;
    const parts = Object.entries(r.cpu.split).map(([part, seconds]) => `${part} ${fmt((seconds * 1e6) / r.events)}`);
    const total = Object.values(r.cpu.split).reduce((a, b) => a + b, 0);
    process.stdout.write(`  ${r.path} ×${r.processes}: ${parts.join(", ")}; cores busy ${fmt(total / r.cpu.wallSeconds, 2)}\n`);
  }
  const profile = profileDir ? readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile")) : undefined;
  if (profileDir && profile) printProfileSummary(join(profileDir, profile), "the dispatcher (1-dispatcher burst)");
  process.stdout.write("raw p50/p95 is one POST's round trip; dispatcher p50/p95 is the event's commit → receipt.\n");
} finally {
  await receiver.close();
  await prisma.$disconnect();
  await database.drop();
}
