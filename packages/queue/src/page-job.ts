/** Queue payloads carry ids only: Postgres holds the job, its params and its results. */
export interface PageJobData {
  itemId: string;
  jobId: string;
  workspaceId: string;
  /** Names the admission lease this run holds; a run whose ticket lost its lease does nothing. */
  ticket: string;
}

export const PAGE_QUEUE_NAME = "pages";
