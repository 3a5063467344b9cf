import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";

const lua = (name: string): string => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), "utf8");

/** Scripts that end in an admission step carry admit.lua's function in front of their body. */
const ADMIT = lua("admit");

export const ADMISSION_SCRIPTS = {
  bfAdmEnqueue: `${ADMIT}\n${lua("enqueue")}`,
  bfAdmRelease: `${ADMIT}\n${lua("release")}`,
  bfAdmHeartbeat: `${ADMIT}\n${lua("heartbeat")}`,
  bfAdmRenew: lua("renew"),
  bfAdmPurgeJob: lua("purge-job"),
  bfAdmPendingByWorkspace: lua("pending-by-workspace"),
} as const;

type ScriptName = keyof typeof ADMISSION_SCRIPTS;

/** The ioredis client with our scripts defined (EVALSHA, falling back to EVAL after a Redis restart). */
export type AdmissionRedis = Redis & { [K in ScriptName]: (...args: (string | number)[]) => Promise<unknown> };

export function defineAdmissionScripts(redis: Redis): AdmissionRedis {
  for (const [name, source] of Object.entries(ADMISSION_SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua: source });
  }
  return redis as AdmissionRedis;
}
