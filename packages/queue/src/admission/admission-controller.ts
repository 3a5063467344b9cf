import { createTurnBatcher, type TurnBatcher } from "@browserfleet/core";
import type { Redis } from "ioredis";
import { enqueuePageItems, type PageQueue } from "../page-queue.ts";
import type { PageJobData } from "../page-job.ts";
import { defineAdmissionScripts, type AdmissionRedis } from "./admission-scripts.ts";
import { PENDING_TOP_WORKSPACES, parsePendingByWorkspace, type PendingByWorkspace } from "./pending-by-workspace.ts";

export interface AdmissionOptions {
  /** The process's Redis client (scripts are defined on it). */
  redis: Redis;
  /** The shared BullMQ page queue admitted items are handed to. */
  queue: PageQueue;
  /** QUEUE_PREFIX: every key lives under `<prefix>:adm:`. */
  prefix: string;
  /** How long a lease lives without renewal: a dead worker's slot comes back after this. */
  leaseMs: number;
  /** max_concurrency of a workspace whose limit Redis does not know yet. */
  defaultLimit?: number;
  /** Items admitted per call at most (bounds one Lua call's run time). */
  maxAdmitPerCall?: number;
}

export interface PendingItem {
  itemId: string;
  jobId: string;
}

export const DEFAULT_MAX_CONCURRENCY = 4;

/** Leases one release call ends at most (bounds its ARGV and its run time inside Redis). */
const MAX_RELEASES_PER_CALL = 200;

/** Which pending list of its workspace an item waits in: sync quick calls go ahead of batches (see lua/admit.lua). */
export type AdmissionLane = "sync" | "bulk";

/**
 * The per-workspace admission controller: items wait in their workspace's pending list in
 * Redis and are handed to the shared BullMQ queue only while the workspace holds fewer leases
 * than its max_concurrency and the fleet has a free slot, workspaces taken round-robin. A
 * workspace has two lanes under that one cap: sync calls (a client waits on each) go before its
 * batches, at most SYNC_BURST in a row while batches wait.
 * Every decision is one Lua call (see lua/admit.lua), so it holds across any number of
 * API and worker replicas.
 */
export class AdmissionController {
  private readonly redis: AdmissionRedis;
  private readonly queue: PageQueue;
  private readonly prefix: string;
  readonly leaseMs: number;
  private readonly defaultLimit: number;
  private readonly maxAdmit: number;
  /** Releases of one event-loop turn (a worker's slots finishing together) as one Lua call; answers what each admitted. */
  private readonly releases: TurnBatcher<[string, string, string], number>;

  constructor(options: AdmissionOptions) {
    this.redis = defineAdmissionScripts(options.redis);
    this.queue = options.queue;
    this.prefix = `${options.prefix}:adm`;
    this.leaseMs = options.leaseMs;
    this.defaultLimit = options.defaultLimit ?? DEFAULT_MAX_CONCURRENCY;
    this.maxAdmit = options.maxAdmitPerCall ?? 500;
    this.releases = createTurnBatcher({
      maxBatch: MAX_RELEASES_PER_CALL,
      // One Lua call ends every lease of the batch or none: all of them see its error.
      onFailure: "reject-all",
      write: async (batch) => {
        const dispatched = await this.dispatch(await this.redis.bfAdmRelease(...this.common(), ...batch.flat()));
        return batch.map((_, i) => (i === 0 ? dispatched : 0));
      },
    });
  }

  /**
   * Queues a workspace's items (already-tracked ones are skipped) in one of its lanes (default
   * bulk) and dispatches what fits now. `maxConcurrency` (from Postgres) refreshes the
   * workspace's limit; null keeps the known one.
   */
  async enqueue(workspaceId: string, maxConcurrency: number | null, items: PendingItem[], options: { lane?: AdmissionLane } = {}): Promise<number> {
    let dispatched = 0;
    const lane = options.lane ?? "bulk";
    // Bounded ARGV per call; order is kept because each chunk appends to the list's tail.
    for (let i = 0; i < items.length || i === 0; i += 1_000) {
      const chunk = items.slice(i, i + 1_000).map((it) => `${it.itemId}|${it.jobId}`);
      const admitted = await this.redis.bfAdmEnqueue(...this.common(), workspaceId, maxConcurrency ?? "", lane, ...chunk);
      dispatched += await this.dispatch(admitted);
    }
    return dispatched;
  }

