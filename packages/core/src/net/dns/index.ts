export * from "./answer-cache.ts";
export * from "./bounded-resolver.ts";
export * from "./create-host-lookup.ts";
export * from "./dns-lookup-error.ts";
export * from "./fair-slots.ts";
export * from "./local-answer.ts";
