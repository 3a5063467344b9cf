export * from "./create-workspace.ts";
export * from "./set-workspace-max-concurrency.ts";
export * from "./set-workspace-rate-limits.ts";
export * from "./set-workspace-max-agents.ts";
