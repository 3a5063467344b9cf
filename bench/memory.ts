// Memory of each process, to size the Kubernetes requests and limits (infra/k8s): the worker's whole
// process tree (Node + every Chromium below it) idle, while pages render, and with agents running;
// the API and the dispatcher idle. RSS (what `ps` shows, shared pages counted in every process) and
// PSS (shared pages split: the sum is close to what the container's cgroup is charged). Prints a table.
//   npm run bench:memory -- [--concurrency 4] [--agent-slots 2] [--hold-ms 1500] [--source tsx|dist]
import { readFileSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createPrismaClient, createWorkspace, grantCredits } from "@browserfleet/db";
import { createTemporaryDatabase } from "@browserfleet/db/testing";
import { repoRoot, startApp, type AppLaunch, type AppProcess } from "../test/support/app-process.ts";
import { descendantsOf } from "../test/support/process-tree.ts";
import { localFleetEnv } from "../test/support/test-stack.ts";
import { pssKibOfTree } from "./agents-local.ts";
import { fmt } from "./stats.ts";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "4" },
    "agent-slots": { type: "string", default: "2" },
    "hold-ms": { type: "string", default: "1500" },
    source: { type: "string", default: "dist" },
  },
});
const CONCURRENCY = Number(values.concurrency);
const AGENT_SLOTS = Number(values["agent-slots"]);
const HOLD_MS = Number(values["hold-ms"]);
const ROUNDS = 3;

/** The compiled app (what the image runs) when it is built, else its sources through tsx. */
function launchOf(name: "api" | "worker" | "dispatcher"): AppLaunch | undefined {
  const built = join("apps", name, "dist", "main.js");
  if (values.source === "dist" && existsSync(join(repoRoot, built))) return { args: ["--enable-source-maps", built], cwd: repoRoot };
  return undefined;
}

