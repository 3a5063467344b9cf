export * from "./pool/chromium-args.ts";
export { DEFAULT_SANDBOX_USER, type ChromiumSandboxMode, type SandboxUser } from "./pool/chromium-sandbox.ts";
export * from "./pool/browser-pool.ts";
export { contextShareKey, type ContextLeaseOptions } from "./pool/context-lease.ts";
export * from "./render/render-types.ts";
export * from "./render/render-page.ts";
export { AgentBrowserLauncher, AgentBrowserLaunchError, type AgentBrowser, type AgentBrowserOptions, type AgentLaunchOptions } from "./agents/launch-agent-browser.ts";
export * from "./agents/profile-archive.ts";
export { AGENT_PROFILES_DIR, agentProfileRoot, sweepOrphanedProfileRoots } from "./agents/agent-profile-root.ts";
