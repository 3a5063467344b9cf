"""Webhooks against the real stack: every method, and verify_webhook on real deliveries of the
dispatcher (both schemes, during a signing-secret rotation), refusing tampered and stale ones."""

import time
import unittest

from bf_support import WebhookReceiver, browserfleet, setting, stack_client, wait_until

verify_webhook = browserfleet.verify_webhook


class Webhooks(unittest.TestCase):
    def setUp(self) -> None:
        self.receiver = WebhookReceiver()
        self.addCleanup(self.receiver.close)

    def test_every_method_and_verify_webhook_on_real_deliveries(self) -> None:
        client, site, receiver = stack_client(), setting("site_url"), self.receiver
        hook = client.create_webhook(receiver.url("/py-hooks"), events=["webhook.test", "job.completed"], description="python sdk")
        self.assertEqual((hook["url"], hook["enabled"]), (receiver.url("/py-hooks"), True))
        self.assertEqual(client.get_webhook(hook["id"])["events"], ["webhook.test", "job.completed"])
        self.assertIn(hook["id"], [w["id"] for w in client.list_webhooks()["items"]])
        self.assertIn(hook["id"], [w["id"] for w in client.iter_webhooks(limit=1)])
        self.assertEqual(client.update_webhook(hook["id"], description="for the SDK test")["description"], "for the SDK test")
        secret = client.get_signing_secret()["secret"]
        self.assertTrue(secret.startswith("whsec_"))

        ping = client.ping_webhook(hook["id"])
        self.assertTrue(ping["event_id"].startswith("evt_"))
        first = wait_until(lambda: receiver.on_path("/py-hooks"), 60, "the first delivery")[0]
        self.assertEqual(first.body["id"], ping["event_id"])
        self.assertTrue(verify_webhook(first.raw_body, first.headers, secret))
        self.assertTrue(verify_webhook(first.raw_body, dict(first.headers.items()), secret))
        # The reference's scheme alone (no Standard Webhooks headers).
        agents_only = {"X-Agents-Signature": first.headers["X-Agents-Signature"]}
        self.assertTrue(verify_webhook(first.raw_body, agents_only, secret))
        # Tampered body, wrong secret, stale or future timestamp: refused.
        tampered = first.raw_body.replace(b"webhook.test", b"webhook.tost")
        self.assertFalse(verify_webhook(tampered, first.headers, secret))
        self.assertFalse(verify_webhook(tampered, agents_only, secret))
        self.assertFalse(verify_webhook(first.raw_body, agents_only, secret + "x"))
        self.assertFalse(verify_webhook(first.raw_body, first.headers, secret, now=time.time() + 3600))
        self.assertFalse(verify_webhook(first.raw_body, first.headers, secret, now=time.time() - 3600))
        self.assertFalse(verify_webhook(first.raw_body, first.headers, secret, tolerance_seconds=-1))

        # A job's event, signed the same way.
        job = client.scrape(f"{site}/simple", async_=True)
        client.wait_for_job(job["id"], timeout=120)
        completed = wait_until(lambda: [r for r in receiver.on_path("/py-hooks") if r.body.get("type") == "job.completed"], 60, "job.completed")[0]
        self.assertEqual(completed.body["data"]["job_id"], job["id"])
        self.assertTrue(verify_webhook(completed.raw_body, completed.headers, secret))

        # During a rotation the new deliveries carry both signatures: either secret verifies them.
        rotated = client.rotate_signing_secret()["secret"]
        self.assertNotEqual(rotated, secret)
        self.assertEqual(client.get_signing_secret()["secret"], rotated)
        second_ping = client.ping_webhook(hook["id"])
        second = wait_until(lambda: [r for r in receiver.on_path("/py-hooks") if r.body.get("id") == second_ping["event_id"]], 60, "the delivery after the rotation")[0]
        self.assertEqual(len(second.headers["webhook-signature"].split(" ")), 2)
        self.assertTrue(verify_webhook(second.raw_body, second.headers, rotated))
        self.assertTrue(verify_webhook(second.raw_body, second.headers, secret))
        self.assertTrue(verify_webhook(second.raw_body, {"x-agents-signature-previous": second.headers["X-Agents-Signature-Previous"]}, secret))
        self.assertTrue(verify_webhook(second.raw_body, {"x-agents-signature": second.headers["X-Agents-Signature"]}, rotated))
        self.assertFalse(verify_webhook(second.raw_body.replace(b"webhook.test", b"webhook.tost"), second.headers, rotated))
        self.assertFalse(verify_webhook(second.raw_body, second.headers, rotated, now=time.time() + 600))

        # The dispatcher writes an attempt's row once the answer is in: wait for the last one.
        wait_until(
            lambda: second_ping["event_id"] in [d["event_id"] for d in client.list_deliveries(hook["id"], limit=200)["items"]],
            60,
            "the delivery rows",
            every=0.25,
        )
        deliveries = list(client.iter_deliveries(hook["id"], limit=1))
        self.assertGreaterEqual(len(deliveries), 3)
        self.assertEqual(len(client.list_deliveries(hook["id"], limit=1)["items"]), 1)
        client.delete_webhook(hook["id"])
        with self.assertRaises(browserfleet.NotFoundError):
            client.get_webhook(hook["id"])


if __name__ == "__main__":
    unittest.main()
