import { afterAll, beforeAll, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { grantCredits, setWorkspaceMaxConcurrency } from "@browserfleet/db";
import type { AppProcess } from "../support/app-process.ts";
import { startHeldPageSite, type HeldPageSite } from "../support/held-page-site.ts";
import { apiClient } from "../support/http-client.ts";
import { allResults, balanceAndLedger, waitForJob, waitUntil } from "../support/job-polling.ts";
import { scrapeMetrics, valueOf } from "../support/scrape-metrics.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// Issue 16, acceptance 4: the fleet scaled with real processes. One API and worker processes that join and leave
// while a large batch of light pages runs, then agents placed across the workers and one worker drained under them.
// Each worker renders 2 pages at once and the workspace may have 5 in flight: 1 worker → 2, 2 → 4, 3 → 5 (where
// 6 would run if admission did not hold the workspace's cap across processes). Each worker hosts 1 agent and keeps
// no warm agent browser (part 1 needs none).
const PAGES = 200;
const HOLD_MS = 300;
const WORKER_SLOTS = 2;
const WORKSPACE_LIMIT = 5;

type Agent = { id: string; status: string; cdp_url: string; session_id: string; cost_credits: number; ended_reason: string | null; ended_at: string | null };

let stack: TestStack;
let site: HeldPageSite;

beforeAll(async () => {
  [stack, site] = await Promise.all([
    startTestStack({ workers: 1, env: { WORKER_CONCURRENCY: String(WORKER_SLOTS), WORKER_AGENT_SLOTS: "1", AGENT_WARM_POOL: "0" } }),
    startHeldPageSite(),
  ]);
});

afterAll(async () => {
  await stack?.stop();
  await site?.close();
});

const isAlive = (w: AppProcess): boolean => w.child.exitCode === null && w.child.signalCode === null;

/** Resolves with the exit code and when the process exited, once its output is all read; attach before the signal. */
function exitOf(w: AppProcess): Promise<{ code: number | null; at: number }> {
  let at = 0;
  w.child.once("exit", () => (at = Date.now()));
  return new Promise((resolve) => w.child.once("close", (code) => resolve({ code, at })));
}

/** This worker's pages rendering now, from its own /metrics. */
const pagesInFlight = async (w: AppProcess): Promise<number> => valueOf(await scrapeMetrics(`http://127.0.0.1:${w.port}`), "browserfleet_pages_in_flight");

/** The pages a worker wrote, from its "page rendered" log lines. */
function renderedBy(w: AppProcess): { itemId: string; url: string; at: number }[] {
  return w.logs.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { msg?: string; item_id?: string; url?: string; time?: string };
      return entry.msg === "page rendered" && entry.item_id && entry.url ? [{ itemId: entry.item_id, url: entry.url, at: Date.parse(entry.time ?? "") }] : [];
    } catch {
      return [];
    }
  });
}

/** Every agent's ledger entries sum to minus what it cost (reservation taken, the unused part released), and the workspace's ledger to its balance. */
async function expectAgentCredits(workspaceId: string, agents: Agent[]): Promise<void> {
  for (const agent of agents) {
    const sum = await stack.prisma.creditLedgerEntry.aggregate({ where: { agentId: agent.id }, _sum: { delta: true } });
    expect(sum._sum.delta ?? 0, `ledger of ${agent.id}`).toBe(-agent.cost_credits);
    expect(agent.cost_credits).toBeGreaterThanOrEqual(1);
  }
  const { balance, ledgerSum } = await balanceAndLedger(stack.prisma, workspaceId);
  expect(ledgerSum).toBe(balance);
  expect(balance).toBe(100 - agents.reduce((n, a) => n + a.cost_credits, 0));
}

