export * from "./chromium-args.ts";
export { DEFAULT_SANDBOX_USER, type ChromiumSandboxMode, type SandboxUser } from "./chromium-sandbox.ts";
export * from "./browser-pool.ts";
export { contextShareKey, type ContextLeaseOptions } from "./context-lease.ts";
export * from "./render-types.ts";
export * from "./render-page.ts";
export * from "./egress-proxy.ts";
export type { EgressPolicy } from "./egress-target.ts";
export type { TunnelFailure } from "./egress-answers.ts";

export * from "./egress-fetch.ts";
