import { WaitTimeoutError, type Client, type JobEnvelope } from "@browserfleet/sdk";

/** How long a tool waits for a job by default, and at most (an MCP call should not hang for long). */
export const DEFAULT_WAIT_SECONDS = 60;
export const MAX_WAIT_SECONDS = 300;

/** The job once it is terminal (or asks its question), or as it is when `seconds` have passed: never an error for still running. */
export async function waitBounded(client: Client, jobId: string, seconds: number, untilInputRequired = false): Promise<JobEnvelope> {
  if (seconds <= 0) return client.getJob(jobId);
  try {
    return await client.waitForJob(jobId, { timeoutMs: seconds * 1000, untilInputRequired });
  } catch (err) {
    if (err instanceof WaitTimeoutError) return client.getJob(jobId);
    throw err;
  }
}

export function stillRunning(job: JobEnvelope): boolean {
  return job.status === "queued" || job.status === "running";
}
