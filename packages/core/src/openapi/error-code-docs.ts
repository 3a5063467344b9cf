import type { ErrorCode } from "../errors/error-codes.ts";

/** When each error code is answered (api.md's table), for the responses of the OpenAPI document. */
export const ERROR_CODE_DOCS: Record<ErrorCode, string> = {
  BAD_REQUEST: "the body, query, headers or URL failed validation or a limit (`details` lists every field)",
  INVALID_ID: "a path id is not a UUID",
  UNAUTHORIZED: "no API key was sent",
  INVALID_API_KEY: "the API key is malformed, unknown or revoked",
  INSUFFICIENT_CREDIT: "the balance cannot cover the job's reservation",
  NOT_FOUND: "no such resource in this workspace (another workspace's ids answer this too)",
  JOB_TERMINAL: "the job has already finished",
  IDEMPOTENCY_CONFLICT: "the Idempotency-Key was used with another body or path, or its first request is still running",
  AGENT_NOT_RUNNING: "the agent is not running",
  PAYLOAD_TOO_LARGE: "the body is over the size limit",
  UNSUPPORTED_MEDIA_TYPE: "the body is not JSON",
  URL_NOT_ALLOWED: "a target URL is not http(s) or resolves to a private, loopback or link-local address",
  TOO_MANY_REQUESTS: "a rate limit was reached; retry after `Retry-After` seconds",
  INTERNAL_ERROR: "a bug; quote the request_id",
  UPSTREAM_UNAVAILABLE: "the target page could not be loaded (sync calls; the body carries `job_id`)",
  SERVICE_UNAVAILABLE: "Postgres or Redis is unreachable; nothing was half-written; retry after `Retry-After` seconds",
  UPSTREAM_TIMEOUT: "the page or the sync cap timed out; the body carries `job_id` so the job can be polled",
};
