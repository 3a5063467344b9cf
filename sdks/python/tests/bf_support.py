"""What the tests share: the SDK from the source tree, the stack's settings, a local webhook receiver.

The stack's tests need (from test/e2e/python-sdk.test.ts, or set by hand against any stack):
  BROWSERFLEET_TEST_API_URL           the API's origin
  BROWSERFLEET_TEST_API_KEY           a key of a fresh workspace with credits to spare (≥ 600)
  BROWSERFLEET_TEST_SITE_URL          the fixture site (test/support/fixture-site.ts)
  BROWSERFLEET_TEST_LIMITED_API_KEY   a key of a workspace allowed 1 job submission per second
  BROWSERFLEET_TEST_DROP_PROXY_URL    a proxy to the API that loses the answer of the first POST /v1/quick/batch
  BROWSERFLEET_TEST_LLM_BASE_URL      the fake LLM (test/support/fake-llm.ts): ask_user, then done with the answer
Without them those tests are skipped (the driver fails a run that skipped any).
"""

import json
import os
import sys
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)

import browserfleet  # noqa: E402  (after the path is set)

ENV_NAMES = {
    "api_url": "BROWSERFLEET_TEST_API_URL",
    "api_key": "BROWSERFLEET_TEST_API_KEY",
    "site_url": "BROWSERFLEET_TEST_SITE_URL",
    "limited_api_key": "BROWSERFLEET_TEST_LIMITED_API_KEY",
    "drop_proxy_url": "BROWSERFLEET_TEST_DROP_PROXY_URL",
    "llm_base_url": "BROWSERFLEET_TEST_LLM_BASE_URL",
}


def setting(name: str) -> str:
    """A stack setting, or SkipTest naming the variable that is missing."""
    value = os.environ.get(ENV_NAMES[name], "")
    if not value:
        raise unittest.SkipTest(f"{ENV_NAMES[name]} is not set: no stack to test against")
    return value.rstrip("/") if name.endswith("_url") else value


def stack_client(**options: Any) -> browserfleet.Client:
    """A client of the test stack with the main workspace's key and short backoffs."""
    options.setdefault("backoff_base", 0.05)
    return browserfleet.Client(api_key=setting("api_key"), base_url=setting("api_url"), **options)


def wait_until(check: Callable[[], Any], timeout: float = 20.0, what: str = "the condition", every: float = 0.05) -> Any:
    """Polls ``check`` every ``every`` seconds until it answers something truthy (and answers that), else fails."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(every)


class Received:
    """One request the receiver got: path, headers (as the server parsed them) and the raw body."""

    def __init__(self, path: str, headers: Any, raw_body: bytes) -> None:
        self.path = path
        self.headers = headers
        self.raw_body = raw_body
        self.body: Dict[str, Any] = json.loads(raw_body.decode("utf-8")) if raw_body else {}


class WebhookReceiver:
    """An http.server on 127.0.0.1 that answers 200 to every POST and keeps what it got."""

    def __init__(self) -> None:
        self.received: List[Received] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with outer._lock:
                    outer.received.append(Received(self.path, self.headers, raw))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def on_path(self, path: str) -> List[Received]:
        with self._lock:
            return [r for r in self.received if r.path == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
