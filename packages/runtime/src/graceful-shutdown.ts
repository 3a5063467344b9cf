import type { Logger } from "pino";
import { flushLogs } from "./create-logger.ts";

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * On SIGTERM/SIGINT: run the steps in order (drain first, connections last), bounded by
 * timeoutMs, then exit. A second signal exits at once. A process started by our supervisor
 * (with an IPC channel) also shuts down when that channel closes: the supervisor is gone.
 */
export function onShutdownSignal(options: { logger: Logger; timeoutMs: number; beforeDrain?: () => void; steps: ShutdownStep[] }): void {
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      options.logger.warn({ signal }, "second signal, exiting now");
      process.exit(1);
    }
    stopping = true;
    // Armed before anything else runs: no hook that throws and no step that never settles outlives it.
    setTimeout(() => {
      options.logger.error({ timeout_ms: options.timeoutMs }, "shutdown timed out, exiting");
      process.exit(1);
    }, options.timeoutMs);
    const ok = await drain({ ...options, signal });
    // Bounded, and the deadline above still stands: a reader that does not read cannot hold the exit.
    await flushLogs(options.logger);
    process.exit(ok ? 0 : 1);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  exitWithSupervisor(() => void stop("supervisor-gone"));
}

/**
 * The drain itself, without the signal, the deadline or the exit: beforeDrain, then every step in order, each
 * failure logged and the rest still run. True when nothing failed. onShutdownSignal runs it for a process; an app
 * composed inside a test's process is stopped with it too.
 */
export async function drain(options: { logger: Logger; beforeDrain?: () => void; steps: ShutdownStep[]; signal?: string }): Promise<boolean> {
  let ok = true;
  try {
    options.beforeDrain?.();
  } catch (err) {
    ok = false;
    options.logger.error({ err }, "shutdown hook failed");
  }
  options.logger.info({ signal: options.signal }, "shutting down: draining in-flight work");
  for (const step of options.steps) {
    try {
      await step.run();
    } catch (err) {
      ok = false;
      options.logger.error({ err, step: step.name }, "shutdown step failed");
    }
  }
  options.logger.info("shutdown complete");
  return ok;
}

/** Only when spawned with an IPC channel (our supervisor does so; Kubernetes and plain shells do not). */
function exitWithSupervisor(stop: () => void): void {
  if (process.channel === undefined) return;
  process.once("disconnect", stop);
  // The channel must not keep the process alive on its own.
  process.channel.unref();
}
