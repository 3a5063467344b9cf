"""The error envelope of the API (``{error, code, request_id, details?}``) as exceptions.

One class per envelope code, all subclasses of :class:`BrowserfleetError`, so callers can
``except NotFoundError`` the case they handle; a code this SDK does not know maps to the base class.
"""

from typing import Any, Dict, List, Optional, Type


class BrowserfleetError(Exception):
    """A failed API call.

    Attributes:
        message: the envelope's human message.
        code: the envelope's code (``BAD_REQUEST``, ``NOT_FOUND``, …); ``NETWORK_ERROR`` when no
            answer came, ``WAIT_TIMEOUT`` when :meth:`Client.wait_for_job` gave up.
        status: the HTTP status (0 when no answer came).
        request_id: the request's ``X-Request-Id`` (also in the body), for support and logs.
        details: per-field problems of a validation failure (``[{"path", "message"}]``) or None.
        retry_after: seconds the server asked to wait (``Retry-After``) or None.
        body: the whole error body as answered (extra fields such as ``job_id`` included) or None.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int,
        request_id: Optional[str] = None,
        details: Optional[List[Dict[str, Any]]] = None,
        retry_after: Optional[float] = None,
        body: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.request_id = request_id
        self.details = details
        self.retry_after = retry_after
        self.body = body

    def __str__(self) -> str:
        where = f", request_id={self.request_id}" if self.request_id else ""
        return f"{self.message} ({self.code}, status {self.status}{where})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r}, status={self.status}, request_id={self.request_id!r})"


class BadRequestError(BrowserfleetError):
    """400 BAD_REQUEST: the body or query failed validation (``details`` lists every field)."""


class InvalidIdError(BrowserfleetError):
    """400 INVALID_ID: a path id is malformed."""


class UnauthorizedError(BrowserfleetError):
    """401 UNAUTHORIZED: no API key was sent."""


class InvalidApiKeyError(BrowserfleetError):
    """401 INVALID_API_KEY: the key is malformed, unknown or revoked."""


class InsufficientCreditError(BrowserfleetError):
    """402 INSUFFICIENT_CREDIT: the balance cannot cover the reservation."""


class NotFoundError(BrowserfleetError):
    """404 NOT_FOUND: no such resource in this workspace."""


class JobTerminalError(BrowserfleetError):
    """409 JOB_TERMINAL: cancel or respond on a finished job."""


class IdempotencyConflictError(BrowserfleetError):
    """409 IDEMPOTENCY_CONFLICT: same key, different body or path, or the first is still running."""


class AgentNotRunningError(BrowserfleetError):
    """409 AGENT_NOT_RUNNING."""


class AgentRunningError(BrowserfleetError):
    """409 AGENT_RUNNING: a session is already open on this persistent agent."""


class JobNotWaitingError(BrowserfleetError):
    """409 JOB_NOT_WAITING: respond on a job that is not ``input_required``."""


class KeyLimitReachedError(BrowserfleetError):
    """409 KEY_LIMIT_REACHED: the workspace has as many API keys as it may."""


class GoneError(BrowserfleetError):
    """410 GONE: the job's results were deleted after the retention period."""


class PayloadTooLargeError(BrowserfleetError):
    """413 PAYLOAD_TOO_LARGE."""


class UnsupportedMediaTypeError(BrowserfleetError):
    """415 UNSUPPORTED_MEDIA_TYPE."""


class UrlNotAllowedError(BrowserfleetError):
    """422 URL_NOT_ALLOWED: the SSRF guard refused the target."""


class TooManyRequestsError(BrowserfleetError):
    """429 TOO_MANY_REQUESTS: a rate or concurrency cap (``retry_after`` says when)."""


class InternalError(BrowserfleetError):
    """500 INTERNAL_ERROR."""


class UpstreamUnavailableError(BrowserfleetError):
    """502 UPSTREAM_UNAVAILABLE: the target site could not be reached (``body["job_id"]``)."""


class NoCapacityError(BrowserfleetError):
    """503 NO_CAPACITY: no worker could start an agent in time."""


class ServiceUnavailableError(BrowserfleetError):
    """503 SERVICE_UNAVAILABLE: Postgres or Redis unreachable; nothing was half-written."""


class UpstreamTimeoutError(BrowserfleetError):
    """504 UPSTREAM_TIMEOUT: a sync call passed its cap (``body["job_id"]`` to poll)."""


class NetworkError(BrowserfleetError):
    """No answer at all: connection refused or reset, DNS, the client's timeout."""


class WaitTimeoutError(BrowserfleetError):
    """:meth:`Client.wait_for_job` reached its timeout; the job goes on (``body`` is its last state)."""


ERROR_CLASSES: Dict[str, Type[BrowserfleetError]] = {
    "BAD_REQUEST": BadRequestError,
    "INVALID_ID": InvalidIdError,
    "UNAUTHORIZED": UnauthorizedError,
    "INVALID_API_KEY": InvalidApiKeyError,
    "INSUFFICIENT_CREDIT": InsufficientCreditError,
    "NOT_FOUND": NotFoundError,
    "JOB_TERMINAL": JobTerminalError,
    "IDEMPOTENCY_CONFLICT": IdempotencyConflictError,
    "AGENT_NOT_RUNNING": AgentNotRunningError,
    "AGENT_RUNNING": AgentRunningError,
    "JOB_NOT_WAITING": JobNotWaitingError,
    "KEY_LIMIT_REACHED": KeyLimitReachedError,
    "GONE": GoneError,
    "PAYLOAD_TOO_LARGE": PayloadTooLargeError,
    "UNSUPPORTED_MEDIA_TYPE": UnsupportedMediaTypeError,
    "URL_NOT_ALLOWED": UrlNotAllowedError,
    "TOO_MANY_REQUESTS": TooManyRequestsError,
    "INTERNAL_ERROR": InternalError,
    "UPSTREAM_UNAVAILABLE": UpstreamUnavailableError,
    "NO_CAPACITY": NoCapacityError,
    "SERVICE_UNAVAILABLE": ServiceUnavailableError,
    "UPSTREAM_TIMEOUT": UpstreamTimeoutError,
}


def error_from_answer(status: int, body: Any, retry_after: Optional[float], fallback_request_id: Optional[str]) -> BrowserfleetError:
    """The exception for a non-2xx answer: its code's class, or the base class for an unknown code."""
    envelope = body if isinstance(body, dict) else None
    code = envelope.get("code") if envelope is not None else None
    if not isinstance(code, str):
        code = f"HTTP_{status}"
    message = envelope.get("error") if envelope is not None else None
    if not isinstance(message, str):
        message = f"the API answered {status}"
    request_id = envelope.get("request_id") if envelope is not None else None
    if not isinstance(request_id, str):
        request_id = fallback_request_id
    details = envelope.get("details") if envelope is not None else None
    cls = ERROR_CLASSES.get(code, BrowserfleetError)
    return cls(
        message,
        code=code,
        status=status,
        request_id=request_id,
        details=details if isinstance(details, list) else None,
        retry_after=retry_after,
        body=envelope,
    )