it("a batch runs on 1, then 2, then 3 workers, one drained mid-batch: every page once, the workspace cap held, the drained worker finishes its pages first", async () => {
  const { apiKey, workspaceId } = await stack.newWorkspace("scaling");
  await setWorkspaceMaxConcurrency(stack.prisma, workspaceId, WORKSPACE_LIMIT);
  await grantCredits(stack.prisma, { workspaceId, amount: PAGES });
  const client = apiClient(stack.apiUrl, apiKey);
  const urls = Array.from({ length: PAGES }, (_, i) => `${site.origin}/held?ms=${HOLD_MS}&i=${i}`);
  const submitted = await client.post("/v1/quick/batch", { urls, formats: ["text"], timeout_ms: 60_000 });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  const jobId = submitted.body.job_id as string;
  const phases: { label: string; from: number }[] = [{ label: "1 worker", from: Date.now() }];

  // Progress from Postgres, so polling it costs none of the workspace's request rate.
  const finished = () => stack.prisma.jobItem.count({ where: { jobId, status: { in: ["completed", "failed"] } } });
  const moreFinished = async (n: number, what: string): Promise<void> => {
    const target = (await finished()) + n;
    await waitUntil(async () => (await finished()) >= target, 90_000, what);
  };

  await moreFinished(15, "15 pages on one worker");
  const [first] = stack.workers as [AppProcess];
  const second = await stack.startWorker();
  phases.push({ label: "2 workers", from: Date.now() });
  await moreFinished(25, "25 more pages on two workers");
  const third = await stack.startWorker();
  phases.push({ label: "3 workers", from: Date.now() });
  await moreFinished(30, "30 more pages on three workers");

  // The middle worker, told to stop while it renders.
  let renderingAtSigterm = 0;
  // A loaded machine once took over 30 s here; the message says what the fleet was doing if it never happens.
  await waitUntil(async () => (renderingAtSigterm = await pagesInFlight(second)) > 0, 90_000, "the second worker rendering").catch(async (err: Error) => {
    const inFlight = await Promise.all([first, second, third].map((w) => pagesInFlight(w).catch((e: Error) => e.message)));
    const rendered = [first, second, third].map((w) => renderedBy(w).length);
    throw new Error(`${err.message}: ${await finished()} of ${PAGES} finished; in flight per worker ${JSON.stringify(inFlight)}; rendered per worker ${JSON.stringify(rendered)}; alive ${JSON.stringify([first, second, third].map(isAlive))}`);
  });
  const exited = exitOf(second);
  const sigtermAt = Date.now();
  second.child.kill("SIGTERM");
  phases.push({ label: "2 workers (one drained)", from: sigtermAt });
  const inFlightAtSigterm = site.inFlight();

  const done = await waitForJob(client, jobId, { timeoutMs: 120_000 });
  const { code, at: exitedAt } = await exited;

  // Throughput per phase, from when Postgres recorded each page finished (reported, never asserted).
  const items = await stack.prisma.jobItem.findMany({ where: { jobId }, select: { id: true, url: true, status: true, attempt: true, startedAt: true, completedAt: true } });
  const lastAt = Math.max(...items.map((i) => i.completedAt?.getTime() ?? 0));
  const perPhase = phases.map((phase, n) => {
    const to = phases[n + 1]?.from ?? lastAt;
    const pages = items.filter((i) => i.completedAt && i.completedAt.getTime() >= phase.from && i.completedAt.getTime() < to).length;
    const seconds = Math.max(0.001, (to - phase.from) / 1000);
    return `${phase.label}: ${pages} pages in ${seconds.toFixed(1)} s = ${(pages / seconds).toFixed(1)} pages/s`;
  });
  const drainedIds = new Set(renderedBy(second).map((r) => r.itemId));
  const drainedItems = items.filter((i) => drainedIds.has(i.id));
  const startedAfterSigterm = drainedItems.filter((i) => i.startedAt && i.startedAt.getTime() > sigtermAt).length;
  const byWorker = [first, second, third].map((w, n) => `worker ${n + 1}: ${renderedBy(w).length}`).join(", ");
  console.log(
    `fleet scaling, ${PAGES} pages held ${HOLD_MS} ms, ${WORKER_SLOTS} slots per worker, workspace cap ${WORKSPACE_LIMIT}:\n  ${perPhase.join("\n  ")}\n` +
      `  pages per worker: ${byWorker}; most in flight at the site: ${site.maxInFlight()}; in flight at the SIGTERM: ${inFlightAtSigterm}\n` +
      `  drained worker: ${renderingAtSigterm} rendering at its SIGTERM, ${renderedBy(second).filter((r) => r.at >= sigtermAt).length} written after it ` +
      `(${startedAfterSigterm} of them started after it), exit ${exitedAt - sigtermAt} ms after it`,
  );

  // Every URL exactly once: one result each, in order, each its own page; each rendered once (no second attempt, one load at the site).
  expect(done).toMatchObject({ status: "completed", progress_done: PAGES, progress_failed: 0, progress_total: PAGES, credits_charged: PAGES });
  const results = await allResults(client, jobId);
  expect(results.map((r) => r.url)).toEqual(urls);
  expect(results.filter((r) => r.status !== "completed").map((r) => `${r.url}: ${r.error_code}`)).toEqual([]);
  expect(results.map((r) => r.title)).toEqual(urls.map((u) => `Held ${new URL(u).search}`));
  expect(items).toHaveLength(PAGES);
  expect(items.filter((i) => i.status !== "completed" || i.attempt !== 1)).toEqual([]);
  expect(await stack.prisma.jobItemPayload.count({ where: { item: { jobId } } })).toBe(PAGES);
  const loads = new Map<string, number>();
  for (const r of site.requests()) loads.set(r.url, (loads.get(r.url) ?? 0) + 1);
  expect([...loads.values()].filter((n) => n !== 1)).toEqual([]);
  expect([...loads.keys()].sort()).toEqual(urls.map((u) => `/held${new URL(u).search}`).sort());
  // Each page written by exactly one worker.
  const writers = [first, second, third].flatMap((w) => renderedBy(w).map((r) => r.itemId));
  expect(writers.sort()).toEqual(items.map((i) => i.id).sort());

  // The workspace's cap held across three processes that together had room for more.
  expect(WORKER_SLOTS * 3).toBeGreaterThan(WORKSPACE_LIMIT);
  expect(site.maxInFlight()).toBeLessThanOrEqual(WORKSPACE_LIMIT);

  // Charged one credit a page, the rest of the reservation released; the ledger agrees with the balance.
  const { balance, ledgerSum } = await balanceAndLedger(stack.prisma, workspaceId);
  expect(balance).toBe(100 + PAGES - PAGES);
  expect(ledgerSum).toBe(balance);
  expect((await client.get<{ balance: number }>("/v1/credits")).body.balance).toBe(balance);

  // The drained worker: it finished what it was rendering (written, never handed back: every attempt is 1), wrote
  // all of it before it exited, and exited 0 on its own, not at the shutdown deadline.
  expect(code).toBe(0);
  expect(second.logs.some((l) => l.includes("shutdown complete"))).toBe(true);
  expect(renderedBy(second).filter((r) => r.at >= sigtermAt).length).toBeGreaterThan(0);
  for (const item of drainedItems) expect(item.completedAt!.getTime()).toBeLessThanOrEqual(exitedAt);
  expect([first, third].every(isAlive)).toBe(true);
});

