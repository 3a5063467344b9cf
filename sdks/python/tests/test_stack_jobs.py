"""Quick calls, jobs, results, credits, usage and keys against the real stack: every method once."""

import datetime
import unittest

from bf_support import browserfleet, setting, stack_client, wait_until


class QuickJobsCreditsKeys(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.client = stack_client()
        cls.site = setting("site_url")

    def test_1_every_quick_and_job_method(self) -> None:
        client, site = self.client, self.site
        page = client.scrape(f"{site}/simple", formats=["html", "text"])
        self.assertEqual((page["url"], page["status"], page["http_status"]), (f"{site}/simple", "completed", 200))
        self.assertIn("<", page["html"])
        self.assertIsInstance(page["job_id"], str)
        shot = client.screenshot(f"{site}/simple")
        self.assertIsInstance(shot["screenshot_png_b64"], str)
        extracted = client.extract(f"{site}/simple", prompt="the title")
        self.assertEqual(extracted["prompt"], "the title")
        queued = client.scrape(f"{site}/simple", async_=True)
        self.assertEqual(queued["status"], "queued")
        self.assertEqual(queued["job_id"], queued["id"])
        crawl = client.crawl(f"{site}/simple", limit=2)
        crawled = client.wait_for_job(crawl["id"], timeout=120)
        self.assertEqual(crawled["status"], "completed")
        self.assertEqual(client.wait_for_job(queued["id"], timeout=120)["status"], "completed")

        listed = [job["id"] for job in client.iter_jobs(limit=2)]
        self.assertEqual(len(listed), len(set(listed)), "pages do not repeat")
        for job in (page["job_id"], shot["job_id"], extracted["job_id"], queued["id"], crawl["id"]):
            self.assertIn(job, listed)
        self.assertIn(crawl["id"], [j["id"] for j in client.list_jobs(kind="crawl")["items"]])
        self.assertEqual(client.list_jobs(limit=1)["next_cursor"] is not None, True)
        status = client.get_job_status(crawl["id"])
        self.assertEqual((status["id"], status["status"], status["kind"]), (crawl["id"], "completed", "crawl"))
        self.assertEqual(client.get_job(crawl["id"])["kind"], "crawl")
        self.assertEqual(len(client.list_results(crawl["id"], limit=1)["items"]), 1)
        self.assertGreaterEqual(len(list(client.iter_results(crawl["id"], limit=1))), 1)

        target = client.batch([f"{site}/hang"])
        cancelled = client.cancel_job(target["id"])
        self.assertEqual(cancelled["status"], "cancelled")
        with self.assertRaises(browserfleet.JobTerminalError) as again:
            client.cancel_job(target["id"])
        self.assertEqual(again.exception.status, 409)
        self.assertTrue(again.exception.request_id)

    def test_2_credits_ledger_usage_and_keys(self) -> None:
        client = self.client
        # The ledger sums to the balance once no job holds a reservation.
        for status in ("queued", "running"):
            for job in client.iter_jobs(status=status):
                client.wait_for_job(job["id"], timeout=120)
        credits = client.get_credits()
        self.assertEqual((credits["currency"], credits["prices"]["task_step"]), ("credits", 1))

        # An ended agent's release may land between two reads: compare once the ledger is still.
        def settled() -> bool:
            before = list(client.iter_ledger(limit=200))
            balance = client.get_credits()["balance"]
            after = list(client.iter_ledger(limit=3))  # small pages: the iterator follows next_cursor
            return before == after and len(after) > 3 and sum(entry["delta"] for entry in after) == balance

        self.assertTrue(wait_until(settled, 60, "the ledger summing to the balance", every=0.5))
        self.assertEqual(len(client.list_ledger(limit=2)["items"]), 2)
        today = datetime.datetime.now(datetime.timezone.utc).date()
        usage = client.get_usage(from_=today, to=today.isoformat())
        self.assertEqual(usage["items"][0]["date"], today.isoformat())

        key = client.create_key("second")
        self.assertRegex(key["key"], r"^agt_live_")
        self.assertIn(key["id"], [k["id"] for k in client.iter_keys(limit=1)])
        self.assertIn(key["id"], [k["id"] for k in client.list_keys()["items"]])
        second = browserfleet.Client(api_key=key["key"], base_url=client.base_url)
        self.assertEqual(second.get_credits()["balance"], client.get_credits()["balance"])
        client.revoke_key(key["id"])
        with self.assertRaises(browserfleet.InvalidApiKeyError) as refused:
            second.get_credits()
        err = refused.exception
        self.assertIsInstance(err, browserfleet.BrowserfleetError)
        self.assertEqual((err.code, err.status), ("INVALID_API_KEY", 401))
        self.assertTrue(err.request_id)


class TypedErrors(unittest.TestCase):
    def test_errors_are_instances_of_their_class_with_the_request_id(self) -> None:
        client = stack_client()
        with self.assertRaises(browserfleet.BadRequestError) as bad:
            client.scrape("not a url")
        self.assertEqual(bad.exception.details[0]["path"], "url")
        self.assertTrue(bad.exception.request_id)
        with self.assertRaises(browserfleet.NotFoundError) as missing:
            client.get_job("00000000-0000-4000-8000-000000000000")
        self.assertEqual((missing.exception.status, missing.exception.code), (404, "NOT_FOUND"))
        self.assertTrue(missing.exception.request_id)
        with self.assertRaises(browserfleet.InvalidIdError):
            client.get_job("not-a-uuid")
        with self.assertRaises(browserfleet.UrlNotAllowedError) as refused:
            client.scrape("http://169.254.169.254/latest")
        self.assertEqual(refused.exception.status, 422)
        with self.assertRaises(browserfleet.InvalidApiKeyError):
            browserfleet.Client(api_key="agt_live_" + "0" * 32, base_url=client.base_url).get_credits()
        with self.assertRaises(browserfleet.UpstreamUnavailableError) as unreachable:
            client.scrape("http://127.0.0.1:1/nothing-listens-here")
        self.assertIsInstance(unreachable.exception.body.get("job_id"), str)


if __name__ == "__main__":
    unittest.main()
