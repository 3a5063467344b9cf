export * from "./page-job.ts";
export * from "./job-events.ts";
export * from "./redis-connection.ts";
export * from "./page-queue.ts";
export * from "./admission/index.ts";
