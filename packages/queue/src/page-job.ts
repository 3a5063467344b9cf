/** Queue payloads carry ids only: Postgres holds the job, its params and its results. */
export interface PageJobData {
  itemId: string;
  jobId: string;
  workspaceId: string;
}

export const PAGE_QUEUE_NAME = "pages";

/** Redis pub/sub channel on which workers announce jobs that reached a terminal state. */
export function jobFinishedChannel(prefix: string): string {
  return `${prefix}:events:job-finished`;
}
