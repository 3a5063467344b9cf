import { setTimeout as sleep } from "node:timers/promises";
import { readTaskAnswer, type Db } from "@browserfleet/db";
import { TaskStop } from "./task-stop.ts";

const POLL_MS = 250;

/**
 * While the task is input_required: polls Postgres (the truth; respond writes the answer onto the
 * ask_user step there) until the answer came, the job left input_required another way (a cancel),
 * or the signal fired (wallclock, cancel). The browser stays as it is all along.
 */
export async function waitForAnswer(prisma: Db, input: { jobId: string; n: number; signal: AbortSignal }): Promise<string> {
  for (;;) {
    input.signal.throwIfAborted();
    const state = await readTaskAnswer(prisma, { jobId: input.jobId, n: input.n }).catch(() => null);
    if (state === "ended") throw new TaskStop("ended");
    if (state !== null) return state.answer;
    await sleep(POLL_MS, undefined, { signal: input.signal }).catch(() => undefined);
  }
}
