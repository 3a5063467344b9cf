export * from "./create-agent.ts";
export * from "./agent-session-transitions.ts";
export * from "./find-agents.ts";
export * from "./agent-tokens.ts";
export * from "./find-sessions-to-sweep.ts";
export * from "./open-agent-session.ts";
export * from "./profile-store.ts";
export * from "./list-agent-sessions.ts";
