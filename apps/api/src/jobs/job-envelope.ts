import type { Job } from "@browserfleet/db";

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The job envelope of api.md (a task's with its own fields); `result` is included only where the caller loaded it. */
export function jobEnvelope(job: Job, result?: unknown): Record<string, unknown> {
  const envelope: Record<string, unknown> = {
    id: job.id,
    job_id: job.id,
    kind: job.kind,
    status: job.status,
    progress_done: job.progressDone,
    progress_failed: job.progressFailed,
    progress_total: job.progressTotal,
    credits_charged: job.creditsCharged,
    created_at: iso(job.createdAt),
    started_at: iso(job.startedAt),
    completed_at: iso(job.completedAt),
    error_code: job.errorCode,
    error_message: job.errorMessage,
    status_url: `/v1/jobs/${job.id}/status`,
    result_url: `/v1/jobs/${job.id}/results`,
  };
  if (job.kind === "task") {
    // A task's own fields (api.md "AI tasks"); live_url only in the submit answer, which mints its view token.
    envelope.framework = "browserfleet";
    envelope.agent_id = job.agentId;
    envelope.step_count = job.stepCount;
  }
  if (result !== undefined) envelope.result = result;
  return envelope;
}

export function jobStatusView(job: Job): Record<string, unknown> {
  return {
    id: job.id,
    status: job.status,
    kind: job.kind,
    progress_done: job.progressDone,
    progress_failed: job.progressFailed,
    progress_total: job.progressTotal,
  };
}
