// Agents through the whole stack (API → Postgres → BullMQ → worker → Chromium, CDP through the
// gateway and the worker's relay), next to the same operations on a Chromium launched here
// directly, in the same run: provision latency (POST /v1/agents → 201), attach latency
// (connectOverCDP → first page answers), memory per idle agent (PSS of its Chromium tree), and the
// CDP round trip through the gateway vs straight to a Chromium. Prints numbers; asserts nothing.
//   npm run bench:agents -- [--creates 20] [--rounds 5] [--evals 200] [--pool0 true]
import { loadavg } from "node:os";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createAgentQueue, type AgentQueue } from "@browserfleet/agents";
import { grantCredits } from "@browserfleet/db";
import { createRedisConnection } from "@browserfleet/queue";
import type { AppProcess } from "../test/support/app-process.ts";
import { startAgentSite, type AgentSite } from "../test/support/agent-site.ts";
import { descendantsOf } from "../test/support/process-tree.ts";
import { startTestStack, TEST_CHROMIUM_ARGS, type TestStack } from "../test/support/test-stack.ts";
import {
  attachFirstPage,
  devtoolsEndpointOf,
  rawCdp,
  evaluateRoundTrips,
  launchLocalChromium,
  mean,
  pssKibOfTree,
  untilGone,
  type LocalChromium,
} from "./agents-local.ts";
import { fmt, percentile } from "./stats.ts";

const { values } = parseArgs({
  options: {
    creates: { type: "string", default: "20" },
    rounds: { type: "string", default: "5" },
    evals: { type: "string", default: "200" },
    pool0: { type: "string", default: "true" },
  },
});
const CREATES = Number(values.creates);
const ROUNDS = Number(values.rounds);
const EVALS = Number(values.evals);
const AT_ONCE = 4;
const SLOTS = 4;
const WARM_POOL = 1;
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `bench_agents_${process.pid}`;

interface Agent {
  id: string;
  session_id: string;
  status: string;
  cdp_url: string;
}

interface Created {
  agent: Agent;
  /** Client clock (Date.now, same machine as every process) at the POST and at the 201. */
  sentAt: number;
  answeredAt: number;
  ms: number;
}

/** Counts the worker's "agent chromium launched" lines (warm or not), so a paced run can wait for the warm pool to refill. */
class LaunchCounter {
  launched = 0;
  readonly launchMs: number[] = [];
  readonly sandbox = new Set<string>();
  constructor(worker: AppProcess) {
    // Lines logged before this listener (the warm pool starts filling as the worker gets ready) are in its log buffer.
    for (const line of worker.logs) this.count(line);
    createInterface({ input: worker.child.stdout! }).on("line", (line) => this.count(line));
  }

  private count(line: string): void {
    if (!line.includes('"agent chromium launched"')) return;
    this.launched += 1;
    const entry = JSON.parse(line) as { launchMs?: number; sandbox?: unknown };
    if (typeof entry.launchMs === "number") this.launchMs.push(entry.launchMs);
    this.sandbox.add(String(entry.sandbox));
  }
}

const stats = (samples: number[]): { p50: number; p95: number; mean: number; n: number } => ({
  p50: percentile(samples, 50),
  p95: percentile(samples, 95),
  mean: mean(samples),
  n: samples.length,
});

const record = (name: string, samples: number[]): void => {
  const s = stats(samples);
  console.log(`  ${name.padEnd(58)} n=${String(s.n).padStart(3)}  p50 ${fmt(s.p50, 1).padStart(7)}  p95 ${fmt(s.p95, 1).padStart(7)}  mean ${fmt(s.mean, 1).padStart(7)} ms`);
};

