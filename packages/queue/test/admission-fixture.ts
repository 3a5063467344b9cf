import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import {
  AdmissionController,
  createPageQueue,
  createRedisConnection,
  type AdmissionOptions,
  type PageJobData,
  type PageQueue,
  type PendingItem,
} from "../src/index.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` items of one job, ids `<job>-<n>` so tests can read them back. */
export function items(jobId: string, count: number, from = 1): PendingItem[] {
  return Array.from({ length: count }, (_, i) => ({ itemId: `${jobId}-${from + i}`, jobId }));
}

export interface AdmissionFixture {
  prefix: string;
  queue: PageQueue;
  /** A controller on its own Redis connection (as each API or worker replica has). */
  controller(options?: Partial<Pick<AdmissionOptions, "leaseMs" | "defaultLimit">>): AdmissionController;
  /** Page jobs dispatched to BullMQ since the last call, in admission (ticket) order. */
  take(): Promise<PageJobData[]>;
  close(): Promise<void>;
}

/** A real Redis and a real BullMQ page queue under a random prefix nobody else uses. */
export function openAdmissionFixture(): AdmissionFixture {
  const prefix = `adm_test_${randomBytes(6).toString("hex")}`;
  const queue = createPageQueue({ redisUrl: REDIS_URL, prefix, attempts: 1 });
  const connections: Redis[] = [];
  const seen = new Set<string>();
  return {
    prefix,
    queue,
    controller(options = {}) {
      const redis = createRedisConnection(REDIS_URL, { connectionName: prefix });
      connections.push(redis);
      return new AdmissionController({ redis, queue, prefix, leaseMs: options.leaseMs ?? 60_000, defaultLimit: options.defaultLimit });
    },
    async take() {
      // Ids first, then only the unseen jobs: the wait list keeps every job a test ever dispatched.
      const fresh = (await queue.getRanges(["wait"], 0, -1)).filter((id) => !seen.has(id));
      for (const id of fresh) seen.add(id);
      const jobs = await Promise.all(fresh.map((id) => queue.getJob(id)));
      return jobs.map((job) => job!.data).sort((a, b) => Number(a.ticket) - Number(b.ticket));
    },
    async close() {
      await queue.close();
      const cleaner = createRedisConnection(REDIS_URL);
      let cursor = "0";
      do {
        const [next, keys] = await cleaner.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
        if (keys.length > 0) await cleaner.del(...keys);
        cursor = next;
      } while (cursor !== "0");
      await Promise.all([cleaner, ...connections].map((redis) => redis.quit()));
    },
  };
}
