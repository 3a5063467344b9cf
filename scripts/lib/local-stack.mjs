// What `npm start` and `npm run fleet` do before any process starts: local defaults, then
// dependencies, Chromium, Postgres + Redis, and a migrated database.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, ensureChromium, ensureDependencies, ensureServices, fail, root, say } from "./prerequisites.mjs";

/** The environment every process of a local stack shares: this shell's, plus local defaults. */
export function localStackEnv() {
  const env = { ...process.env };
  env.DATABASE_URL ||= DEFAULT_DATABASE_URL;
  env.REDIS_URL ||= DEFAULT_REDIS_URL;
  if (!env.ALLOW_LOOPBACK_TARGETS) {
    env.ALLOW_LOOPBACK_TARGETS = "true";
    say("local mode: ALLOW_LOOPBACK_TARGETS=true, so pages on 127.0.0.1/localhost can be scraped (set it to false to refuse them)");
  }
  // The API and the workers of this one stack share it; a deployment sets its own (FLEET_SECRET).
  env.FLEET_SECRET ||= randomBytes(32).toString("hex");
  // Likewise the key that encrypts tasks' LLM API keys in Redis (TASK_KEY_SECRET).
  env.TASK_KEY_SECRET ||= randomBytes(32).toString("hex");
  return env;
}

/** Installs what is missing, checks the services and migrates the database; exits with a message on failure. */
export async function prepareLocalStack(env) {
  ensureDependencies();
  ensureChromium(env.CHROMIUM_PATH || "/usr/bin/chromium");
  await ensureServices(env.DATABASE_URL, env.REDIS_URL);

  say("creating and migrating the database…");
  const migrate = spawnSync(join(root, "node_modules", ".bin", "browserfleet"), ["migrate"], { cwd: root, stdio: "inherit", env });
  if (migrate.status !== 0) fail("database migration failed (see above)");
}
