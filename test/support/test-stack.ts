import { randomBytes } from "node:crypto";
import { createPrismaClient, createWorkspace, type PrismaClient } from "@browserfleet/db";
import { createTemporaryDatabase } from "@browserfleet/db/testing";
import { startApp, type AppProcess } from "./app-process.ts";
import { startInProcessApi, type ApiHandle } from "./in-process-api.ts";

/** Chromium never resolves names outside this machine during tests. */
export const TEST_CHROMIUM_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"];

/**
 * What every process of a test or bench fleet gets: its own queue prefix, ports the OS picks,
 * loopback targets allowed and no DNS beyond localhost (nothing leaves the machine).
 */
export function localFleetEnv(urls: { databaseUrl: string; redisUrl: string }): Record<string, string> {
  return {
    DATABASE_URL: urls.databaseUrl,
    REDIS_URL: urls.redisUrl,
    QUEUE_PREFIX: `bft_${randomBytes(5).toString("hex")}`,
    PORT: "0",
    WORKER_PORT: "0",
    DISPATCHER_PORT: "0",
    ALLOW_LOOPBACK_TARGETS: "true",
    DNS_LOOPBACK_ONLY: "true",
    CHROMIUM_EXTRA_ARGS: JSON.stringify(TEST_CHROMIUM_ARGS),
    LOG_LEVEL: "info",
    NODE_ENV: "test",
    SHUTDOWN_TIMEOUT_MS: "10000",
    FLEET_SECRET: randomBytes(32).toString("hex"),
    TASK_KEY_SECRET: randomBytes(32).toString("hex"),
    // Agent browsers only where a test asks for them (each warm one is a Chromium of its own).
    WORKER_AGENT_SLOTS: "0",
    ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
  };
}

export interface TestStack<Api extends ApiHandle = AppProcess> {
  apiUrl: string;
  env: Record<string, string>;
  prisma: PrismaClient;
  api: Api;
  workers: AppProcess[];
  dispatchers: AppProcess[];
  startWorker(extraEnv?: Record<string, string>): Promise<AppProcess>;
  /** Another API on the same fleet, run the way this stack runs its first one. */
  startApi(extraEnv?: Record<string, string>): Promise<Api>;
  /** A webhook dispatcher (none start by default: most tests send no webhooks). */
  startDispatcher(extraEnv?: Record<string, string>): Promise<AppProcess>;
  newWorkspace(name?: string): Promise<{ workspaceId: string; apiKey: string }>;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  workers?: number;
  dispatchers?: number;
  env?: Record<string, string>;
  /**
   * "in-process" runs the API inside the test's process (startInProcessApi): for files that only talk to it over HTTP,
   * it saves a process start. Workers and dispatchers are always processes of their own.
   */
  api?: "process" | "in-process";
}

/**
 * A whole browserfleet for one test file: its own database and queue prefix (so files run
 * in parallel and again), the real API and worker processes, real Postgres, Redis, Chromium.
 */
export function startTestStack(options: TestStackOptions & { api: "in-process" }): Promise<TestStack<ApiHandle>>;
export function startTestStack(options?: TestStackOptions & { api?: "process" }): Promise<TestStack>;
export function startTestStack(options?: TestStackOptions): Promise<TestStack<ApiHandle>>;
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack<ApiHandle>> {
  const database = await createTemporaryDatabase();
  const env: Record<string, string> = {
    ...localFleetEnv({ databaseUrl: database.url, redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" }),
    ...options.env,
  };
  const prisma = createPrismaClient(database.url);
  const started: ApiHandle[] = [];
  const workers: AppProcess[] = [];
  const startWorker = async (extraEnv: Record<string, string> = {}): Promise<AppProcess> => {
    const worker = await startApp("worker", { ...env, ...extraEnv });
    started.push(worker);
    workers.push(worker);
    return worker;
  };
  const dispatchers: AppProcess[] = [];
  const startDispatcher = async (extraEnv: Record<string, string> = {}): Promise<AppProcess> => {
    const dispatcher = await startApp("dispatcher", { ...env, ...extraEnv });
    started.push(dispatcher);
    dispatchers.push(dispatcher);
    return dispatcher;
  };
  const startApi = async (extraEnv: Record<string, string> = {}): Promise<ApiHandle> => {
    const api = options.api === "in-process" ? await startInProcessApi({ ...env, ...extraEnv }) : await startApp("api", { ...env, ...extraEnv });
    started.push(api);
    return api;
  };
  try {
    // allSettled: a failure must not leave a sibling that finishes starting afterwards unstopped.
    const launched = await Promise.allSettled([
      startApi(),
      ...Array.from({ length: options.workers ?? 1 }, () => startWorker()),
      ...Array.from({ length: options.dispatchers ?? 0 }, () => startDispatcher()),
    ]);
    const failed = launched.find((l) => l.status === "rejected");
    if (failed) throw failed.reason;
    const api = (launched[0] as PromiseFulfilledResult<ApiHandle>).value;
    return {
      apiUrl: `http://127.0.0.1:${api.port}`,
      env,
      prisma,
      api,
      workers,
      dispatchers,
      startWorker,
      startDispatcher,
      startApi,
      newWorkspace: async (name = "test") => {
        const created = await createWorkspace(prisma, { name });
        return { workspaceId: created.workspace.id, apiKey: created.apiKey.key };
      },
      stop: async () => {
        await Promise.all(started.map((p) => p.stop("SIGTERM")));
        await prisma.$disconnect();
        await database.drop();
      },
    };
  } catch (err) {
    await Promise.all(started.map((p) => p.stop("SIGKILL")));
    await prisma.$disconnect();
    await database.drop();
    throw err;
  }
}
