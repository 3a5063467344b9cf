"""How the client retries: 429, 503 and answers that never came, with jittered exponential backoff."""

import email.utils
import random
import time
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class RetryPolicy:
    """Retries after the first attempt, and the waits between them (seconds)."""

    #: Retries after the first attempt (0 turns retrying off).
    max_retries: int = 3
    #: First backoff, doubled each retry, jittered to 50..100 %.
    backoff_base: float = 0.5
    #: Longest wait between attempts; a Retry-After asking for more ends the retries.
    max_backoff: float = 30.0


def is_retryable_status(status: int) -> bool:
    """Statuses worth another attempt: the server refused before acting (429 rate/concurrency cap, 503 unavailable)."""
    return status in (429, 503)


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """``Retry-After`` as seconds (from a number of seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
        return seconds if seconds >= 0 else None
    except ValueError:
        pass
    try:
        at = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if at is None:
        return None
    return max(0.0, at.timestamp() - (time.time() if now is None else now))


def retry_delay(policy: RetryPolicy, retry: int, retry_after: Optional[float], rand: Callable[[], float] = random.random) -> Optional[float]:
    """The wait before retry number ``retry`` (1-based): at least Retry-After, else jittered backoff.

    None when the wait would exceed ``policy.max_backoff`` (then the error is raised instead).
    """
    backoff = min(policy.max_backoff, policy.backoff_base * (2 ** (retry - 1))) * (0.5 + rand() / 2)
    wait = backoff if retry_after is None else max(retry_after, backoff / 4)
    return None if wait > policy.max_backoff else wait
