import { Queue } from "bullmq";
import { bullConnection } from "@browserfleet/queue";

/** The BullMQ queue agent sessions wait in for a worker with a free agent slot (WORKER_AGENT_SLOTS). */
export const AGENT_QUEUE_NAME = "agents";

/** A pointer only: Postgres holds the session; the job lives as long as the session runs on its worker. */
export interface AgentJobData {
  sessionId: string;
}

export type AgentQueue = Queue<AgentJobData>;

export function createAgentQueue(options: { redisUrl: string; prefix: string }): AgentQueue {
  return new Queue<AgentJobData>(AGENT_QUEUE_NAME, {
    connection: bullConnection(options.redisUrl),
    prefix: options.prefix,
    defaultJobOptions: {
      // A session is placed once: a worker that dies with it makes it worker_lost, never a second browser.
      attempts: 1,
      removeOnComplete: { age: 3_600, count: 10_000 },
      removeOnFail: { age: 86_400, count: 10_000 },
    },
  });
}

/** Hands a session to the fleet; the job id is the session id, so a retried enqueue is one placement. */
export async function enqueueAgentSession(queue: AgentQueue, sessionId: string): Promise<void> {
  await queue.add("session", { sessionId }, { jobId: sessionId });
}

/** A session given up before any worker took it (startup timeout): its job must not start a browser later. */
export async function withdrawAgentSession(queue: AgentQueue, sessionId: string): Promise<void> {
  const job = await queue.getJob(sessionId);
  if (job && (await job.isWaiting())) await job.remove().catch(() => undefined);
}
