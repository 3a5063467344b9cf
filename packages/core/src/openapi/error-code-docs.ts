import type { ErrorCode } from "../errors/error-codes.ts";

/** When each error code is answered (api.md's table), for the responses of the OpenAPI document. */
export const ERROR_CODE_DOCS: Record<ErrorCode, string> = {
  BAD_REQUEST: "the body, query, headers or URL failed validation or a limit (`details` lists every field)",
  INVALID_ID: "a path id is not a UUID",
  UNAUTHORIZED: "no API key was sent",
  INVALID_API_KEY: "the API key is malformed, unknown or revoked",
  INSUFFICIENT_CREDIT: "the balance cannot cover the job's reservation",
  NOT_FOUND: "no such resource in this workspace (another workspace's ids answer this too)",
  JOB_TERMINAL: "the job has already finished; on a sync quick call, its job was cancelled while the call waited (the body carries `job_id`)",
  IDEMPOTENCY_CONFLICT: "the Idempotency-Key was used with another body or path, or its first request is still running",
  AGENT_NOT_RUNNING: "the agent is not running (queued, stopped, destroyed or failed), or the CDP token's session has ended",
  AGENT_RUNNING: "a session is already open on this persistent agent",
  JOB_NOT_WAITING: "respond on a task that is not input_required (running or finished)",
  KEY_LIMIT_REACHED: "the workspace already has its maximum of active API keys (MAX_API_KEYS_PER_WORKSPACE); revoke one first",
  GONE: "the job's results were deleted after the retention period (RESULT_RETENTION_DAYS); the job itself stays",
  PAYLOAD_TOO_LARGE: "the body is over the size limit",
  UNSUPPORTED_MEDIA_TYPE: "the body is not JSON",
  URL_NOT_ALLOWED: "a target URL is not http(s), resolves to a private, loopback or link-local address, or could not be checked because DNS did not answer within the lookup timeout or the request's DNS budget (`details` names each index); a sync page refused while it loaded (e.g. a redirect hop) carries `job_id`",
  TOO_MANY_REQUESTS: "a rate limit was reached; retry after `Retry-After` seconds",
  INTERNAL_ERROR: "a bug; quote the request_id",
  UPSTREAM_UNAVAILABLE: "the target page could not be loaded (sync calls; the body carries `job_id`)",
  NO_CAPACITY: "no worker could start the agent's browser within `startup_timeout_seconds`; the agent is `failed` and nothing was charged; retry after `Retry-After` seconds",
  SERVICE_UNAVAILABLE: "Postgres or Redis is unreachable (nothing was half-written), or this API process is shutting down (a waiting sync call gets `job_id`: its job goes on); retry after `Retry-After` seconds",
  UPSTREAM_TIMEOUT: "the page or the sync cap timed out; the body carries `job_id` so the job can be polled",
};