it("agents are placed across workers (one slot each); a drained worker's agent serves its client through the drain, then ends worker_lost; the rest go on", async () => {
  // Three live workers: the two the batch above left, and one more.
  while (stack.workers.filter(isAlive).length < 3) await stack.startWorker();
  const live = stack.workers.filter(isAlive);
  expect(live).toHaveLength(3);
  const { apiKey, workspaceId } = await stack.newWorkspace("agents");
  const client = apiClient(stack.apiUrl, apiKey);
  const create = () => client.post<Agent>("/v1/agents", { ttl_seconds: 600, idle_timeout_seconds: 600, startup_timeout_seconds: 60 });
  const hostOf = async (agent: Agent): Promise<AppProcess | undefined> => {
    const session = await stack.prisma.agentSession.findUniqueOrThrow({ where: { id: agent.session_id } });
    return stack.workers.find((w) => session.workerUrl?.endsWith(`:${w.port}`));
  };

  // Three agents, more than any one worker holds: one on each worker.
  const created = await Promise.all([create(), create(), create()]);
  expect(created.map((c) => c.status), JSON.stringify(created.map((c) => c.body))).toEqual([201, 201, 201]);
  const agents = created.map((c) => c.body);
  const hosts = await Promise.all(agents.map(hostOf));
  expect(hosts.every((h) => h !== undefined && live.includes(h))).toBe(true);
  expect(new Set(hosts).size).toBe(3);

  const browsers: Browser[] = [];
  try {
    const pages: Page[] = [];
    for (const [n, agent] of agents.entries()) {
      const browser = await chromium.connectOverCDP(agent.cdp_url);
      browsers.push(browser);
      const page = browser.contexts()[0]!.pages()[0]!;
      await page.goto(`${site.origin}/agent/${n}`);
      expect(await page.title()).toBe(`Page /agent/${n}`);
      pages.push(page);
    }

    // Drain the first agent's worker: the agent still answers its client meanwhile, then it ends worker_lost and the client is closed.
    const [drained, ...kept] = agents as [Agent, Agent, Agent];
    const drainedHost = hosts[0]!;
    const disconnected = new Promise<void>((resolve) => browsers[0]!.on("disconnected", () => resolve()));
    const exited = exitOf(drainedHost);
    const sigtermAt = Date.now();
    drainedHost.child.kill("SIGTERM");
    expect(await pages[0]!.evaluate(() => document.title)).toBe("Page /agent/0");
    await disconnected;
    const { code, at: exitedAt } = await exited;
    console.log(`agent drain: the client was closed and the worker exited 0 ${exitedAt - sigtermAt} ms after its SIGTERM`);
    expect(code).toBe(0);
    const ended = (await client.get<Agent>(`/v1/agents/${drained.id}`)).body;
    expect(ended).toMatchObject({ status: "destroyed", ended_reason: "worker_lost" });
    expect(Date.parse(ended.ended_at!)).toBeLessThanOrEqual(exitedAt);

    // The others were not touched: running, on live workers, still driven.
    for (const [n, agent] of kept.entries()) {
      expect((await client.get<Agent>(`/v1/agents/${agent.id}`)).body.status).toBe("running");
      expect(await pages[n + 1]!.evaluate(() => document.title)).toBe(`Page /agent/${n + 1}`);
    }
    const running = await stack.prisma.agentSession.findMany({ where: { status: "running" }, select: { workerUrl: true } });
    expect(running).toHaveLength(2);
    for (const s of running) expect(stack.workers.filter(isAlive).some((w) => s.workerUrl?.endsWith(`:${w.port}`))).toBe(true);

    // A slot freed on a live worker takes the next agent there; nothing is placed on the drained one.
    expect((await client.call("DELETE", `/v1/agents/${kept[0].id}`)).status).toBe(204);
    const again = await create();
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(await hostOf(again.body)).toBe(hosts[1]);
    for (const agent of [kept[1], again.body]) expect((await client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);

    // Every agent ended, none left running anywhere, each charged what it shows.
    const final = await Promise.all([...agents, again.body].map(async (a) => (await client.get<Agent>(`/v1/agents/${a.id}`)).body));
    expect(final.map((a) => a.status)).toEqual(["destroyed", "destroyed", "destroyed", "destroyed"]);
    expect(final.map((a) => a.ended_reason)).toEqual(["worker_lost", "client", "client", "client"]);
    expect(await stack.prisma.agentSession.count({ where: { workspaceId, status: { in: ["queued", "running"] } } })).toBe(0);
    await expectAgentCredits(workspaceId, final);
  } finally {
    await Promise.all(browsers.map((b) => b.close().catch(() => undefined)));
  }
});
