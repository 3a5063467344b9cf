"""The one place requests are made: auth, JSON in and out, typed errors, and retries.

Retries: a 429 or 503 was refused before anything happened, so any call is sent again after its
``Retry-After`` (jittered backoff otherwise); after no answer at all (refused, reset, timed out) a
call is sent again only when that cannot act twice: not a POST, or a POST carrying an
``Idempotency-Key``, which stays the same across its attempts.
"""

import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional

from ._version import __version__
from .errors import BrowserfleetError, NetworkError, error_from_answer
from .retry import RetryPolicy, is_retryable_status, parse_retry_after, retry_delay

#: Called before each retry with the error that caused it, the retry's number (1-based) and the wait in seconds.
RetryHook = Callable[[BrowserfleetError, int, float], None]

Query = Mapping[str, Any]


@dataclass
class Answer:
    """A 2xx answer: its status, headers (lower-case names) and parsed JSON body (None for 204)."""

    status: int
    body: Any
    headers: Dict[str, str] = field(default_factory=dict)


class Transport:
    """Sends one logical call (with its retries) and answers its :class:`Answer` or raises a typed error."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        timeout: float,
        retry: RetryPolicy,
        headers: Optional[Mapping[str, str]] = None,
        on_retry: Optional[RetryHook] = None,
        opener: Optional[urllib.request.OpenerDirector] = None,
    ) -> None:
        if not isinstance(api_key, str) or not api_key:
            raise TypeError("api_key is required")
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry = retry
        self.headers = dict(headers or {})
        self.on_retry = on_retry
        self.opener = opener or urllib.request.build_opener()

    def call(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Query] = None,
        body: Any = None,
        idempotent: bool = False,
        idempotency_key: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> Answer:
        url = self._url(path, query)
        headers = {
            "User-Agent": f"browserfleet-python/{__version__}",
            **self.headers,
            "Accept": "application/json",
            "X-API-Key": self.api_key,
        }
        data: Optional[bytes] = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if idempotent or idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        may_resend = method != "POST" or "Idempotency-Key" in headers
        retry = 0
        while True:
            try:
                return self._send(method, url, headers, data, self.timeout if timeout is None else timeout)
            except NetworkError as failure:
                error: BrowserfleetError = failure
                allowed = may_resend
            except BrowserfleetError as failure:
                if not is_retryable_status(failure.status):
                    raise
                error = failure
                allowed = True
            wait = retry_delay(self.retry, retry + 1, error.retry_after) if allowed and retry < self.retry.max_retries else None
            if wait is None:
                raise error
            retry += 1
            if self.on_retry is not None:
                self.on_retry(error, retry, wait)
            time.sleep(wait)

    def _send(self, method: str, url: str, headers: Mapping[str, str], data: Optional[bytes], timeout: float) -> Answer:
        request = urllib.request.Request(url, data=data, headers=dict(headers), method=method)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                raw = response.read()
                return Answer(status=response.status, body=_parse(response.status, raw), headers=_headers(response.headers))
        except urllib.error.HTTPError as answer:
            try:
                raw = answer.read()
            except (OSError, http.client.HTTPException) as cut:
                raise _network_error(cut) from cut
            finally:
                answer.close()
            answer_headers = _headers(answer.headers)
            raise error_from_answer(
                answer.code,
                _parse(answer.code, raw),
                parse_retry_after(answer_headers.get("retry-after")),
                answer_headers.get("x-request-id"),
            ) from None
        except urllib.error.URLError as failed:
            reason = failed.reason if isinstance(failed.reason, BaseException) else failed
            raise _network_error(reason) from failed
        except (OSError, http.client.HTTPException) as failed:
            # Reset, refused, timed out (socket.timeout is an OSError), or cut mid-answer.
            raise _network_error(failed) from failed

    def _url(self, path: str, query: Optional[Query]) -> str:
        url = f"{self.base_url}{path}"
        pairs = [(name, _query_value(value)) for name, value in (query or {}).items() if value is not None]
        return f"{url}?{urllib.parse.urlencode(pairs)}" if pairs else url


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _headers(message: Any) -> Dict[str, str]:
    return {name.lower(): value for name, value in message.items()} if message is not None else {}


def _parse(status: int, raw: bytes) -> Any:
    if status == 204 or not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def _network_error(cause: BaseException) -> NetworkError:
    if isinstance(cause, (socket.timeout, TimeoutError)):
        message = "no answer from the API within the timeout"
    else:
        message = f"no answer from the API: {type(cause).__name__}: {cause}"
    return NetworkError(message, code="NETWORK_ERROR", status=0)
