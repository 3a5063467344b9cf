import { pino, type Logger } from "pino";

export type { Logger };

/** pino JSON to stdout; every process tags its lines with its name. */
export function createLogger(options: { level: string; process: string }): Logger {
  return pino({
    level: options.level,
    base: { process: options.process, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
