import type * as T from "./api-types.ts";
import { WaitTimeoutError } from "./errors.ts";
import { HttpClient, type ApiCall, type ClientOptions, type RequestOptions } from "./http-client.ts";
import { paginate } from "./paginate.ts";

type ListQuery = { limit?: number; cursor?: string };
const TERMINAL = new Set(["completed", "failed", "cancelled"]);
/** The longest `?wait=` the API takes (api.md: 1..120). */
const MAX_WAIT_SECONDS = 120;

const path = (template: string, ...ids: string[]): string => {
  let i = 0;
  return template.replace(/\{\w+\}/g, () => encodeURIComponent(ids[i++] ?? ""));
};

/**
 * The browserfleet API: one method per endpoint of api.md (names as their operationIds, quick
 * calls by their verb), iterators over every list, waitForJob over the long-poll. Every creating
 * POST carries an Idempotency-Key (yours via `options.idempotencyKey`, or one generated per call)
 * and is retried on 429/503/network errors under that same key; failures are typed errors.
 */
export class Client {
  readonly http: HttpClient;

  constructor(options: ClientOptions) {
    this.http = new HttpClient(options);
  }

  private async run<R>(call: ApiCall, options?: RequestOptions): Promise<R> {
    return (await this.http.call<R>(call, options)).body;
  }

  // Quick calls: sync (200 with the page) unless `async: true` (202 with the job).
  scrape(body: T.ScrapeBody, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/quick/scrape", "post", 200> | T.AnswerBody<"/v1/quick/scrape", "post", 202>>({ method: "POST", path: "/v1/quick/scrape", body, idempotent: true }, options);
  }
  screenshot(body: T.ScreenshotBody, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/quick/screenshot", "post", 200> | T.AnswerBody<"/v1/quick/screenshot", "post", 202>>({ method: "POST", path: "/v1/quick/screenshot", body, idempotent: true }, options);
  }
  extract(body: T.ExtractBody, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/quick/extract", "post", 200> | T.AnswerBody<"/v1/quick/extract", "post", 202>>({ method: "POST", path: "/v1/quick/extract", body, idempotent: true }, options);
  }
  batch(body: T.BatchBody, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/quick/batch", "post", 202>>({ method: "POST", path: "/v1/quick/batch", body, idempotent: true }, options);
  }
  crawl(body: T.CrawlBody, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/quick/crawl", "post", 202>>({ method: "POST", path: "/v1/quick/crawl", body, idempotent: true }, options);
  }

