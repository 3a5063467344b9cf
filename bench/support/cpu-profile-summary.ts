import { readFileSync } from "node:fs";

/** The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) that a summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  startTime: number;
  endTime: number;
}

export interface ProfileShare {
  name: string;
  selfMs: number;
  share: number;
}

/** Where a frame's code lives, coarse enough to read: an npm package, one of our workspaces' files, Node itself, or V8's own states. */
export function codeOwner(url: string, functionName: string): string {
  if (url === "") return functionName === "" ? "(anonymous native)" : `(${functionName.replace(/^\(|\)$/g, "")})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const ours = /\/(apps|packages)\/([^/]+)\//.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url.replace(/^file:\/\//, "");
}

/** Self time of a profile grouped by `key` (the busiest first), each with its share of all sampled time. */
export function summarizeProfile(path: string, key: (frame: CpuProfile["nodes"][number]["callFrame"]) => string, top = 15): ProfileShare[] {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const hits = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const msPerHit = hits === 0 ? 0 : (profile.endTime - profile.startTime) / 1000 / hits;
  const byKey = new Map<string, number>();
  for (const node of profile.nodes) {
    const k = key(node.callFrame);
    byKey.set(k, (byKey.get(k) ?? 0) + (node.hitCount ?? 0));
  }
  return [...byKey.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, n]) => ({ name, selfMs: n * msPerHit, share: hits === 0 ? 0 : n / hits }));
}

/** By owner (package / workspace / node / V8 state) and by function, as two printable tables. */
export function printProfileSummary(path: string, of = "the API", print: (line: string) => void = console.log): void {
  const pct = (s: number) => `${(s * 100).toFixed(1).padStart(5)} %`;
  print(`\nCPU profile of ${of} (${path}): self time by owner`);
  for (const row of summarizeProfile(path, (f) => codeOwner(f.url, f.functionName))) print(`  ${pct(row.share)}  ${row.name}`);
  print("self time by function");
  for (const row of summarizeProfile(path, (f) => `${f.functionName || "(anonymous)"} ${codeOwner(f.url, f.functionName)}:${f.lineNumber + 1}`, 25)) {
    print(`  ${pct(row.share)}  ${row.name}`);
  }
}
