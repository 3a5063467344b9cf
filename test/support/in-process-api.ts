import type { ChildProcess } from "node:child_process";
import { loadConfig } from "@browserfleet/config";
import { createLogger, drain, settleWithin, type ReadinessReport } from "@browserfleet/runtime";
import { startApiService } from "@browserfleet/api/service";
import { waitUntil } from "./job-polling.ts";

/** What a test sees of an API, whether it runs as a process of its own or inside the test's. */
export interface ApiHandle {
  name: string;
  /** The API's port. */
  port: number;
  /** Its JSON log lines, newest last (bounded). */
  logs: string[];
  /** Only when it runs as a process of its own. */
  child?: ChildProcess;
  /** Drains it as SIGTERM would and waits until it is done. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const MAX_LOG_LINES = 2_000;
const READY_TIMEOUT_MS = 30_000;

/**
 * The API in this process: the same composition (`startApiService`: config, dependencies, buildApp, listen) and the
 * same drain as apps/api/src/main.ts, without a process spawn. For tests that only talk to the API over HTTP; a test
 * that kills, restarts or starves the process itself runs it with startApp.
 */
export async function startInProcessApi(env: Record<string, string>): Promise<ApiHandle> {
  const config = loadConfig(env);
  const logs: string[] = [];
  let pending = "";
  const stream = {
    writableLength: 0,
    write(chunk: string, callback?: (err?: Error | null) => void): boolean {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      logs.push(...lines);
      if (logs.length > MAX_LOG_LINES) logs.splice(0, logs.length - MAX_LOG_LINES);
      callback?.();
      return true;
    },
    on: () => stream,
  };
  const logger = createLogger({ level: config.LOG_LEVEL, process: "api", stream });
  const api = await startApiService(config, logger);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    // The process's own drain (a failed step is logged and the rest still run), bounded like its SHUTDOWN_TIMEOUT_MS;
    // where the process would then exit, a drain that outlives it is left behind and said so in the logs.
    (stopped ??= settleWithin(drain({ logger, beforeDrain: api.beginDrain, steps: api.shutdownSteps, signal: "SIGTERM" }), config.SHUTDOWN_TIMEOUT_MS, () => {
      logger.error({ timeout_ms: config.SHUTDOWN_TIMEOUT_MS }, "shutdown timed out");
      return false;
    }).then(() => undefined));
  // Ready as a load balancer would see it (Postgres and Redis answering), not merely listening: requests sent the
  // moment the port opens would meet Redis connections still being made. Asked directly, so the wait adds nothing to
  // the API's request metrics; an API that never gets ready is drained before the error, leaving nothing open here.
  let last: ReadinessReport | undefined;
  try {
    await waitUntil(async () => (last = await api.readiness()).ready, READY_TIMEOUT_MS, "the in-process API ready");
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}: ${JSON.stringify(last?.checks)}`, { cause: err });
  }
  return { name: "api", port: api.port, logs, stop };
}
