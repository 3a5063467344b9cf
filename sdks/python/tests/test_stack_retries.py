"""Against the real stack: a 429 of a tiny rate limit is retried after its Retry-After and succeeds;
a POST whose answer was lost is retried under the same Idempotency-Key and creates one job."""

import threading
import unittest
from typing import Any, List, Tuple

from bf_support import browserfleet, setting, stack_client


class RateLimitRetry(unittest.TestCase):
    def test_a_429_is_retried_after_retry_after_and_succeeds(self) -> None:
        site = setting("site_url")
        retries: List[Tuple[Any, int, float]] = []
        # The workspace may submit 1 job per second (fixed one-second windows): five submissions at
        # once span at most three windows even on a slow machine, so some window gets two and one is
        # refused with 429 and Retry-After; each retry round lets one more through.
        client = browserfleet.Client(
            api_key=setting("limited_api_key"), base_url=setting("api_url"), max_retries=10, on_retry=lambda err, n, wait: retries.append((err, n, wait))
        )
        jobs: List[Any] = []
        failures: List[BaseException] = []

        def submit() -> None:
            try:
                jobs.append(client.batch([f"{site}/simple"]))
            except BaseException as err:  # noqa: BLE001 - reported below
                failures.append(err)

        threads = [threading.Thread(target=submit) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(failures, [])
        self.assertEqual(len({job["id"] for job in jobs}), 5)
        limited = [(err, wait) for err, _, wait in retries if isinstance(err, browserfleet.TooManyRequestsError)]
        self.assertGreaterEqual(len(limited), 1, "the tiny limit answered 429 at least once")
        for err, wait in limited:
            self.assertEqual((err.status, err.code), (429, "TOO_MANY_REQUESTS"))
            self.assertGreaterEqual(err.retry_after, 1)
            self.assertGreaterEqual(wait, err.retry_after, "the retry waited at least Retry-After")
            self.assertTrue(err.request_id)


class LostAnswerRetry(unittest.TestCase):
    def test_a_post_retried_after_a_dropped_connection_creates_one_job(self) -> None:
        site, direct = setting("site_url"), stack_client()
        before = {job["id"] for job in direct.iter_jobs(kind="batch")}
        retries: List[Tuple[Any, int, float]] = []
        # The proxy lets the first POST /v1/quick/batch reach the API, then closes the connection without its answer.
        through = browserfleet.Client(
            api_key=setting("api_key"), base_url=setting("drop_proxy_url"), backoff_base=0.05, on_retry=lambda err, n, wait: retries.append((err, n, wait))
        )
        job = through.batch([f"{site}/simple", f"{site}/page/1"])
        self.assertEqual([type(err) for err, _, _ in retries], [browserfleet.NetworkError])
        created = [j["id"] for j in direct.iter_jobs(kind="batch") if j["id"] not in before]
        self.assertEqual(created, [job["id"]], "one job, whatever the retry")
        self.assertEqual(direct.get_job(job["id"])["progress_total"], 2)
        direct.wait_for_job(job["id"], timeout=120)


if __name__ == "__main__":
    unittest.main()
