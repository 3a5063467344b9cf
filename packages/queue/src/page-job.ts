/** Queue payloads carry ids only: Postgres holds the job, its params and its results. */
export interface PageJobData {
  itemId: string;
  jobId: string;
  workspaceId: string;
  /** Names the admission lease this run holds; a run whose ticket lost its lease does nothing. */
  ticket: string;
}

export const PAGE_QUEUE_NAME = "pages";

/** Redis pub/sub channel on which the API tells workers to stop a cancelled job's running pages. */
export function jobCancelledChannel(prefix: string): string {
  return `${prefix}:events:job-cancelled`;
}

/** Redis pub/sub channel on which workers announce jobs that reached a terminal state. */
export function jobFinishedChannel(prefix: string): string {
  return `${prefix}:events:job-finished`;
}
