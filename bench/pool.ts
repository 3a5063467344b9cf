// BrowserPool alone (no API, queue or database): pages/s and latency of renderPage with a new
// context per page, with one context shared per job key, and shared with blockResources.
// Prints numbers; asserts nothing.
// Modes run interleaved in rounds, and CPU per page is reported too: on a shared machine wall time moves with others' load.
//   npx tsx bench/pool.ts -- [--pages 60] [--concurrency 4,8] [--images 4] [--jobs 1] [--rounds 3] [--egress]
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { crc32, deflateSync } from "node:zlib";
import { BrowserPool, contextShareKey, renderPage, type ContextLeaseOptions } from "@browserfleet/browser";
import { startEgressProxy, type EgressProxy } from "@browserfleet/egress";
import { checkTargetUrl, type HostLookup } from "@browserfleet/core";
import { startFixtureSite } from "../test/support/fixture-site.ts";
import { TEST_CHROMIUM_ARGS } from "../test/support/test-stack.ts";
import { fmt, percentile, runConcurrently } from "./stats.ts";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "60" },
    concurrency: { type: "string", default: "4,8" },
    images: { type: "string", default: "4" },
    jobs: { type: "string", default: "1" },
    rounds: { type: "string", default: "3" },
    egress: { type: "boolean", default: false },
  },
});
const pages = Number(values.pages);
const concurrencies = values.concurrency.split(",").map(Number);
const imagesPerPage = Number(values.images);
const jobs = Number(values.jobs);
const rounds = Number(values.rounds);
// Linux's USER_HZ: /proc reports CPU time in ticks of 10 ms.
const CLOCK_TICK_MS = 10;
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const MODES: { name: string; lease: (job: number) => ContextLeaseOptions }[] = [
  { name: "new context per page", lease: () => ({}) },
  { name: "shared context per job key", lease: (job) => ({ shareKey: contextShareKey("ws_bench", `job_${job}`) }) },
  { name: "shared + blockResources", lease: (job) => ({ shareKey: contextShareKey("ws_bench", `job_${job}`), blockResources: true }) },
];

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const onlyLoopback: HostLookup = async (host) => {
  if (host === "localhost") return ["127.0.0.1"];
  throw new Error(`the bench resolves nothing (${host})`);
};
const guard = (url: string) => checkTargetUrl(url, { allowLoopback: true, lookup: onlyLoopback });

