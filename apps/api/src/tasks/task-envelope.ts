import type { Job } from "@browserfleet/db";
import { jobEnvelope } from "../jobs/job-envelope.ts";

/** The 202 of a task: its envelope with `result: null` and the live view of its burner (a fresh view token, so only here). */
export function submittedTaskEnvelope(job: Job, liveUrl: string): Record<string, unknown> {
  return { ...jobEnvelope(job, null), live_url: liveUrl };
}
