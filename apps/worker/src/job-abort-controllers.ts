import type { Redis } from "ioredis";
import { subscribeJobEvents } from "@browserfleet/queue";
import type { Logger } from "pino";

/**
 * Abort controllers of the pages this process is running, by job: a cancel announced on the
 * Redis channel stops every running page of that job here.
 */
export class JobAbortControllers {
  private readonly byJob = new Map<string, Set<AbortController>>();

  constructor(private readonly logger: Logger) {}

  /** Listens for the prefix's `cancelled` job events with a dedicated subscriber connection. */
  async listen(subscriber: Redis, prefix: string): Promise<void> {
    await subscribeJobEvents(subscriber, prefix, { cancelled: (jobId) => this.cancelJob(jobId) });
  }

  open(jobId: string): AbortController {
    const controller = new AbortController();
    let set = this.byJob.get(jobId);
    if (!set) {
      set = new Set();
      this.byJob.set(jobId, set);
    }
    set.add(controller);
    return controller;
  }

  close(jobId: string, controller: AbortController): void {
    const set = this.byJob.get(jobId);
    set?.delete(controller);
    if (set?.size === 0) this.byJob.delete(jobId);
  }

  private cancelJob(jobId: string): void {
    const set = this.byJob.get(jobId);
    if (!set) return;
    this.logger.info({ job_id: jobId, pages: set.size }, "stopping the running pages of a cancelled job");
    for (const controller of set) controller.abort(new Error("the job was cancelled"));
  }
}
