import { ConfigError } from "@browserfleet/config";

/** A bad setting stops the process at boot with a message naming it (before any logger exists). */
export function exitOnConfigError<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
