// One export line per domain folder; each folder's index.ts says what it offers.
export * from "./client.ts";
export * from "./migrations/index.ts";
export * from "./workspaces/index.ts";
export * from "./api-keys/index.ts";
export * from "./credits/index.ts";
export * from "./jobs/index.ts";
export * from "./webhooks/index.ts";
export * from "./idempotency/index.ts";
export * from "./blobs/index.ts";
export * from "./transactions/index.ts";
export * from "./agents/index.ts";
export * from "./usage/index.ts";
export * from "./tasks/index.ts";
export * from "./hot-paths/index.ts";
