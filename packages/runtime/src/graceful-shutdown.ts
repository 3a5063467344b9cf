import type { Logger } from "pino";

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * On SIGTERM/SIGINT: run the steps in order (drain first, connections last), bounded by
 * timeoutMs, then exit. A second signal exits at once.
 */
export function onShutdownSignal(options: { logger: Logger; timeoutMs: number; beforeDrain?: () => void; steps: ShutdownStep[] }): void {
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      options.logger.warn({ signal }, "second signal, exiting now");
      process.exit(1);
    }
    stopping = true;
    options.beforeDrain?.();
    options.logger.info({ signal }, "shutting down: draining in-flight work");
    const deadline = setTimeout(() => {
      options.logger.error({ timeout_ms: options.timeoutMs }, "shutdown timed out, exiting");
      process.exit(1);
    }, options.timeoutMs);
    deadline.unref();
    let code = 0;
    for (const step of options.steps) {
      try {
        await step.run();
      } catch (err) {
        code = 1;
        options.logger.error({ err, step: step.name }, "shutdown step failed");
      }
    }
    options.logger.info("shutdown complete");
    process.exit(code);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