  // Jobs.
  listJobs(query: T.QueryOf<"/v1/jobs", "get"> = {}, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/jobs", "get", 200>>({ method: "GET", path: "/v1/jobs", query }, options);
  }
  iterJobs(query: Omit<T.QueryOf<"/v1/jobs", "get">, "cursor"> = {}, options?: RequestOptions) {
    return paginate((cursor) => this.listJobs({ ...query, ...(cursor ? { cursor } : {}) }, options));
  }
  getJob(id: string, query: { wait?: number } = {}, options?: RequestOptions) {
    // A long-poll holds the request open for `wait` seconds: the timeout makes room for it.
    const timeoutMs = query.wait === undefined ? options?.timeoutMs : Math.max(options?.timeoutMs ?? 0, query.wait * 1000 + 30_000);
    return this.run<T.JobEnvelope>({ method: "GET", path: path("/v1/jobs/{id}", id), query }, { ...options, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  }
  getJobStatus(id: string, options?: RequestOptions) {
    return this.run<T.JobStatus>({ method: "GET", path: path("/v1/jobs/{id}/status", id) }, options);
  }
  listResults(id: string, query: ListQuery = {}, options?: RequestOptions) {
    return this.run<T.Page<T.ResultItem>>({ method: "GET", path: path("/v1/jobs/{id}/results", id), query }, options);
  }
  iterResults(id: string, query: { limit?: number } = {}, options?: RequestOptions) {
    return paginate((cursor) => this.listResults(id, { ...query, ...(cursor ? { cursor } : {}) }, options));
  }
  cancelJob(id: string, options?: RequestOptions) {
    return this.run<T.JobEnvelope>({ method: "POST", path: path("/v1/jobs/{id}/cancel", id) }, options);
  }
  /**
   * Long-polls (`?wait=`, up to 120 s per request) until the job is terminal — or, with
   * `untilInputRequired`, until a task asks its question — and answers its envelope; past
   * `timeoutMs` (default 10 min) throws WaitTimeoutError, the job going on.
   */
  async waitForJob(id: string, opts: { timeoutMs?: number; untilInputRequired?: boolean; signal?: AbortSignal } = {}): Promise<T.JobEnvelope> {
    const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
    for (;;) {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      const job = await this.getJob(id, left >= 1 ? { wait: Math.min(MAX_WAIT_SECONDS, left) } : {}, opts.signal ? { signal: opts.signal } : {});
      if (TERMINAL.has(job.status) || (opts.untilInputRequired === true && job.status === "input_required")) return job;
      if (Date.now() >= deadline) {
        throw new WaitTimeoutError(`job ${id} was still ${job.status} after ${opts.timeoutMs ?? 600_000} ms`, { code: "WAIT_TIMEOUT", status: 0, body: job as unknown as Record<string, unknown> });
      }
    }
  }

  // AI tasks and the router.
  createTask(body: T.CreateTaskBody, options?: RequestOptions) {
    return this.run<T.SubmittedTask>({ method: "POST", path: "/v1/tasks", body, idempotent: true }, options);
  }
  auto(body: T.AutoBody, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/auto", "post", 200> | T.AnswerBody<"/v1/auto", "post", 202>>({ method: "POST", path: "/v1/auto", body, idempotent: true }, options);
  }
  listTaskSteps(id: string, query: ListQuery = {}, options?: RequestOptions) {
    return this.run<T.Page<T.TaskStep>>({ method: "GET", path: path("/v1/jobs/{id}/steps", id), query }, options);
  }
  iterTaskSteps(id: string, query: { limit?: number } = {}, options?: RequestOptions) {
    return paginate((cursor) => this.listTaskSteps(id, { ...query, ...(cursor ? { cursor } : {}) }, options));
  }
  respondToJob(id: string, input: string, options?: RequestOptions) {
    return this.run<T.JobEnvelope>({ method: "POST", path: path("/v1/jobs/{id}/respond", id), body: { input } }, options);
  }

  // Credits, usage, keys.
  getCredits(options?: RequestOptions) {
    return this.run<T.Credits>({ method: "GET", path: "/v1/credits" }, options);
  }
  listLedger(query: ListQuery = {}, options?: RequestOptions) {
    return this.run<T.Page<T.LedgerEntry>>({ method: "GET", path: "/v1/credits/ledger", query }, options);
  }
  iterLedger(query: { limit?: number } = {}, options?: RequestOptions) {
    return paginate((cursor) => this.listLedger({ ...query, ...(cursor ? { cursor } : {}) }, options));
  }
  getUsage(query: T.QueryOf<"/v1/usage", "get"> = {}, options?: RequestOptions) {
    return this.run<T.Usage>({ method: "GET", path: "/v1/usage", query }, options);
  }
  createKey(name: string, options?: RequestOptions) {
    return this.run<T.CreatedKey>({ method: "POST", path: "/v1/keys", body: { name } }, options);
  }
  listKeys(query: ListQuery = {}, options?: RequestOptions) {
    return this.run<T.Page<T.ApiKeyView>>({ method: "GET", path: "/v1/keys", query }, options);
  }
  iterKeys(query: { limit?: number } = {}, options?: RequestOptions) {
    return paginate((cursor) => this.listKeys({ ...query, ...(cursor ? { cursor } : {}) }, options));
  }
  async revokeKey(id: string, options?: RequestOptions): Promise<void> {
    await this.run<void>({ method: "DELETE", path: path("/v1/keys/{id}", id) }, options);
  }

  // Webhooks.
  createWebhook(body: T.CreateWebhookBody, options?: RequestOptions) {
    return this.run<T.Webhook>({ method: "POST", path: "/v1/webhooks", body }, options);
  }
  listWebhooks(query: ListQuery = {}, options?: RequestOptions) {
    return this.run<T.Page<T.Webhook>>({ method: "GET", path: "/v1/webhooks", query }, options);
  }
  iterWebhooks(query: { limit?: number } = {}, options?: RequestOptions) {
    return paginate((cursor) => this.listWebhooks({ ...query, ...(cursor ? { cursor } : {}) }, options));
  }
  getWebhook(id: string, options?: RequestOptions) {
    return this.run<T.Webhook>({ method: "GET", path: path("/v1/webhooks/{id}", id) }, options);
  }
  updateWebhook(id: string, body: T.UpdateWebhookBody, options?: RequestOptions) {
    return this.run<T.Webhook>({ method: "PATCH", path: path("/v1/webhooks/{id}", id), body }, options);
  }
  async deleteWebhook(id: string, options?: RequestOptions): Promise<void> {
    await this.run<void>({ method: "DELETE", path: path("/v1/webhooks/{id}", id) }, options);
  }
  /** Queues a `webhook.test` event to this endpoint (POST …/ping; …/test is the same route). */
  pingWebhook(id: string, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/webhooks/{id}/ping", "post", 202>>({ method: "POST", path: path("/v1/webhooks/{id}/ping", id) }, options);
  }
  listDeliveries(id: string, query: ListQuery = {}, options?: RequestOptions) {
    return this.run<T.Page<T.WebhookDelivery>>({ method: "GET", path: path("/v1/webhooks/{id}/deliveries", id), query }, options);
  }
  iterDeliveries(id: string, query: { limit?: number } = {}, options?: RequestOptions) {
    return paginate((cursor) => this.listDeliveries(id, { ...query, ...(cursor ? { cursor } : {}) }, options));
  }
  getSigningSecret(options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/webhooks/signing-secret", "get", 200>>({ method: "GET", path: "/v1/webhooks/signing-secret" }, options);
  }
  rotateSigningSecret(options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/webhooks/signing-secret/rotate", "post", 200>>({ method: "POST", path: "/v1/webhooks/signing-secret/rotate" }, options);
  }

  // Agents.
  createAgent(body: T.CreateAgentBody = {}, options?: RequestOptions) {
    return this.run<T.CreatedAgent>({ method: "POST", path: "/v1/agents", body, idempotent: true }, options);
  }
  listAgents(query: T.QueryOf<"/v1/agents", "get"> = {}, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/agents", "get", 200>>({ method: "GET", path: "/v1/agents", query }, options);
  }
  iterAgents(query: Omit<T.QueryOf<"/v1/agents", "get">, "cursor"> = {}, options?: RequestOptions) {
    return paginate((cursor) => this.listAgents({ ...query, ...(cursor ? { cursor } : {}) }, options));
  }
  getAgent(id: string, options?: RequestOptions) {
    return this.run<T.Agent>({ method: "GET", path: path("/v1/agents/{id}", id) }, options);
  }
  async deleteAgent(id: string, options?: RequestOptions): Promise<void> {
    await this.run<void>({ method: "DELETE", path: path("/v1/agents/{id}", id) }, options);
  }
  getAgentCdp(id: string, options?: RequestOptions) {
    return this.run<T.AgentCdp>({ method: "GET", path: path("/v1/agents/{id}/cdp", id) }, options);
  }
  createAgentSession(id: string, body: T.CreateAgentSessionBody = {}, options?: RequestOptions) {
    return this.run<T.AgentSession>({ method: "POST", path: path("/v1/agents/{id}/sessions", id), body }, options);
  }
  listAgentSessions(id: string, query: ListQuery = {}, options?: RequestOptions) {
    return this.run<T.Page<T.AgentSession>>({ method: "GET", path: path("/v1/agents/{id}/sessions", id), query }, options);
  }
  iterAgentSessions(id: string, query: { limit?: number } = {}, options?: RequestOptions) {
    return paginate((cursor) => this.listAgentSessions(id, { ...query, ...(cursor ? { cursor } : {}) }, options));
  }
  async deleteAgentSession(id: string, sessionId: string, options?: RequestOptions): Promise<void> {
    await this.run<void>({ method: "DELETE", path: path("/v1/agents/{id}/sessions/{sid}", id, sessionId) }, options);
  }
  getFingerprint(id: string, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/agents/{id}/fingerprint", "get", 200>>({ method: "GET", path: path("/v1/agents/{id}/fingerprint", id) }, options);
  }
  getDetectionSignal(id: string, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/agents/{id}/detection-signal", "get", 200>>({ method: "GET", path: path("/v1/agents/{id}/detection-signal", id) }, options);
  }
  getTrust(id: string, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/agents/{id}/trust", "get", 200>>({ method: "GET", path: path("/v1/agents/{id}/trust", id) }, options);
  }
  createPreviewToken(id: string, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/agents/{id}/preview-token", "post", 201>>({ method: "POST", path: path("/v1/agents/{id}/preview-token", id) }, options);
  }
  agentScreenshot(id: string, body: { full_page?: boolean } = {}, options?: RequestOptions) {
    return this.run<T.AnswerBody<"/v1/agents/{id}/screenshot", "post", 200>>({ method: "POST", path: path("/v1/agents/{id}/screenshot", id), body }, options);
  }
}
