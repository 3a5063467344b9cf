"""Retries, timeouts and error mapping against small real HTTP servers on 127.0.0.1 (no stack needed)."""

import json
import socket
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple

from bf_support import browserfleet

KEY = "agt_live_" + "a" * 32

# A handler decides each answer: (status, headers, body) or None to close the connection unanswered.
Decide = Callable[[int, "BaseHTTPRequestHandler"], Optional[Tuple[int, Dict[str, str], Any]]]


class ScriptedServer:
    def __init__(self, decide: Decide, hang: bool = False) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.hang = hang
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append({"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                if outer.hang:
                    threading.Event().wait(5)
                    return
                answer = decide(len(outer.requests), self)
                if answer is None:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, headers, payload = answer
                raw = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", "Content-Length": str(len(raw)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_DELETE = do_PATCH = _serve  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def envelope(code: str, message: str = "no") -> Dict[str, Any]:
    return {"error": message, "code": code, "request_id": f"req-{code.lower()}"}


class Retries(unittest.TestCase):
    def server(self, decide: Decide, hang: bool = False) -> ScriptedServer:
        server = ScriptedServer(decide, hang)
        self.addCleanup(server.close)
        return server

    def client(self, url: str, **options: Any) -> Tuple[browserfleet.Client, List[Tuple[str, int, float]]]:
        retries: List[Tuple[str, int, float]] = []
        options.setdefault("backoff_base", 0.01)
        client = browserfleet.Client(api_key=KEY, base_url=url, on_retry=lambda err, n, wait: retries.append((err.code, n, wait)), **options)
        return client, retries

    def test_a_503_then_a_429_are_retried_after_retry_after_and_succeed(self) -> None:
        answers = [(503, {"Retry-After": "0"}, envelope("SERVICE_UNAVAILABLE")), (429, {"Retry-After": "1"}, envelope("TOO_MANY_REQUESTS")), (200, {}, {"balance": 7})]
        server = self.server(lambda n, _: answers[n - 1])
        client, retries = self.client(server.url)
        self.assertEqual(client.get_credits()["balance"], 7)
        self.assertEqual([(code, n) for code, n, _ in retries], [("SERVICE_UNAVAILABLE", 1), ("TOO_MANY_REQUESTS", 2)])
        self.assertGreaterEqual(retries[1][2], 1.0, "the wait honours Retry-After: 1")
        self.assertEqual(len(server.requests), 3)

    def test_gives_up_after_max_retries_with_the_typed_error(self) -> None:
        server = self.server(lambda n, _: (429, {"Retry-After": "0"}, envelope("TOO_MANY_REQUESTS")))
        client, retries = self.client(server.url, max_retries=2)
        with self.assertRaises(browserfleet.TooManyRequestsError) as caught:
            client.get_credits()
        self.assertEqual(caught.exception.retry_after, 0)
        self.assertEqual(len(server.requests), 3)
        self.assertEqual(len(retries), 2)

    def test_a_retry_after_beyond_max_backoff_is_not_waited_for(self) -> None:
        server = self.server(lambda n, _: (429, {"Retry-After": "3600"}, envelope("TOO_MANY_REQUESTS")))
        client, retries = self.client(server.url)
        with self.assertRaises(browserfleet.TooManyRequestsError) as caught:
            client.get_credits()
        self.assertEqual(caught.exception.retry_after, 3600)
        self.assertEqual((len(server.requests), retries), (1, []))

    def test_other_errors_are_not_retried_and_map_to_their_class(self) -> None:
        server = self.server(lambda n, _: (404, {}, envelope("NOT_FOUND", "no such job")))
        client, retries = self.client(server.url)
        with self.assertRaises(browserfleet.NotFoundError) as caught:
            client.get_job("00000000-0000-4000-8000-000000000000")
        err = caught.exception
        self.assertIsInstance(err, browserfleet.BrowserfleetError)
        self.assertEqual((err.code, err.status, err.request_id, err.message), ("NOT_FOUND", 404, "req-not_found", "no such job"))
        self.assertEqual((len(server.requests), retries), (1, []))

    def test_an_unknown_code_is_the_base_class_and_a_bare_answer_still_has_its_request_id(self) -> None:
        answers = [(418, {}, envelope("TEAPOT")), (500, {"X-Request-Id": "from-header"}, None)]
        server = self.server(lambda n, _: answers[n - 1])
        client, _ = self.client(server.url)
        with self.assertRaises(browserfleet.BrowserfleetError) as caught:
            client.get_credits()
        self.assertIs(type(caught.exception), browserfleet.BrowserfleetError)
        self.assertEqual(caught.exception.code, "TEAPOT")
        with self.assertRaises(browserfleet.BrowserfleetError) as bare:
            client.get_credits()
        self.assertEqual((bare.exception.code, bare.exception.request_id), ("HTTP_500", "from-header"))

    def test_connection_refused_is_a_network_error_after_the_retries(self) -> None:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        client, retries = self.client(f"http://127.0.0.1:{port}", max_retries=2)
        with self.assertRaises(browserfleet.NetworkError) as caught:
            client.get_credits()
        self.assertEqual((caught.exception.code, caught.exception.status), ("NETWORK_ERROR", 0))
        self.assertEqual([n for _, n, _ in retries], [1, 2])

    def test_a_timeout_is_a_network_error_and_a_get_is_sent_again(self) -> None:
        server = self.server(lambda n, _: None, hang=True)
        client, retries = self.client(server.url, timeout=0.3, max_retries=1)
        with self.assertRaises(browserfleet.NetworkError):
            client.get_job_status("00000000-0000-4000-8000-000000000000")
        self.assertEqual(len(server.requests), 2)
        self.assertEqual(len(retries), 1)

    def test_a_lost_answer_resends_an_idempotent_post_under_the_same_key(self) -> None:
        server = self.server(lambda n, _: None if n == 1 else (202, {}, {"id": "j1", "job_id": "j1", "status": "queued"}))
        client, retries = self.client(server.url)
        job = client.batch(["https://example.com/a"])
        self.assertEqual(job["id"], "j1")
        keys = [r["headers"].get("idempotency-key") for r in server.requests]
        self.assertEqual(len(keys), 2)
        self.assertEqual(keys[0], keys[1])
        self.assertRegex(keys[0], r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertEqual([code for code, _, _ in retries], ["NETWORK_ERROR"])
        # A caller's own key is used as is; the next call gets a new generated one.
        client.batch(["https://example.com/a"], idempotency_key="mine-1")
        client.batch(["https://example.com/a"])
        later = [r["headers"].get("idempotency-key") for r in server.requests[2:]]
        self.assertEqual(later[0], "mine-1")
        self.assertNotIn(later[1], (keys[0], "mine-1"))

    def test_a_lost_answer_is_not_resent_for_a_post_without_a_key(self) -> None:
        server = self.server(lambda n, _: None)
        client, retries = self.client(server.url)
        with self.assertRaises(browserfleet.NetworkError):
            client.create_webhook("https://example.com/hook")
        self.assertEqual((len(server.requests), retries), (1, []))
        self.assertNotIn("idempotency-key", server.requests[0]["headers"])

    def test_requests_carry_the_key_json_and_the_query(self) -> None:
        server = self.server(lambda n, _: (200, {}, {"items": [], "next_cursor": None}))
        client, _ = self.client(server.url, headers={"X-Trace": "t1"})
        client.list_jobs(status="completed", limit=5)
        client.scrape("https://example.com", formats=["text"], async_=True, max_chars=None)
        first, second = server.requests
        self.assertEqual(first["path"], "/v1/jobs?status=completed&limit=5")
        self.assertEqual((first["headers"]["x-api-key"], first["headers"]["x-trace"]), (KEY, "t1"))
        self.assertEqual(json.loads(second["body"]), {"url": "https://example.com", "formats": ["text"], "async": True})
        self.assertEqual(second["headers"]["content-type"], "application/json")


class RetryPolicyMath(unittest.TestCase):
    def test_backoff_doubles_with_jitter_and_honours_retry_after(self) -> None:
        policy = browserfleet.RetryPolicy(max_retries=3, backoff_base=0.5, max_backoff=30)
        from browserfleet.retry import parse_retry_after, retry_delay

        self.assertEqual(retry_delay(policy, 1, None, lambda: 1.0), 0.5)
        self.assertEqual(retry_delay(policy, 3, None, lambda: 0.0), 1.0)
        self.assertEqual(retry_delay(policy, 1, 2.0, lambda: 0.5), 2.0)
        self.assertIsNone(retry_delay(policy, 1, 31.0))
        self.assertEqual(parse_retry_after("3"), 3.0)
        self.assertIsNone(parse_retry_after("soon"))
        self.assertAlmostEqual(parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", now=40.0) or 0, 60.0)


if __name__ == "__main__":
    unittest.main()
