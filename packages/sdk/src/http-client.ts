import { randomUUID } from "node:crypto";
import { BrowserfleetError, NetworkError, errorFromAnswer } from "./errors.ts";
import { DEFAULT_RETRY, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryOptions } from "./retry-policy.ts";

export interface ClientOptions {
  /** `agt_live_…`, sent as X-API-Key. */
  apiKey: string;
  /** The API's origin (default http://127.0.0.1:3000, what `npm start` serves). */
  baseUrl?: string;
  /** Per request, in ms (default 60 s; a long-poll adds its own wait). */
  timeoutMs?: number;
  /** Retries of 429, 503 and network errors (see RetryOptions). */
  retry?: Partial<RetryOptions>;
  /** The fetch to use (default the global one; Node ≥ 18). */
  fetch?: typeof fetch;
  /** Extra headers on every request (a User-Agent of your own, a tracing header). */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
  /** This call's timeout in ms, instead of the client's. */
  timeoutMs?: number;
  /** The Idempotency-Key of a creating POST; generated once per call when absent, and reused by its retries. */
  idempotencyKey?: string;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export interface ApiCall {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  query?: Query;
  body?: unknown;
  /** A POST that creates something: it carries an Idempotency-Key, so retrying it can never create twice. */
  idempotent?: boolean;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

const DEFAULT_BASE_URL = "http://127.0.0.1:3000";
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The one place requests are made: auth, JSON in and out, the error envelope as typed errors,
 * and retries (429/503 after Retry-After, network errors with jittered backoff) — a POST only
 * when it carries an Idempotency-Key, which stays the same across its retries.
 */
export class HttpClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryOptions;
  private readonly fetchImpl: typeof fetch;
  private readonly headers: Record<string, string>;

  constructor(options: ClientOptions) {
    if (typeof options.apiKey !== "string" || options.apiKey.length === 0) throw new TypeError("apiKey is required");
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.headers = { ...options.headers };
    if (typeof this.fetchImpl !== "function") throw new TypeError("no fetch: use Node ≥ 18 or pass options.fetch");
  }

  async call<T>(call: ApiCall, options: RequestOptions = {}): Promise<ApiAnswer<T>> {
    const url = this.url(call.path, call.query);
    const headers: Record<string, string> = { ...this.headers, accept: "application/json", "x-api-key": this.apiKey };
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers["content-type"] = "application/json";
    }
    if (call.idempotent === true) headers["idempotency-key"] = options.idempotencyKey ?? randomUUID();
    // A 429 or 503 was refused before anything happened, so any call may be sent again; after no
    // answer at all, a POST only when it carries an Idempotency-Key (it may have been acted on).
    const mayResend = call.method !== "POST" || headers["idempotency-key"] !== undefined;
    for (let retry = 0; ; retry += 1) {
      let failure: BrowserfleetError;
      let answered = false;
      try {
        const answer = await this.send(url, { method: call.method, headers, ...(body === undefined ? {} : { body }) }, options);
        const parsed = await readBody(answer);
        if (answer.ok) return { status: answer.status, body: parsed as T, headers: answer.headers };
        failure = errorFromAnswer(answer.status, parsed, parseRetryAfter(answer.headers.get("retry-after")), answer.headers.get("x-request-id"));
        if (!isRetryableStatus(answer.status)) throw failure;
        answered = true;
      } catch (err) {
        if (err instanceof BrowserfleetError && !(err instanceof NetworkError)) throw err;
        if (options.signal?.aborted) throw options.signal.reason ?? err;
        failure = err instanceof NetworkError ? err : toNetworkError(err);
      }
      const wait = (answered || mayResend) && retry < this.retry.maxRetries ? retryDelayMs(this.retry, retry + 1, failure.retryAfter) : null;
      if (wait === null) throw failure;
      await sleep(wait, options.signal);
    }
  }

  private async send(url: string, init: RequestInit, options: RequestOptions): Promise<Response> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new NetworkError(`no answer within ${options.timeoutMs ?? this.timeoutMs} ms`, { code: "NETWORK_ERROR", status: 0 })), options.timeoutMs ?? this.timeoutMs);
    const onAbort = (): void => timeout.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await this.fetchImpl(url, { ...init, signal: timeout.signal });
    } catch (err) {
      if (timeout.signal.reason instanceof NetworkError) throw timeout.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  private url(path: string, query: Query | undefined): string {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    return url.toString();
  }
}

async function readBody(answer: Response): Promise<unknown> {
  if (answer.status === 204) return undefined;
  const text = await answer.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toNetworkError(err: unknown): NetworkError {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new NetworkError(`no answer from the API: ${message}`, { code: "NETWORK_ERROR", status: 0, cause: err });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
