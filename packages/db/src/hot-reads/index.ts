export * from "./hot-read-pool.ts";
export * from "./find-api-key-hot.ts";
export * from "./find-job-hot.ts";
