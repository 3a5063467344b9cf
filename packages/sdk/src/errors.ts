/** A failed API call: the envelope of api.md (`{error, code, request_id, details?}`) as an exception. */
export class BrowserfleetError extends Error {
  /** The envelope's code (`BAD_REQUEST`, `NOT_FOUND`, …); `NETWORK_ERROR` when no answer came. */
  readonly code: string;
  /** The HTTP status (0 when no answer came). */
  readonly status: number;
  readonly requestId: string | null;
  /** Per-field problems of a validation failure. */
  readonly details: { path: string; message: string }[] | null;
  /** Seconds the server asked to wait (Retry-After), when it said. */
  readonly retryAfter: number | null;
  /** The whole error body as answered (extra fields such as `job_id` included). */
  readonly body: Record<string, unknown> | null;

  constructor(message: string, init: { code: string; status: number; requestId?: string | null; details?: { path: string; message: string }[] | null; retryAfter?: number | null; body?: Record<string, unknown> | null; cause?: unknown }) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId ?? null;
    this.details = init.details ?? null;
    this.retryAfter = init.retryAfter ?? null;
    this.body = init.body ?? null;
  }
}

type ErrorInit = ConstructorParameters<typeof BrowserfleetError>[1];

// One class per envelope code of api.md, so callers can `instanceof` the case they handle.
export class BadRequestError extends BrowserfleetError {}
export class InvalidIdError extends BrowserfleetError {}
export class UnauthorizedError extends BrowserfleetError {}
export class InvalidApiKeyError extends BrowserfleetError {}
export class InsufficientCreditError extends BrowserfleetError {}
export class NotFoundError extends BrowserfleetError {}
export class JobTerminalError extends BrowserfleetError {}
export class IdempotencyConflictError extends BrowserfleetError {}
export class AgentNotRunningError extends BrowserfleetError {}
export class AgentRunningError extends BrowserfleetError {}
export class JobNotWaitingError extends BrowserfleetError {}
export class KeyLimitReachedError extends BrowserfleetError {}
export class GoneError extends BrowserfleetError {}
export class PayloadTooLargeError extends BrowserfleetError {}
export class UnsupportedMediaTypeError extends BrowserfleetError {}
export class UrlNotAllowedError extends BrowserfleetError {}
export class TooManyRequestsError extends BrowserfleetError {}
export class InternalError extends BrowserfleetError {}
export class UpstreamUnavailableError extends BrowserfleetError {}
export class NoCapacityError extends BrowserfleetError {}
export class ServiceUnavailableError extends BrowserfleetError {}
export class UpstreamTimeoutError extends BrowserfleetError {}
/** No answer at all (connection refused or reset, DNS, the client's timeout). */
export class NetworkError extends BrowserfleetError {}
/** waitForJob's own timeout passed before the job finished. */
export class WaitTimeoutError extends BrowserfleetError {}

export const ERROR_CLASSES: Readonly<Record<string, new (message: string, init: ErrorInit) => BrowserfleetError>> = {
  BAD_REQUEST: BadRequestError,
  INVALID_ID: InvalidIdError,
  UNAUTHORIZED: UnauthorizedError,
  INVALID_API_KEY: InvalidApiKeyError,
  INSUFFICIENT_CREDIT: InsufficientCreditError,
  NOT_FOUND: NotFoundError,
  JOB_TERMINAL: JobTerminalError,
  IDEMPOTENCY_CONFLICT: IdempotencyConflictError,
  AGENT_NOT_RUNNING: AgentNotRunningError,
  AGENT_RUNNING: AgentRunningError,
  JOB_NOT_WAITING: JobNotWaitingError,
  KEY_LIMIT_REACHED: KeyLimitReachedError,
  GONE: GoneError,
  PAYLOAD_TOO_LARGE: PayloadTooLargeError,
  UNSUPPORTED_MEDIA_TYPE: UnsupportedMediaTypeError,
  URL_NOT_ALLOWED: UrlNotAllowedError,
  TOO_MANY_REQUESTS: TooManyRequestsError,
  INTERNAL_ERROR: InternalError,
  UPSTREAM_UNAVAILABLE: UpstreamUnavailableError,
  NO_CAPACITY: NoCapacityError,
  SERVICE_UNAVAILABLE: ServiceUnavailableError,
  UPSTREAM_TIMEOUT: UpstreamTimeoutError,
};

/** The error for an answer that is not 2xx: its code's class (the base class for a code this SDK does not know). */
export function errorFromAnswer(status: number, body: unknown, retryAfter: number | null, fallbackRequestId: string | null): BrowserfleetError {
  const envelope = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  const code = typeof envelope?.code === "string" ? envelope.code : `HTTP_${status}`;
  const message = typeof envelope?.error === "string" ? envelope.error : `the API answered ${status}`;
  const requestId = typeof envelope?.request_id === "string" ? envelope.request_id : fallbackRequestId;
  const details = Array.isArray(envelope?.details) ? (envelope.details as { path: string; message: string }[]) : null;
  const ErrorClass = ERROR_CLASSES[code] ?? BrowserfleetError;
  return new ErrorClass(message, { code, status, requestId, details, retryAfter, body: envelope });
}
