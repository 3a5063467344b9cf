/** Why a task's loop was stopped from outside: the reason of its abort signal. */
export class TaskStop extends Error {
  constructor(readonly why: "cancelled" | "timeout" | "ended") {
    super(why === "timeout" ? "the task passed its wallclock_seconds" : why === "cancelled" ? "the task was cancelled" : "the task ended elsewhere");
    this.name = "TaskStop";
  }
}

/** The stop behind an error thrown out of the loop, if that is what it was. */
export function stopOf(err: unknown, signal: AbortSignal): TaskStop | null {
  if (err instanceof TaskStop) return err;
  if (signal.aborted && signal.reason instanceof TaskStop) return signal.reason;
  return null;
}
