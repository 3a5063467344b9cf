export * from "./idempotency-headers.ts";
export * from "./idempotency-key.ts";
export * from "./hash-idempotent-request.ts";
