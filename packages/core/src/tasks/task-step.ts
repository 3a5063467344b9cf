/** One recorded step of a task (a row of GET /v1/jobs/{id}/steps): one tool call of the model and what it did. */
export interface TaskStepRecord {
  n: number;
  action: string;
  args: Record<string, unknown> | null;
  /** The page's URL after the action. */
  url: string | null;
  /** What the action reported (its summary, the question, the result), bounded; for ask_user, the user's answer once it came. */
  observation: string | null;
  error: string | null;
  startedAt: Date;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
}
