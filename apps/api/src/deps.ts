import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { AppConfig } from "@browserfleet/config";
import type { TargetPolicy } from "@browserfleet/core";
import type { BlobStores, Db, DriverPool } from "@browserfleet/db";
import type { AdmissionController, PageQueue } from "@browserfleet/queue";
import type { AgentQueue } from "@browserfleet/agents";
import type { TaskKeyVault } from "@browserfleet/tasks";
import type { JobWaiter } from "./jobs/job-waiter.ts";
import type { RateLimits } from "./http/rate-limit.ts";
import type { KeyUsageRecorder } from "./keys/key-usage-recorder.ts";

/** Everything the API's routes and services need, built once in main.ts. */
export interface ApiDeps {
  config: AppConfig;
  logger: Logger;
  prisma: Db;
  /** The hottest statements (key lookup, a job by id, job creation) through the pg driver. */
  driver: DriverPool;
  redis: Redis;
  pageQueue: PageQueue;
  admission: AdmissionController;
  jobWaiter: JobWaiter;
  registry: Registry;
  targetPolicy: TargetPolicy;
  isDraining: () => boolean;
  rateLimits: RateLimits;
  keyUsage: KeyUsageRecorder;
  /** Every store payloads may be in (reads and retention deletes). */
  blobs: BlobStores;
  /** Agent sessions waiting for a worker with a free agent slot. */
  agentQueue: AgentQueue;
  /** Wakes a create request when its session leaves queued (running, failed). */
  agentWaiter: JobWaiter;
  /** Wakes a DELETE when the worker has saved and ended the session (ended, failed). */
  agentEndWaiter: JobWaiter;
  /** The origin put into cdp_url, cdp_http and live_url (PUBLIC_API_URL, else this process's own address). */
  publicUrl: () => string;
  /** Where a task's LLM key waits for its worker (Redis, encrypted); null when TASK_KEY_SECRET is unset (tasks refused). */
  taskKeys: TaskKeyVault | null;
}