const site: AgentSite = await startAgentSite();
let stack: TestStack | undefined;
const locals: LocalChromium[] = [];
let agentQueue: AgentQueue | undefined;
try {
  stack = await startTestStack({
    api: "process",
    workers: 1,
    env: {
      QUEUE_PREFIX: prefix,
      WORKER_AGENT_SLOTS: String(SLOTS),
      AGENT_WARM_POOL: String(WARM_POOL),
      // The bench measures placement, not the create rate limit.
      AGENT_CREATES_PER_MINUTE: "10000",
    },
  });
  const s = stack;
  const { workspaceId, apiKey } = await s.newWorkspace("bench-agents");
  await grantCredits(s.prisma, { workspaceId, amount: 10_000_000 });
  await s.prisma.workspace.update({ where: { id: workspaceId }, data: { maxAgents: 100 } });
  const headers = { "x-api-key": apiKey, "content-type": "application/json" };
  const initialUrl = `${site.origin}/`;
  // Read only: when the worker took each session's job (BullMQ's processedOn).
  agentQueue = createAgentQueue({ redisUrl, prefix });

  let worker = s.workers[0]!;
  let launches = new LaunchCounter(worker);
  const launchPlans = launches.sandbox;
  /** Browsers each created agent took from the worker (warm or launched for it). */
  let consumed = 0;
  let pool = WARM_POOL;

  const create = async (body: Record<string, unknown> = { initial_url: initialUrl }): Promise<Created> => {
    const sentAt = Date.now();
    const started = performance.now();
    const res = await fetch(`${s.apiUrl}/v1/agents`, { method: "POST", headers, body: JSON.stringify(body) });
    const ms = performance.now() - started;
    const json = (await res.json()) as Agent;
    if (res.status !== 201) throw new Error(`POST /v1/agents answered ${res.status}: ${JSON.stringify(json)}`);
    consumed += 1;
    return { agent: json, sentAt, answeredAt: Date.now(), ms };
  };
  const pidOf = async (sessionId: string): Promise<number> => {
    const row = await s.prisma.agentSession.findUniqueOrThrow({ where: { id: sessionId }, select: { browserPid: true } });
    if (row.browserPid === null) throw new Error(`session ${sessionId} has no browser_pid`);
    return row.browserPid;
  };
  /** DELETE each, then wait until their Chromiums are gone (so the next measurement does not share the CPU with their exit). */
  const destroy = async (agents: Agent[]): Promise<void> => {
    const pids = await Promise.all(agents.map((a) => pidOf(a.session_id)));
    for (const a of agents) {
      const res = await fetch(`${s.apiUrl}/v1/agents/${a.id}`, { method: "DELETE", headers });
      if (res.status !== 204) throw new Error(`DELETE /v1/agents/${a.id} answered ${res.status}`);
    }
    const left = await untilGone(pids);
    if (left > 0) console.log(`  (warning: ${left} agent Chromium(s) still running 15 s after DELETE)`);
  };
  /** Until the worker holds `pool` warm browsers again (launched − taken). */
  const untilWarm = async (timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (launches.launched - consumed < pool) {
      if (Date.now() > deadline) throw new Error(`the warm pool did not refill within ${timeoutMs} ms (${launches.launched} launched, ${consumed} taken)`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The refill's launch log comes a moment before its Chromium quiets down.
    await new Promise((r) => setTimeout(r, 300));
  };
  /** Where a create's time went, from the session's own timestamps (created_at by the API, started_at by the worker). */
  const breakdown = async (created: Created[]): Promise<Record<"toRow" | "toPicked" | "toRunning" | "toAnswer", number[]>> => {
    const sessions = await s.prisma.agentSession.findMany({ where: { id: { in: created.map((c) => c.agent.session_id) } }, select: { id: true, createdAt: true, startedAt: true } });
    const byId = new Map(sessions.map((x) => [x.id, x]));
    const out = { toRow: [] as number[], toPicked: [] as number[], toRunning: [] as number[], toAnswer: [] as number[] };
    for (const c of created) {
      const row = byId.get(c.agent.session_id);
      if (!row?.startedAt) continue;
      const picked = (await agentQueue!.getJob(c.agent.session_id))?.processedOn;
      out.toRow.push(row.createdAt.getTime() - c.sentAt);
      if (picked !== undefined) {
        out.toPicked.push(picked - row.createdAt.getTime());
        out.toRunning.push(row.startedAt.getTime() - picked);
      }
      out.toAnswer.push(c.answeredAt - row.startedAt.getTime());
    }
    return out;
  };
  const printBreakdown = async (label: string, created: Created[]): Promise<void> => {
    const b = await breakdown(created);
    const p = (xs: number[]): string => `${fmt(percentile(xs, 50))}/${fmt(percentile(xs, 95))}`;
    console.log(
      `    ${label}, p50/p95 ms: POST → session row ${p(b.toRow)}; → worker picks the job ${p(b.toPicked)}; → running (claim, browser, initial page, mark) ${p(b.toRunning)}; → 201 ${p(b.toAnswer)}`,
    );
  };

  /** Sequential creates, each deleted before the next; paced = wait for the warm pool to refill first. */
  const sequentialCreates = async (n: number, paced: boolean, body?: Record<string, unknown>): Promise<Created[]> => {
    const out: Created[] = [];
    for (let i = 0; i < n; i += 1) {
      if (paced) await untilWarm();
      const c = await create(body);
      out.push(c);
      await destroy([c.agent]);
    }
    return out;
  };
  const concurrentCreates = async (rounds: number): Promise<Created[]> => {
    const out: Created[] = [];
    for (let r = 0; r < rounds; r += 1) {
      await untilWarm();
      const round = await Promise.all(Array.from({ length: AT_ONCE }, () => create()));
      out.push(...round);
      await destroy(round.map((c) => c.agent));
    }
    return out;
  };

  console.log(`\nbench/agents: one API and one worker process (WORKER_AGENT_SLOTS=${SLOTS}, AGENT_WARM_POOL=${WARM_POOL}), fixture site ${site.origin}, ${chromiumPath}`);
  console.log(`load average at start: ${loadavg().map((l) => fmt(l, 1)).join(" ")} (2 cores: anything else running shows in every number)`);
  await untilWarm();
  // Warm-up: JIT, connection pools, the first launch plan; not measured.
  await sequentialCreates(2, true);

  console.log(`\n1. provision: POST /v1/agents → 201 (initial_url = fixture page unless said)`);
  const paced = await sequentialCreates(CREATES, true);
  record(`sequential, warm browser ready (pool ${WARM_POOL})`, paced.map((c) => c.ms));
  await printBreakdown("sequential warm", paced);
  const blank = await sequentialCreates(Math.max(5, Math.floor(CREATES / 2)), true, {});
  record(`sequential, warm, no initial_url (about:blank)`, blank.map((c) => c.ms));
  await printBreakdown("sequential warm about:blank", blank);
  await untilWarm();
  const backToBack = await sequentialCreates(CREATES, false);
  record(`sequential back-to-back (no wait for the pool refill)`, backToBack.map((c) => c.ms));
  await printBreakdown("back-to-back", backToBack);
  const atOnce = await concurrentCreates(ROUNDS);
  record(`${AT_ONCE} at once × ${ROUNDS} rounds (1 warm, ${AT_ONCE - WARM_POOL} launched)`, atOnce.map((c) => c.ms));
  await printBreakdown(`${AT_ONCE} at once`, atOnce);

  console.log(`\n   baseline: Chromium spawned here directly (about:blank), Playwright attached, page.goto(fixture) until load: the worker's steps`);
  const localLaunch: number[] = [];
  const localLaunchAttach: number[] = [];
  const launchAttachGoto = async (): Promise<void> => {
    const started = performance.now();
    const local = await launchLocalChromium(chromiumPath, TEST_CHROMIUM_ARGS);
    localLaunch.push(local.launchMs);
    try {
      const attached = await attachFirstPage(local.wsUrl);
      await attached.page.goto(initialUrl, { waitUntil: "load" });
      localLaunchAttach.push(performance.now() - started);
      await attached.browser.close();
    } finally {
      await local.close();
    }
  };
  for (let i = 0; i < CREATES; i += 1) await launchAttachGoto();
  const localLaunch1 = localLaunch.splice(0);
  const localLaunchAttach1 = localLaunchAttach.splice(0);
  record(`local launch (spawn → "DevTools listening"), sequential`, localLaunch1);
  record(`local launch + attach + goto, sequential`, localLaunchAttach1);
  for (let r = 0; r < ROUNDS; r += 1) await Promise.all(Array.from({ length: AT_ONCE }, launchAttachGoto));
  const localLaunch4 = localLaunch.splice(0);
  const localLaunchAttach4 = localLaunchAttach.splice(0);
  record(`local launch, ${AT_ONCE} at once × ${ROUNDS}`, localLaunch4);
  record(`local launch + attach + goto, ${AT_ONCE} at once × ${ROUNDS}`, localLaunchAttach4);

  console.log(`\n2. attach: connectOverCDP(cdp_url) → contexts()[0].pages()[0].evaluate('1')`);
  await untilWarm();
  const agents = (await Promise.all(Array.from({ length: AT_ONCE }, () => create()))).map((c) => c.agent);
  const attachOne: number[] = [];
  for (let i = 0; i < CREATES; i += 1) {
    const a = await attachFirstPage(agents[0]!.cdp_url);
    attachOne.push(a.ms);
    await a.browser.close();
  }
  record(`gateway, 1 client`, attachOne);
  const attachFour: number[] = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    const round = await Promise.all(agents.map((a) => attachFirstPage(a.cdp_url)));
    attachFour.push(...round.map((a) => a.ms));
    await Promise.all(round.map((a) => a.browser.close()));
  }
  record(`gateway, ${AT_ONCE} clients at once (one per agent)`, attachFour);
  // The agent's own Chromium without the gateway and relay: its DevTools port on loopback.
  const agentPids = await Promise.all(agents.map((a) => pidOf(a.session_id)));
  const agentDirect = agentPids.map(devtoolsEndpointOf);
  const attachAgentDirect: number[] = [];
  for (let i = 0; i < CREATES; i += 1) {
    const a = await attachFirstPage(agentDirect[0]!);
    attachAgentDirect.push(a.ms);
    await a.browser.close();
  }
  record(`same agent Chromium, straight to its DevTools port, 1 client`, attachAgentDirect);
  for (let i = 0; i < AT_ONCE; i += 1) locals.push(await launchLocalChromium(chromiumPath, TEST_CHROMIUM_ARGS, initialUrl));
  // Let them finish starting (renderers, first load) so they idle like the agents do.
  await new Promise((r) => setTimeout(r, 3_000));
  const attachLocalOne: number[] = [];
  for (let i = 0; i < CREATES; i += 1) {
    const a = await attachFirstPage(locals[0]!.wsUrl);
    attachLocalOne.push(a.ms);
    await a.browser.close();
  }
  record(`baseline: local Chromium, 1 client`, attachLocalOne);
  const attachLocalFour: number[] = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    const round = await Promise.all(locals.map((l) => attachFirstPage(l.wsUrl)));
    attachLocalFour.push(...round.map((a) => a.ms));
    await Promise.all(round.map((a) => a.browser.close()));
  }
  record(`baseline: local Chromium, ${AT_ONCE} clients at once`, attachLocalFour);

  console.log(`\n5. CDP round trip: ${EVALS} sequential Runtime.evaluate("1+1") over a CDP session (Playwright newCDPSession), 2 interleaved passes`);
  const rtt = { gateway: [] as number[], agentDirect: [] as number[], local: [] as number[] };
  const viaGateway = await attachFirstPage(agents[0]!.cdp_url);
  const viaAgentPort = await attachFirstPage(agentDirect[0]!);
  const viaLocal = await attachFirstPage(locals[0]!.wsUrl);
  for (let pass = 0; pass < 2; pass += 1) {
    rtt.gateway.push(...(await evaluateRoundTrips(viaGateway.page, EVALS / 2)));
    rtt.agentDirect.push(...(await evaluateRoundTrips(viaAgentPort.page, EVALS / 2)));
    rtt.local.push(...(await evaluateRoundTrips(viaLocal.page, EVALS / 2)));
  }
  await Promise.all([viaGateway.browser.close(), viaAgentPort.browser.close(), viaLocal.browser.close()]);
  record(`Playwright, through the gateway (API → worker relay → Chromium)`, rtt.gateway);
  record(`Playwright, same agent Chromium, straight to its DevTools port`, rtt.agentDirect);
  record(`Playwright, baseline: local Chromium, direct`, rtt.local);
  // The same with a bare ws client (JSON by hand), and the websocket open (upgrade) itself.
  const raw = { gateway: [] as number[], agentDirect: [] as number[], local: [] as number[] };
  const opens = { gateway: [] as number[], agentDirect: [] as number[], local: [] as number[] };
  const endpoints = { gateway: agents[0]!.cdp_url, agentDirect: agentDirect[0]!, local: locals[0]!.wsUrl };
  for (let pass = 0; pass < 2; pass += 1) {
    for (const key of ["gateway", "agentDirect", "local"] as const) {
      const client = await rawCdp(endpoints[key]);
      opens[key].push(client.openMs);
      raw[key].push(...(await client.roundTrips(EVALS / 2)));
      client.close();
    }
  }
  for (let i = 0; i < 8; i += 1) {
    for (const key of ["gateway", "agentDirect", "local"] as const) {
      const client = await rawCdp(endpoints[key]);
      opens[key].push(client.openMs);
      client.close();
    }
  }
  record(`raw ws, through the gateway`, raw.gateway);
  record(`raw ws, same agent Chromium, its DevTools port`, raw.agentDirect);
  record(`raw ws, baseline: local Chromium`, raw.local);
  record(`websocket open (upgrade → 101), through the gateway`, opens.gateway);
  record(`websocket open, same agent Chromium, its DevTools port`, opens.agentDirect);
  record(`websocket open, baseline: local Chromium`, opens.local);

  console.log(`\n4. memory per idle agent: PSS of the Chromium tree (browser_pid and its descendants), no client attached, page = fixture home`);
  // Only the agents (and the worker's warm browser) run while the agents are read; only the local ones (and the warm one) while they are.
  await Promise.all(locals.splice(0).map((l) => l.close()));
  await new Promise((r) => setTimeout(r, 3_000));
  const agentPss = agentPids.map(pssKibOfTree);
  const warmPids = descendantsOf(worker.child.pid!)
    .filter((p) => p.cmdline.includes("/browserfleet-agents/") && !p.cmdline.includes("--type=") && !agentPids.includes(p.pid))
    .map((p) => p.pid);
  const warmPss = warmPids.map(pssKibOfTree);
  await destroy(agents);
  for (let i = 0; i < AT_ONCE; i += 1) locals.push(await launchLocalChromium(chromiumPath, TEST_CHROMIUM_ARGS, initialUrl));
  await new Promise((r) => setTimeout(r, 3_000));
  const localPss = locals.map((l) => pssKibOfTree(l.pid));
  await Promise.all(locals.splice(0).map((l) => l.close()));
  const mib = (xs: { kib: number; processes: number }[]): string => `${fmt(mean(xs.map((x) => x.kib)) / 1024, 1)} MiB (${xs.map((x) => fmt(x.kib / 1024, 0)).join(", ")}; ${fmt(mean(xs.map((x) => x.processes)), 1)} processes each)`;
  console.log(`  agent (${agentPss.length} idle, fixture page): ${mib(agentPss)}`);
  if (warmPss.length > 0) console.log(`  warm blank agent browser (${warmPss.length}): ${mib(warmPss)}`);
  console.log(`  baseline: local Chromium (${localPss.length} idle, same page): ${mib(localPss)}`);

  let cold: Created[] = [];
  let cold4: Created[] = [];
  let coldLaunchMs: number[] = [];
  if (values.pool0 === "true") {
    console.log(`\n1b. provision with AGENT_WARM_POOL=0 (every create launches its Chromium)`);
    await worker.stop("SIGTERM");
    worker = await s.startWorker({ AGENT_WARM_POOL: "0" });
    launches = new LaunchCounter(worker);
    consumed = 0;
    pool = 0;
    await sequentialCreates(1, false);
    cold = await sequentialCreates(Math.max(5, Math.floor(CREATES / 2)), false);
    record(`sequential, pool 0`, cold.map((c) => c.ms));
    await printBreakdown("pool 0 sequential", cold);
    cold4 = await concurrentCreates(Math.max(2, Math.floor(ROUNDS / 2) + 1));
    record(`${AT_ONCE} at once, pool 0`, cold4.map((c) => c.ms));
    await printBreakdown(`${AT_ONCE} at once pool 0`, cold4);
    coldLaunchMs = launches.launchMs;
    for (const plan of launches.sandbox) launchPlans.add(plan);
    console.log(`    worker's own "agent chromium launched" launchMs: ${`p50 ${fmt(percentile(coldLaunchMs, 50))} / p95 ${fmt(percentile(coldLaunchMs, 95))}`} ms (n=${coldLaunchMs.length})`);
  }

  // The summary table, with the issue's goals.
  const g = stats(paced.map((c) => c.ms));
  const b2b = stats(backToBack.map((c) => c.ms));
  const rttG = percentile(rtt.gateway, 50);
  const rttD = percentile(rtt.agentDirect, 50);
  const rttL = percentile(rtt.local, 50);
  const yes = (ok: boolean): string => (ok ? "met" : "NOT met");
  console.log(`\nsummary (ms)                                   p50      p95     mean`);
  const line = (name: string, xs: number[]): void => {
    const x = stats(xs);
    console.log(`  ${name.padEnd(42)} ${fmt(x.p50).padStart(7)} ${fmt(x.p95).padStart(8)} ${fmt(x.mean).padStart(8)}`);
  };
  line("provision, sequential, warm pool", paced.map((c) => c.ms));
  line("provision, sequential back-to-back", backToBack.map((c) => c.ms));
  line(`provision, ${AT_ONCE} at once`, atOnce.map((c) => c.ms));
  if (cold.length > 0) line("provision, sequential, pool 0", cold.map((c) => c.ms));
  if (cold4.length > 0) line(`provision, ${AT_ONCE} at once, pool 0`, cold4.map((c) => c.ms));
  line("local Chromium launch (baseline)", localLaunch1);
  line("local launch + attach + goto (baseline)", localLaunchAttach1);
  line(`local launch + attach + goto, ${AT_ONCE} at once`, localLaunchAttach4);
  line("attach via gateway, 1", attachOne);
  line(`attach via gateway, ${AT_ONCE} at once`, attachFour);
  line("attach local Chromium, 1 (baseline)", attachLocalOne);
  line(`attach local Chromium, ${AT_ONCE} at once (baseline)`, attachLocalFour);
  console.log(`  CDP round trip p50 (Playwright): gateway ${fmt(rttG, 3)}, agent's port direct ${fmt(rttD, 3)}, local Chromium ${fmt(rttL, 3)}`);
  const rawG = percentile(raw.gateway, 50);
  const rawD = percentile(raw.agentDirect, 50);
  const rawL = percentile(raw.local, 50);
  console.log(`  CDP round trip p50 (raw ws):     gateway ${fmt(rawG, 3)}, agent's port direct ${fmt(rawD, 3)}, local Chromium ${fmt(rawL, 3)}`);
  console.log(`  memory per idle agent (PSS): ${fmt(mean(agentPss.map((x) => x.kib)) / 1024, 1)} MiB; local Chromium ${fmt(mean(localPss.map((x) => x.kib)) / 1024, 1)} MiB`);
  console.log(`  agent Chromium launch plan(s): ${[...launchPlans].join(", ")}`);
  console.log(`  load average at the end: ${loadavg().map((l) => fmt(l, 1)).join(" ")}`);
  console.log(`\ngoals (issue 13, this 2-core machine):`);
  console.log(`  provision p50 ≤ 800 ms:  warm ${fmt(g.p50)} ms ${yes(g.p50 <= 800)}; back-to-back ${fmt(b2b.p50)} ms ${yes(b2b.p50 <= 800)}`);
  console.log(`  provision p95 ≤ 1200 ms: warm ${fmt(g.p95)} ms ${yes(g.p95 <= 1200)}; back-to-back ${fmt(b2b.p95)} ms ${yes(b2b.p95 <= 1200)}`);
  console.log(`  (hosted anchor: 890 ms mean, 1090 ms p95; here warm mean ${fmt(g.mean)} ms, back-to-back mean ${fmt(b2b.mean)} ms)`);
  console.log(
    `  gateway overhead ≤ 1 ms p50 (Playwright): ${fmt(rttG - rttD, 3)} ms over the same Chromium's own port ${yes(rttG - rttD <= 1)}; ${fmt(rttG - rttL, 3)} ms over a local Chromium ${yes(rttG - rttL <= 1)}`,
  );
  console.log(`  gateway overhead ≤ 1 ms p50 (raw ws):     ${fmt(rawG - rawD, 3)} ms over the same Chromium's own port ${yes(rawG - rawD <= 1)}; ${fmt(rawG - rawL, 3)} ms over a local Chromium ${yes(rawG - rawL <= 1)}`);
} finally {
  await agentQueue?.close();
  await Promise.all(locals.map((l) => l.close()));
  await stack?.stop();
  await site.close();
  // Finished agent jobs stay in Redis for an hour: remove this run's keys.
  const redis = createRedisConnection(redisUrl, { connectionName: "bench-agents-cleanup" });
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