/** A 160x120 PNG of noise (~58 KB, incompressible), so a blocked image saves real transfer and decoding. */
function noisePng(seed: number): Buffer {
  const width = 160;
  const height = 120;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let x = seed * 2654435761;
  for (let i = 0; i < raw.length; i += 1) raw[i] = i % (width * 3 + 1) === 0 ? 0 : (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // truecolour RGB
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** The fixture's ~20 KB /page/:n with `imagesPerPage` distinct images added, all on 127.0.0.1. */
async function startImageSite(fixtureOrigin: string): Promise<{ origin: string; server: Server }> {
  const pngs = Array.from({ length: 8 }, (_, i) => noisePng(i + 1));
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    const image = /^\/img\/\d+-(\d+)\.png$/.exec(path);
    if (image !== null) {
      res.writeHead(200, { "content-type": "image/png", "cache-control": "max-age=3600" });
      res.end(pngs[Number(image[1]) % pngs.length]);
      return;
    }
    void fetch(`${fixtureOrigin}${path}`).then(async (answer) => {
      const n = path.slice(6);
      const imgs = Array.from({ length: imagesPerPage }, (_, k) => `<img src="/img/${n}-${k}.png" width="160" height="120">`).join("");
      res.writeHead(answer.status, { "content-type": "text/html; charset=utf-8" });
      res.end((await answer.text()).replace("</h1>", `</h1>${imgs}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** CPU time (ms) of a process and its live descendants, with what they reaped: Chromium's renderers come and go with contexts. */
function treeCpuMs(rootPid: number): number {
  const children = new Map<number, number[]>();
  const own = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command's closing parenthesis: state is [0], ppid [1], utime [11], stime [12], cutime [13], cstime [14].
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pid = Number(entry);
      const ppid = Number(fields[1]);
      own.set(pid, Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]));
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // The process exited while we read.
    }
  }
  let ticks = 0;
  const walk = (pid: number): void => {
    ticks += own.get(pid) ?? 0;
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(rootPid);
  return ticks * CLOCK_TICK_MS;
}

interface Cell {
  latencies: number[];
  wallMs: number;
  cpuMs: number;
  contexts: number;
  failures: number;
}

/** One pool per mode; each round renders a slice of the pages in every mode, so load from elsewhere falls on all modes alike. */
async function measure(concurrency: number, origin: string, egress: EgressProxy | undefined): Promise<Cell[]> {
  const pools = MODES.map(() => new BrowserPool({ chromiumPath, extraArgs: TEST_CHROMIUM_ARGS, recycleAfterPages: 100_000, logger: silent, ...(egress ? { egress } : {}) }));
  const cells: Cell[] = MODES.map(() => ({ latencies: [], wallMs: 0, cpuMs: 0, contexts: 0, failures: 0 }));
  try {
    await Promise.all(pools.map((pool) => pool.start()));
    const renderOne = async (m: number, n: number, job: number): Promise<void> => {
      const request = { url: `${origin}/page/${n}`, formats: ["html" as const], maxChars: 100_000, timeoutMs: 60_000, waitUntil: "load" as const, fullPage: false };
      const result = await pools[m]!.withContext((ctx) => renderPage(ctx, request, guard), MODES[m]!.lease(job));
      if (!result.ok) cells[m]!.failures += 1;
    };
    // Warm Chromium and the JIT under another job's key, so the measured jobs still open their own contexts.
    for (let m = 0; m < MODES.length; m += 1) {
      await runConcurrently(Array.from({ length: concurrency * 2 }, (_, i) => 900 + i), concurrency, (n) => renderOne(m, n, -1));
    }
    const perRound = Math.ceil(pages / rounds);
    for (let round = 0; round < rounds; round += 1) {
      const slice = Array.from({ length: perRound }, (_, i) => round * perRound + i).filter((n) => n < pages);
      for (let k = 0; k < MODES.length; k += 1) {
        const m = (round + k) % MODES.length;
        const pid = pools[m]!.stats().browserPid ?? 0;
        const before = { stats: pools[m]!.stats(), cpu: treeCpuMs(pid) + nodeCpuMs() };
        const startedAt = performance.now();
        cells[m]!.latencies.push(...(await runConcurrently(slice, concurrency, (n) => renderOne(m, n, n % jobs))));
        cells[m]!.wallMs += performance.now() - startedAt;
        cells[m]!.cpuMs += treeCpuMs(pid) + nodeCpuMs() - before.cpu;
        cells[m]!.contexts += pools[m]!.stats().contextsCreated - before.stats.contextsCreated;
      }
    }
    return cells;
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

const nodeCpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const site = await startFixtureSite();
const imageSite = imagesPerPage > 0 ? await startImageSite(site.origin) : null;
const egress = values.egress ? await startEgressProxy({ policy: { allowLoopback: true, lookup: onlyLoopback }, logger: silent }) : undefined;
try {
  const origin = imageSite?.origin ?? site.origin;
  console.log(`\nbench/pool: ${pages} pages per mode (fixture /page/:n, ~20 KB, + ${imagesPerPage} images of ~58 KB) over ${jobs} job key(s), ${rounds} interleaved rounds, egress proxy ${egress ? "on" : "off"}`);
  console.log(`cpu ms/page counts Chromium's process tree and this process (fixture servers included); load average at start: ${loadavg().map((l) => fmt(l, 1)).join(" ")}\n`);
  console.log(`${"mode".padEnd(28)} ${"conc".padStart(4)} ${"pages/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"cpu ms/page".padStart(12)} ${"contexts".padStart(9)} ${"failed".padStart(7)}`);
  for (const concurrency of concurrencies) {
    const cells = await measure(concurrency, origin, egress);
    cells.forEach((cell, m) => {
      const perSecond = (cell.latencies.length / cell.wallMs) * 1000;
      const columns = [fmt(perSecond, 2).padStart(8), fmt(percentile(cell.latencies, 50)).padStart(8), fmt(percentile(cell.latencies, 95)).padStart(8)];
      console.log(`${MODES[m]!.name.padEnd(28)} ${String(concurrency).padStart(4)} ${columns.join(" ")} ${fmt(cell.cpuMs / cell.latencies.length).padStart(12)} ${String(cell.contexts).padStart(9)} ${String(cell.failures).padStart(7)}`);
    });
  }
  console.log(`\nload average at end: ${loadavg().map((l) => fmt(l, 1)).join(" ")}`);
} finally {
  await egress?.close();
  imageSite?.server.closeAllConnections();
  await new Promise<void>((resolve) => (imageSite ? imageSite.server.close(() => resolve()) : resolve()));
  await site.close();
}
