export * from "./driver-pool.ts";
export * from "./find-api-key-hot.ts";
export * from "./find-job-hot.ts";
export * from "./create-job-hot.ts";
export * from "./find-api-key-and-job-hot.ts";
