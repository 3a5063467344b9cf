import { randomBytes } from "node:crypto";
import { loadConfig } from "@browserfleet/config";
import { createPrismaClient, type PrismaClient } from "@browserfleet/db";
import { createTemporaryDatabase, type TemporaryDatabase } from "@browserfleet/db/testing";
import { createPageQueue, createRedisConnection, type PageQueue } from "@browserfleet/queue";
import type { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";

export interface WorkerServices {
  /** This file's Redis key prefix (every key it makes is deleted afterwards). */
  readonly prefix: string;
  readonly database: TemporaryDatabase;
  readonly prisma: PrismaClient;
  readonly redis: Redis;
  readonly queue: PageQueue;
}

/** A temporary database, a Redis connection and a page queue under a prefix of the file's own, torn down after it. */
export function useWorkerServices(tag: string, options: { poolMax?: number; beforeTeardown?: () => void | Promise<void> } = {}): WorkerServices {
  const config = loadConfig();
  const prefix = `${tag}_${randomBytes(6).toString("hex")}`;
  let services: Omit<WorkerServices, "prefix"> | undefined;
  beforeAll(async () => {
    const database = await createTemporaryDatabase(config.DATABASE_URL);
    services = {
      database,
      prisma: createPrismaClient(database.url, { poolMax: options.poolMax ?? 2 }),
      redis: createRedisConnection(config.REDIS_URL, { connectionName: prefix }),
      queue: createPageQueue({ redisUrl: config.REDIS_URL, prefix, attempts: 1 }),
    };
  });
  afterAll(async () => {
    if (services === undefined) return;
    await options.beforeTeardown?.();
    await services.queue.close();
    let cursor = "0";
    do {
      const [next, keys] = await services.redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
      if (keys.length > 0) await services.redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    await services.redis.quit();
    await services.prisma.$disconnect();
    await services.database.drop();
  });
  const ready = (): Omit<WorkerServices, "prefix"> => {
    if (services === undefined) throw new Error("the worker services are not ready before beforeAll");
    return services;
  };
  return {
    prefix,
    get database() {
      return ready().database;
    },
    get prisma() {
      return ready().prisma;
    },
    get redis() {
      return ready().redis;
    },
    get queue() {
      return ready().queue;
    },
  };
}
