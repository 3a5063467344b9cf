// The request and answer types of every route, read from the OpenAPI document the server serves
// (generated/openapi.ts, made by `npm run -w packages/sdk generate` from the same zod schemas the
// API validates with; a test fails when the committed file differs from a fresh generation).
import type { components, paths } from "./generated/openapi.ts";

type JsonOf<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Op<P extends keyof paths, M extends string> = M extends keyof paths[P] ? NonNullable<paths[P][M]> : never;

/** The JSON body a route takes. */
export type RequestBody<P extends keyof paths, M extends string> = Op<P, M> extends { requestBody?: infer R } ? JsonOf<NonNullable<R>> : never;
/** The JSON answer of a route for one status. */
export type AnswerBody<P extends keyof paths, M extends string, S extends number> = Op<P, M> extends { responses: infer R } ? (S extends keyof R ? JsonOf<R[S]> : never) : never;
/** A route's query parameters. */
export type QueryOf<P extends keyof paths, M extends string> = Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Schemas = components["schemas"];

export type ScrapeBody = RequestBody<"/v1/quick/scrape", "post">;
export type ScreenshotBody = RequestBody<"/v1/quick/screenshot", "post">;
export type ExtractBody = RequestBody<"/v1/quick/extract", "post">;
export type BatchBody = RequestBody<"/v1/quick/batch", "post">;
export type CrawlBody = RequestBody<"/v1/quick/crawl", "post">;
export type CreateTaskBody = RequestBody<"/v1/tasks", "post">;
export type AutoBody = RequestBody<"/v1/auto", "post">;
export type CreateWebhookBody = RequestBody<"/v1/webhooks", "post">;
export type UpdateWebhookBody = RequestBody<"/v1/webhooks/{id}", "patch">;
export type CreateAgentBody = RequestBody<"/v1/agents", "post">;
export type CreateAgentSessionBody = RequestBody<"/v1/agents/{id}/sessions", "post">;

export type JobEnvelope = AnswerBody<"/v1/jobs/{id}", "get", 200>;
export type JobStatus = AnswerBody<"/v1/jobs/{id}/status", "get", 200>;
export type ResultItem = AnswerBody<"/v1/jobs/{id}/results", "get", 200>["items"][number];
export type TaskStep = AnswerBody<"/v1/jobs/{id}/steps", "get", 200>["items"][number];
export type SubmittedTask = AnswerBody<"/v1/tasks", "post", 202>;
export type Credits = AnswerBody<"/v1/credits", "get", 200>;
export type LedgerEntry = AnswerBody<"/v1/credits/ledger", "get", 200>["items"][number];
export type Usage = AnswerBody<"/v1/usage", "get", 200>;
export type CreatedKey = AnswerBody<"/v1/keys", "post", 201>;
export type ApiKeyView = AnswerBody<"/v1/keys", "get", 200>["items"][number];
export type Webhook = AnswerBody<"/v1/webhooks/{id}", "get", 200>;
export type WebhookDelivery = AnswerBody<"/v1/webhooks/{id}/deliveries", "get", 200>["items"][number];
export type Agent = AnswerBody<"/v1/agents/{id}", "get", 200>;
export type CreatedAgent = AnswerBody<"/v1/agents", "post", 201>;
export type AgentSession = AnswerBody<"/v1/agents/{id}/sessions", "post", 201>;
export type AgentCdp = AnswerBody<"/v1/agents/{id}/cdp", "get", 200>;

/** A page of any list endpoint. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
