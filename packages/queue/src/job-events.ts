import type { Redis } from "ioredis";

/**
 * Job events over Redis pub/sub, the signals between API and workers: `finished` (a job reached
 * a terminal state: wakes sync calls and long-polls) and `cancelled` (stop the job's running
 * pages). A hint only: Postgres stays the truth, so a lost message costs speed, never correctness.
 */
export type JobEvent = "finished" | "cancelled";

/** The pub/sub channel of one event under a queue prefix. */
export function jobEventChannel(prefix: string, event: JobEvent): string {
  return `${prefix}:events:job-${event}`;
}

/** Tells waiters (API long-polls, sync calls) that the job reached a terminal state. */
export async function announceJobFinished(redis: Pick<Redis, "publish">, prefix: string, jobId: string): Promise<void> {
  await redis.publish(jobEventChannel(prefix, "finished"), jobId);
}

/** Tells every worker to stop the job's running pages. */
export async function announceJobCancelled(redis: Pick<Redis, "publish">, prefix: string, jobId: string): Promise<void> {
  await redis.publish(jobEventChannel(prefix, "cancelled"), jobId);
}

export type JobEventHandlers = Partial<Record<JobEvent, (jobId: string) => void>>;

/**
 * Subscribes `subscriber` (a dedicated connection: a subscribed ioredis client can do nothing
 * else) to the events that have a handler; resolves once Redis has confirmed the subscription.
 */
export async function subscribeJobEvents(subscriber: Redis, prefix: string, handlers: JobEventHandlers): Promise<void> {
  const byChannel = new Map<string, (jobId: string) => void>();
  for (const [event, handler] of Object.entries(handlers) as [JobEvent, ((jobId: string) => void) | undefined][]) {
    if (handler) byChannel.set(jobEventChannel(prefix, event), handler);
  }
  if (byChannel.size === 0) return;
  subscriber.on("message", (channel: string, jobId: string) => byChannel.get(channel)?.(jobId));
  await subscriber.subscribe(...byChannel.keys());
}
