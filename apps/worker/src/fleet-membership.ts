import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { AdmissionController } from "@browserfleet/queue";
import { memoryUseFraction } from "./memory-guard.ts";

export interface FleetMembershipOptions {
  admission: AdmissionController;
  slots: number;
  /** Above this share of memory in use, the worker stops taking work until it drops again. */
  maxMemoryFraction: number;
  intervalMs: number;
  logger: Logger;
  /** Told when the memory guard stops or resumes intake, so the queue consumer pauses too. */
  onIntakeChange(accepting: boolean): void;
}

/**
 * Announces this worker's slots to the admission controller every interval (so the fleet's
 * capacity is the sum of live workers' slots, and a dead worker's share lapses), withdraws
 * them while memory is high or the process drains. Each heartbeat also expires dead leases
 * and admits waiting pages.
 */
export function joinFleet(options: FleetMembershipOptions): { leave(): Promise<void> } {
  const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const ttlMs = options.intervalMs * 5;
  let accepting = true;
  let leaving = false;
  const beat = async (): Promise<void> => {
    const highMemory = memoryUseFraction() > options.maxMemoryFraction;
    if (highMemory === accepting) {
      accepting = !highMemory;
      options.logger.warn({ memory_fraction: memoryUseFraction(), accepting }, accepting ? "memory back under the limit; taking work again" : "memory over the limit; taking no new work");
      options.onIntakeChange(accepting);
    }
    await options.admission.heartbeat(workerId, leaving || !accepting ? 0 : options.slots, ttlMs);
  };
  const timer = setInterval(() => {
    beat().catch((err: unknown) => options.logger.warn({ err }, "fleet heartbeat failed"));
  }, options.intervalMs);
  beat().catch((err: unknown) => options.logger.warn({ err }, "fleet heartbeat failed"));
  options.logger.info({ worker_id: workerId, slots: options.slots }, "joined the fleet");
  return {
    leave: async () => {
      leaving = true;
      clearInterval(timer);
      await options.admission.heartbeat(workerId, 0, ttlMs).catch(() => undefined);
    },
  };
}
