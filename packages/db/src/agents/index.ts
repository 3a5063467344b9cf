export * from "./create-agent.ts";
export * from "./agent-session-transitions.ts";
export * from "./find-agents.ts";
export * from "./agent-tokens.ts";
export * from "./find-sessions-to-sweep.ts";
