import type { Logger } from "pino";
import { serializeEnvelope, signatureHeaders, type TargetPolicy } from "@browserfleet/core";
import { claimWebhookTasks, fanOutEvents, recordFailedWebhookAttempt, type ClaimedWebhookTask, type Db, type DriverPool } from "@browserfleet/db";
import { createDeliveredRecorder } from "./delivered-recorder.ts";
import type { DispatcherMetrics } from "./dispatcher-metrics.ts";
import { sendWebhook } from "./send-webhook.ts";

export interface DeliveryLoopOptions {
  prisma: Db;
  /** The loop's own statements (fan-out, claim, delivered records) go straight through the driver. */
  driver: DriverPool;
  logger: Logger;
  metrics: DispatcherMetrics;
  policy: TargetPolicy;
  concurrency: number;
  perEndpoint: number;
  timeoutMs: number;
  pollMs: number;
  retryScale: number;
  disableAfterMs: number;
}

export interface DeliveryLoop {
  /** Stops claiming, waits for the attempts in flight to be recorded. */
  drain(): Promise<void>;
}

const FAN_OUT_BATCH = 500;
/** Claimed attempts stay ours this long past their timeout: room to record the outcome. */
const LEASE_MARGIN_MS = 5_000;

/**
 * The dispatcher's one loop: fan new outbox events out into tasks, claim due tasks up to the free
 * slots, send each (signed) and record it. Polls when idle; goes round at once while there is work.
 * A Postgres outage is logged and waited out; the loop never exits on its own.
 */
export function startDeliveryLoop(options: DeliveryLoopOptions): DeliveryLoop {
  const { prisma, driver, logger, metrics } = options;
  const deliveredRecorder = createDeliveredRecorder(driver);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let wake: (() => void) | null = null;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const attempt = async (task: ClaimedWebhookTask): Promise<void> => {
    const body = serializeEnvelope({ id: task.eventId, type: task.eventType, createdAt: task.eventCreatedAt, workspaceId: task.workspaceId, data: task.data });
    const startedAt = new Date();
    const headers = signatureHeaders({
      secret: task.secret,
      previousSecret: task.previousSecret,
      eventId: task.eventId,
      timestampSeconds: Math.floor(startedAt.getTime() / 1000),
      rawBody: body,
    });
    const response = await sendWebhook({ url: task.url, body, headers, policy: options.policy, timeoutMs: options.timeoutMs });
    const outcome =
      response.error === null
        ? await deliveredRecorder.record({
            taskId: task.taskId,
            endpointId: task.endpointId,
            eventId: task.eventId,
            eventType: task.eventType,
            attempt: task.attempt,
            statusCode: response.statusCode!,
            startedAt,
            durationMs: response.durationMs,
          })
        : await recordFailedWebhookAttempt(prisma, {
            taskId: task.taskId,
            endpointId: task.endpointId,
            eventId: task.eventId,
            eventType: task.eventType,
            attempt: task.attempt,
            startedAt,
            outcome: response,
            retryScale: options.retryScale,
            disableAfterMs: options.disableAfterMs,
          });
    metrics.deliveries.inc({ outcome });
    metrics.attemptDuration.observe({ outcome }, response.durationMs / 1000);
    // Fields, not a child logger: most attempts are delivered and logged at debug, usually off.
    const fields = {
      workspace_id: task.workspaceId,
      event_id: task.eventId,
      endpoint_id: task.endpointId,
      attempt: task.attempt,
      outcome,
      status_code: response.statusCode,
      duration_ms: response.durationMs,
      error: response.error ?? undefined,
    };
    if (outcome === "delivered") logger.debug(fields, "webhook delivered");
    else logger.info(fields, "webhook attempt failed");
  };

  const track = (task: ClaimedWebhookTask): void => {
    const p = attempt(task)
      .catch((err: Error) => {
        // Unrecorded: the lease runs out and the attempt is retried and logged as interrupted.
        logger.error({ err: { message: err.message }, event_id: task.eventId, endpoint_id: task.endpointId }, "could not record a webhook attempt");
      })
      .finally(() => {
        inFlight.delete(p);
        metrics.inFlight.set(inFlight.size);
        wake?.();
      });
    inFlight.add(p);
    metrics.inFlight.set(inFlight.size);
  };

  const round = async (): Promise<boolean> => {
    const fanned = await fanOutEvents(driver, FAN_OUT_BATCH);
    for (const e of fanned) metrics.fanOutLag.observe(Math.max(0, (e.fanned_out_at.getTime() - e.created_at.getTime()) / 1000));
    const free = options.concurrency - inFlight.size;
    const claimed = await claimWebhookTasks(driver, { maxTasks: free, perEndpoint: options.perEndpoint, leaseMs: options.timeoutMs + LEASE_MARGIN_MS });
    for (const task of claimed) track(task);
    return fanned.length === FAN_OUT_BATCH || (claimed.length > 0 && claimed.length === free);
  };

  const loop = (async () => {
    let failing = false;
    while (!stopping) {
      let busy = false;
      try {
        busy = await round();
        if (failing) logger.info("dispatcher reaches Postgres again");
        failing = false;
      } catch (err) {
        if (!failing) logger.warn({ err: { message: (err as Error).message } }, "dispatcher round failed; retrying");
        failing = true;
      }
      if (stopping) break;
      // Full slots: wait for one to free up (each finishing attempt wakes the loop); idle: poll.
      if (!busy || inFlight.size >= options.concurrency) await sleep(failing ? Math.max(options.pollMs, 1_000) : options.pollMs);
    }
  })();

  return {
    drain: async () => {
      stopping = true;
      wake?.();
      await loop;
      await Promise.allSettled([...inFlight]);
    },
  };
}
