export * from "./stored-response.ts";
export * from "./claim-idempotency-key.ts";
export * from "./complete-idempotency-key.ts";
export * from "./release-idempotency-key.ts";
export * from "./delete-expired-idempotency-keys.ts";
