export * from "./signatures.ts";
export * from "./retry-policy.ts";
export * from "./event-envelope.ts";
export * from "./event-payloads.ts";
