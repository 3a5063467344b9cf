import type { TaskStepView } from "@browserfleet/core";
import type { TaskStep } from "@browserfleet/db";

/** One row of GET /v1/jobs/{id}/steps. */
export function taskStepView(step: TaskStep): TaskStepView {
  return {
    n: step.n,
    action: step.action,
    args: (step.args as Record<string, unknown> | null) ?? null,
    url: step.url,
    observation: step.observation,
    error: step.error,
    started_at: step.startedAt.toISOString(),
    duration_ms: step.durationMs,
    input_tokens: step.inputTokens,
    output_tokens: step.outputTokens,
  };
}
