"""browserfleet: the Python client of the browserfleet API (standard library only, Python >= 3.9).

    from browserfleet import Client
    client = Client(api_key="agt_live_…", base_url="http://127.0.0.1:3000")
    page = client.scrape("https://example.com", formats=["markdown"])
"""

from ._version import __version__
from .client import Client
from .errors import (
    ERROR_CLASSES,
    AgentNotRunningError,
    AgentRunningError,
    BadRequestError,
    BrowserfleetError,
    GoneError,
    IdempotencyConflictError,
    InsufficientCreditError,
    InternalError,
    InvalidApiKeyError,
    InvalidIdError,
    JobNotWaitingError,
    JobTerminalError,
    KeyLimitReachedError,
    NetworkError,
    NoCapacityError,
    NotFoundError,
    PayloadTooLargeError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UnauthorizedError,
    UnsupportedMediaTypeError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    UrlNotAllowedError,
    WaitTimeoutError,
    error_from_answer,
)
from .retry import RetryPolicy
from .webhooks import verify_webhook

__all__ = [
    "__version__",
    "Client",
    "RetryPolicy",
    "verify_webhook",
    "error_from_answer",
    "ERROR_CLASSES",
    "BrowserfleetError",
    "BadRequestError",
    "InvalidIdError",
    "UnauthorizedError",
    "InvalidApiKeyError",
    "InsufficientCreditError",
    "NotFoundError",
    "JobTerminalError",
    "IdempotencyConflictError",
    "AgentNotRunningError",
    "AgentRunningError",
    "JobNotWaitingError",
    "KeyLimitReachedError",
    "GoneError",
    "PayloadTooLargeError",
    "UnsupportedMediaTypeError",
    "UrlNotAllowedError",
    "TooManyRequestsError",
    "InternalError",
    "UpstreamUnavailableError",
    "NoCapacityError",
    "ServiceUnavailableError",
    "UpstreamTimeoutError",
    "NetworkError",
    "WaitTimeoutError",
]
