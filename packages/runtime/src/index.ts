export * from "./create-logger.ts";
export * from "./metrics-registry.ts";
export * from "./readiness.ts";
export * from "./ops-routes.ts";
export * from "./ops-server.ts";
export * from "./graceful-shutdown.ts";
export * from "./exit-on-config-error.ts";
