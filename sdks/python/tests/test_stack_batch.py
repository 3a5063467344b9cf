"""wait_for_job on a batch, and iterating a 250-item result set: 250 items in submission order."""

import unittest

from bf_support import setting, stack_client


class BatchOf250(unittest.TestCase):
    def test_wait_for_job_then_iterate_every_result_in_order(self) -> None:
        client, site = stack_client(), setting("site_url")
        urls = [f"{site}/simple?n={i}" for i in range(250)]
        batch = client.batch(urls, formats=["text"])
        self.assertEqual((batch["kind"], batch["progress_total"]), ("batch", 250))
        done = client.wait_for_job(batch["id"], timeout=240)
        self.assertEqual((done["status"], done["progress_done"], done["progress_total"]), ("completed", 250, 250))
        first_page = client.list_results(batch["id"], limit=40)
        self.assertEqual(len(first_page["items"]), 40)
        self.assertIsNotNone(first_page["next_cursor"])
        seen = [item["url"] for item in client.iter_results(batch["id"], limit=40)]
        self.assertEqual(seen, urls)


if __name__ == "__main__":
    unittest.main()
