import { envSchema, type AppConfig } from "./env-schema.ts";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment once at boot. A bad value throws a ConfigError naming each
 * offending variable, so a process never starts half-configured.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // An empty string means "unset", as in most shells' VAR= usage.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = i.path.join(".");
      return `  ${name}=${JSON.stringify(env[name] ?? "")}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