  /**
   * Ends a lease (the item is finished, or with `requeue` must run again first in line) and dispatches.
   * Releases made in one event-loop turn (a worker's slots finishing together) go as one Lua call and
   * one hand-off to BullMQ; the items that call admitted are counted in the first release's answer.
   */
  release(itemId: string, ticket: string, options: { requeue?: boolean } = {}): Promise<number> {
    return this.releases.add([itemId, ticket, options.requeue ? "requeue" : ""]);
  }

  /** True while this ticket holds the item's lease (and extends it); false means stop: someone else has it. */
  async renew(itemId: string, ticket: string): Promise<boolean> {
    return (await this.redis.bfAdmRenew(this.prefix, Date.now(), this.leaseMs, itemId, ticket)) === 1;
  }

  /** A worker's slots count toward fleet capacity until `ttlMs` from now; 0 slots withdraws them. */
  async heartbeat(workerId: string, slots: number, ttlMs: number): Promise<number> {
    const admitted = await this.redis.bfAdmHeartbeat(...this.common(), workerId, slots, ttlMs);
    return this.dispatch(admitted);
  }

  /** Drops a cancelled job's waiting items so they never start. */
  async purgeJob(workspaceId: string, jobId: string): Promise<number> {
    return Number(await this.redis.bfAdmPurgeJob(this.prefix, workspaceId, jobId));
  }

  /** Which of these items Redis holds (pending or leased); the reconciler re-enqueues the rest. */
  async tracked(itemIds: string[]): Promise<boolean[]> {
    if (itemIds.length === 0) return [];
    const flags = await this.redis.smismember(`${this.prefix}:tracked`, ...itemIds);
    return flags.map((f) => f === 1);
  }

  /** Workspaces with items waiting, for refreshing their limits from Postgres. */
  async waitingWorkspaces(): Promise<string[]> {
    return this.redis.smembers(`${this.prefix}:ring-set`);
  }

  async setLimits(limits: Map<string, number>): Promise<void> {
    if (limits.size === 0) return;
    await this.redis.hset(`${this.prefix}:limits`, Object.fromEntries(limits));
  }

  /** Counts for metrics and tests: leases held by a workspace and fleet-wide, pending per workspace (both lanes; `pendingSync` of them sync). */
  async snapshot(workspaceId?: string): Promise<{ leases: number; running: number; pending: number; pendingSync: number; capacity: number }> {
    const p = this.prefix;
    const [leases, running, pendingBulk, pendingSync, live] = await Promise.all([
      this.redis.zcard(`${p}:leases`),
      workspaceId ? this.redis.hget(`${p}:running`, workspaceId) : Promise.resolve("0"),
      workspaceId ? this.redis.llen(`${p}:pending:${workspaceId}`) : Promise.resolve(0),
      workspaceId ? this.redis.llen(`${p}:pending-sync:${workspaceId}`) : Promise.resolve(0),
      // Only fresh heartbeats count (as in admit.lua): a lapsed worker's slots linger in the hash until the next admission.
      this.redis.zrangebyscore(`${p}:fleet`, `(${Date.now()}`, "+inf"),
    ]);
    const slots = live.length > 0 ? await this.redis.hmget(`${p}:fleet-slots`, ...live) : [];
    return { leases, running: Number(running ?? 0), pending: pendingBulk + pendingSync, pendingSync, capacity: slots.reduce((s, v) => s + Number(v ?? 0), 0) };
  }

  /**
   * Pages waiting for admission across every workspace (the depth operators scale workers on) and the `top`
   * workspaces holding most of them, in one atomic read (lua/pending-by-workspace.lua) whose answer is O(top)
   * whatever the number of workspaces waiting: a metric built on it keeps at most top + 1 series.
   */
  async pendingByWorkspace(top = PENDING_TOP_WORKSPACES): Promise<PendingByWorkspace> {
    return parsePendingByWorkspace((await this.redis.bfAdmPendingByWorkspace(this.prefix, Math.max(0, Math.floor(top)))) as (string | number)[]);
  }

  private common(): (string | number)[] {
    return [this.prefix, Date.now(), this.leaseMs, this.maxAdmit, this.defaultLimit];
  }

  /** Hands admitted items to BullMQ; if this fails the leases expire and the items come back. */
  private async dispatch(admitted: unknown): Promise<number> {
    const flat = admitted as string[];
    const jobs: PageJobData[] = [];
    for (let i = 0; i + 3 < flat.length; i += 4) {
      jobs.push({ workspaceId: flat[i]!, itemId: flat[i + 1]!, jobId: flat[i + 2]!, ticket: flat[i + 3]! });
    }
    await enqueuePageItems(this.queue, jobs);
    return jobs.length;
  }
}
