export * from "./create-task-job.ts";
export * from "./task-steps.ts";
export * from "./task-transitions.ts";
