import { Queue } from "bullmq";
import { bullConnection, reconnectDelay } from "./redis-connection.ts";
import { PAGE_QUEUE_NAME, type PageJobData } from "./page-job.ts";

export type PageQueue = Queue<PageJobData>;

export interface PageQueueOptions {
  redisUrl: string;
  prefix: string;
  /** How many times BullMQ itself retries a page job whose processor threw (DB or Redis trouble). */
  attempts: number;
  /** Producers on a request path fail fast while Redis is down instead of queueing commands. */
  failFast?: boolean;
  /** With failFast: a command Redis has not answered after this long fails. */
  commandTimeoutMs?: number;
}

export function createPageQueue(options: PageQueueOptions): PageQueue {
  return new Queue<PageJobData>(PAGE_QUEUE_NAME, {
    connection: options.failFast
      ? {
          url: options.redisUrl,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2_000,
          retryStrategy: reconnectDelay,
          ...(options.commandTimeoutMs !== undefined ? { commandTimeout: options.commandTimeoutMs } : {}),
        }
      : bullConnection(options.redisUrl),
    prefix: options.prefix,
    defaultJobOptions: {
      attempts: options.attempts,
      backoff: { type: "exponential", delay: 1_000 },
      // Postgres keeps results; Redis forgets finished jobs after a while.
      removeOnComplete: { age: 3_600, count: 10_000 },
      removeOnFail: { age: 86_400, count: 10_000 },
    },
  });
}

/**
 * Hands admitted page items to BullMQ; the job id is item + ticket, so one lease is one queue
 * job however often it is dispatched, and a new lease of the same item gets a new job.
 */
export async function enqueuePageItems(queue: PageQueue, items: PageJobData[]): Promise<void> {
  if (items.length === 0) return;
  await queue.addBulk(items.map((data) => ({ name: "page", data, opts: { jobId: `${data.itemId}.${data.ticket}` } })));
}