/** A ~20 KB page whose `load` waits HOLD_MS for an image: the document is parsed and laid out while it holds. */
function startHoldingSite(): Promise<{ origin: string; close: () => Promise<void> }> {
  const rows = Array.from({ length: 40 }, (_, i) => `<li><a href="/hold/${i}">Link ${i}</a> ${"lorem ipsum dolor sit amet ".repeat(12)}</li>`).join("");
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/img")) {
      const timer = setTimeout(() => res.writeHead(200, { "content-type": "image/svg+xml" }).end('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), HOLD_MS);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Hold</title></head><body><h1>Holding page</h1><img src="/img?${Math.random()}"><ul>${rows}</ul></body></html>`);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

interface TreeMemory {
  rssMib: number;
  pssMib: number;
  processes: number;
}

function rssKibOf(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0; // exited while being read
  }
}

function treeMemory(pid: number): TreeMemory {
  const rssKib = [pid, ...descendantsOf(pid).map((d) => d.pid)].reduce((sum, p) => sum + rssKibOf(p), 0);
  const pss = pssKibOfTree(pid);
  return { rssMib: rssKib / 1024, pssMib: pss.kib / 1024, processes: pss.processes };
}

/** Samples the tree every 100 ms while `work` runs; answers the sample with the highest PSS. */
async function peakDuring(pid: number, work: Promise<unknown>): Promise<TreeMemory> {
  let peak = treeMemory(pid);
  let done = false;
  const finished = work.finally(() => (done = true));
  while (!done) {
    const now = treeMemory(pid);
    if (now.pssMib > peak.pssMib) peak = now;
    await new Promise((r) => setTimeout(r, 100));
  }
  await finished;
  return peak;
}

const settle = (ms = 1_500): Promise<void> => new Promise((r) => setTimeout(r, ms));

const site = await startHoldingSite();
const database = await createTemporaryDatabase();
const prisma = createPrismaClient(database.url);
const env = {
  ...localFleetEnv({ databaseUrl: database.url, redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" }),
  WORKER_CONCURRENCY: String(CONCURRENCY),
  WORKER_AGENT_SLOTS: String(AGENT_SLOTS),
  // As infra/k8s sets it: one blank browser kept started for the next agent.
  AGENT_WARM_POOL: "1",
  AGENT_CREATES_PER_MINUTE: "10000",
  NODE_ENV: "production",
};
const apps: AppProcess[] = [];
const rows: [string, TreeMemory][] = [];
try {
  const launched = await Promise.allSettled((["api", "worker", "dispatcher"] as const).map((name) => startApp(name, env, 60_000, launchOf(name))));
  for (const l of launched) if (l.status === "fulfilled") apps.push(l.value);
  const failed = launched.find((l) => l.status === "rejected");
  if (failed) throw failed.reason;
  const [api, worker, dispatcher] = apps as [AppProcess, AppProcess, AppProcess];
  const apiUrl = `http://127.0.0.1:${api.port}`;
  const workerPid = worker.child.pid!;
  const { workspace, apiKey } = await createWorkspace(prisma, { name: "bench-memory" });
  await grantCredits(prisma, { workspaceId: workspace.id, amount: 10_000_000 });
  await prisma.workspace.update({ where: { id: workspace.id }, data: { maxAgents: 100 } });
  const headers = { "x-api-key": apiKey.key, "content-type": "application/json" };
  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${apiUrl}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };

  console.log(`\nbench/memory: api, worker (WORKER_CONCURRENCY=${CONCURRENCY}, WORKER_AGENT_SLOTS=${AGENT_SLOTS}, AGENT_WARM_POOL=1), dispatcher; ${launchOf("worker") ? "compiled dist/main.js" : "sources through tsx"}`);
  await settle(3_000);
  rows.push(["api idle", treeMemory(api.child.pid!)], ["dispatcher idle", treeMemory(dispatcher.child.pid!)]);
  rows.push(["worker idle (page browser + 1 warm agent)", treeMemory(workerPid)]);

  // Each round: CONCURRENCY sync scrapes at once, each page holding HOLD_MS; the first round also launches the page browser.
  let pagePeak: TreeMemory | undefined;
  for (let round = 0; round < ROUNDS; round += 1) {
    const batch = Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => post("/v1/quick/scrape", { url: `${site.origin}/hold/${round}-${i}`, formats: ["html", "screenshot"] })));
    const peak = await peakDuring(workerPid, batch);
    if (pagePeak === undefined || peak.pssMib > pagePeak.pssMib) pagePeak = peak;
  }
  rows.push([`worker, ${CONCURRENCY} pages rendering (peak)`, pagePeak!]);
  await settle();
  rows.push(["worker idle after pages", treeMemory(workerPid)]);

  const agents: string[] = [];
  for (let n = 1; n <= AGENT_SLOTS; n += 1) {
    const agent = await post("/v1/agents", { initial_url: `${site.origin}/hold/agent-${n}` });
    agents.push(String(agent.id));
    await settle(2_500); // the initial page's image, and the warm pool's refill launch
    rows.push([`worker, ${n} agent(s) running + warm spare`, treeMemory(workerPid)]);
  }
  const both = Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => post("/v1/quick/scrape", { url: `${site.origin}/hold/mixed-${i}`, formats: ["html", "screenshot"] })));
  rows.push([`worker, ${AGENT_SLOTS} agents + ${CONCURRENCY} pages (peak)`, await peakDuring(workerPid, both)]);
  for (const id of agents) await fetch(`${apiUrl}/v1/agents/${id}`, { method: "DELETE", headers });
  rows.push(["api after the run", treeMemory(api.child.pid!)], ["dispatcher after the run", treeMemory(dispatcher.child.pid!)]);

  console.log(`\n${"what".padEnd(44)} ${"RSS MiB".padStart(9)} ${"PSS MiB".padStart(9)} ${"procs".padStart(6)}`);
  for (const [what, m] of rows) console.log(`${what.padEnd(44)} ${fmt(m.rssMib).padStart(9)} ${fmt(m.pssMib).padStart(9)} ${String(m.processes).padStart(6)}`);
  const idle = rows.find(([w]) => w.startsWith("worker idle after"))![1];
  const oneAgent = rows.find(([w]) => w.startsWith("worker, 1 agent"))![1];
  console.log(`\nper page (PSS): ~${fmt((pagePeak!.pssMib - idle.pssMib) / CONCURRENCY)} MiB over the idle tree; per agent (PSS, its Chromium + the refilled spare's share): ~${fmt(oneAgent.pssMib - idle.pssMib)} MiB`);
  console.log("RSS counts pages shared between Chromium's processes once per process; size limits from PSS plus /dev/shm and headroom.");
} finally {
  await Promise.all(apps.map((a) => a.stop()));
  await prisma.$disconnect();
  await database.drop();
  await site.close();
}
