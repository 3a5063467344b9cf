export type { CreatedApiKey } from "./insert-api-key.ts";
export * from "./create-api-key.ts";
export * from "./find-api-key-by-hash.ts";
export * from "./list-api-keys.ts";
export * from "./revoke-api-key.ts";
export * from "./record-api-key-usage.ts";
