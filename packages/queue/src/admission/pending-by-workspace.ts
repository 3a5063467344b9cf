import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";

/** Workspaces a pending-by-workspace read names one by one; the rest are summed as "other". */
export const PENDING_TOP_WORKSPACES = 20;

export interface PendingByWorkspace {
  /** Pages waiting for admission fleet-wide (both lanes of every workspace). */
  total: number;
  /** The workspaces with the most pages waiting, most first, at most `top` of them. */
  top: { workspaceId: string; pending: number }[];
  /** Pages waiting in every other workspace: total = other + the sum of top. */
  other: number;
}

const SCRIPT = readFileSync(new URL("./lua/pending-by-workspace.lua", import.meta.url), "utf8");
const COMMAND = "bfAdmPendingByWorkspace";

type ReaderRedis = Redis & { [COMMAND]: (...args: (string | number)[]) => Promise<unknown> };

/**
 * One atomic read of the admission state (lua/pending-by-workspace.lua): the fleet's waiting pages and the `top`
 * workspaces holding most of them, in an answer of O(top) whatever the number of workspaces waiting, so a scrape
 * stays small and the per-workspace series stay bounded. `queuePrefix` is QUEUE_PREFIX, as AdmissionController takes it.
 */
export async function readPendingByWorkspace(redis: Redis, queuePrefix: string, top = PENDING_TOP_WORKSPACES): Promise<PendingByWorkspace> {
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 0, lua: SCRIPT });
  const flat = (await (redis as ReaderRedis)[COMMAND](`${queuePrefix}:adm`, Math.max(0, Math.floor(top)))) as (string | number)[];
  const entries: PendingByWorkspace["top"] = [];
  for (let i = 2; i + 1 < flat.length; i += 2) entries.push({ workspaceId: String(flat[i]), pending: Number(flat[i + 1]) });
  return { total: Number(flat[0] ?? 0), top: entries, other: Number(flat[1] ?? 0) };
}
