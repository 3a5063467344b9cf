export { Client } from "./client.ts";
export type { ClientOptions, RequestOptions } from "./http-client.ts";
export type { RetryOptions } from "./retry-policy.ts";
export * from "./errors.ts";
export { verifyWebhook, type VerifyWebhookOptions } from "./verify-webhook.ts";
export { paginate } from "./paginate.ts";
export type * from "./api-types.ts";
