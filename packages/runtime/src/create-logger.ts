import { pino, type Logger as PinoLogger } from "pino";
import { createLogDestination, type LogDestination, type LogStream } from "./log-destination.ts";

export type { PinoLogger };

/** What may wait in memory for a slow stdout reader before lines are dropped (LOG_MAX_BUFFERED_BYTES). */
export const DEFAULT_LOG_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * pino JSON to stdout; every process tags its lines with its name. Logging never blocks the
 * event loop or the exit: lines a slow or vanished reader cannot take are dropped and counted.
 */
export function createLogger(options: { level: string; process: string; maxBufferedBytes?: number; stream?: LogStream }): PinoLogger {
  // Node's own warnings go to stderr: a reader that has gone (EPIPE) must not crash a process mid-drain.
  process.stderr.on("error", () => undefined);
  // `stream` is for an app run inside another process (a test's): its lines go there instead of stdout.
  const destination = createLogDestination(options.stream ?? process.stdout, {
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_LOG_MAX_BUFFERED_BYTES,
    onDropsEnded: (dropped) => logger.warn({ dropped_lines: dropped }, "log lines were dropped: stdout was not being read fast enough"),
  });
  const logger = pino(
    {
      level: options.level,
      base: { process: options.process, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return logger;
}

/** Lines this logger (and its children) dropped since start; 0 for a logger not made by createLogger. */
export function droppedLogLines(logger: PinoLogger): number {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as Partial<LogDestination> | undefined;
  return typeof stream?.dropped === "number" ? stream.dropped : 0;
}

/** Waits (bounded) for the lines written so far to leave the process; never blocks. */
export function flushLogs(logger: PinoLogger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
