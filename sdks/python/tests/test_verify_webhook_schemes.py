"""verify_webhook on deliveries signed here the way api.md § Webhooks says (the real dispatcher's are in test_stack_webhooks)."""

import base64
import hashlib
import hmac
import time
import unittest

from bf_support import browserfleet

verify_webhook = browserfleet.verify_webhook

SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
OTHER = "whsec_" + base64.b64encode(bytes(range(32, 64))).decode()
BODY = b'{"id":"evt_1","type":"webhook.test","created_at":"2026-01-01T00:00:00.000Z","workspace_id":"w","data":{"message":"hi"}}'


def standard(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret[len("whsec_") :])
    mac = hmac.new(key, f"{event_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def agents(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers(secret: str = SECRET, timestamp: int = 0, body: bytes = BODY) -> dict:
    ts = timestamp or int(time.time())
    return {
        "Content-Type": "application/json",
        "X-Agents-Signature": agents(secret, body),
        "webhook-id": "evt_1",
        "webhook-timestamp": str(ts),
        "webhook-signature": standard(secret, "evt_1", ts, body),
    }


class StandardWebhooksScheme(unittest.TestCase):
    def test_accepts_a_fresh_signature_with_any_header_case(self) -> None:
        self.assertTrue(verify_webhook(BODY, headers(), SECRET))
        self.assertTrue(verify_webhook(BODY, {k.upper(): v for k, v in headers().items()}, SECRET))
        self.assertTrue(verify_webhook(BODY.decode(), headers(), SECRET))

    def test_accepts_any_of_several_signatures_during_a_rotation(self) -> None:
        h = headers()
        h["webhook-signature"] = f"{standard(OTHER, 'evt_1', int(h['webhook-timestamp']), BODY)} {h['webhook-signature']}"
        self.assertTrue(verify_webhook(BODY, h, SECRET))
        self.assertTrue(verify_webhook(BODY, h, OTHER))

    def test_rejects_tampering_wrong_secrets_and_malformed_headers(self) -> None:
        self.assertFalse(verify_webhook(BODY.replace(b"hi", b"ho"), headers(), SECRET))
        self.assertFalse(verify_webhook(BODY, headers(), OTHER))
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
            h = headers()
            del h[name]
            self.assertFalse(verify_webhook(BODY, h, SECRET), f"without {name}")
        h = headers()
        h["webhook-id"] = "evt_2"
        self.assertFalse(verify_webhook(BODY, h, SECRET))
        for bad in ("v2," + h["webhook-signature"][3:], "v1,", "v1,!!notbase64!!", "garbage", ""):
            h = headers()
            h["webhook-signature"] = bad
            self.assertFalse(verify_webhook(BODY, h, SECRET), bad)
        h = headers()
        h["webhook-timestamp"] = "12ab"
        self.assertFalse(verify_webhook(BODY, h, SECRET))
        self.assertFalse(verify_webhook(BODY, headers(), "whsec_***"))

    def test_rejects_stale_and_future_timestamps_beyond_the_tolerance(self) -> None:
        now = int(time.time())
        self.assertFalse(verify_webhook(BODY, headers(timestamp=now - 301), SECRET))
        self.assertFalse(verify_webhook(BODY, headers(timestamp=now + 301), SECRET))
        self.assertTrue(verify_webhook(BODY, headers(timestamp=now - 250), SECRET))
        self.assertTrue(verify_webhook(BODY, headers(timestamp=now - 250), SECRET, tolerance_seconds=600))
        self.assertFalse(verify_webhook(BODY, headers(timestamp=now - 250), SECRET, tolerance_seconds=60))
        self.assertFalse(verify_webhook(BODY, headers(timestamp=now), SECRET, now=now + 3600))
        # A stale delivery stays refused even though its X-Agents-Signature is right: the Standard headers decide.
        self.assertFalse(verify_webhook(BODY, headers(timestamp=now - 3600), SECRET))


class AgentsSignatureScheme(unittest.TestCase):
    def test_accepts_the_hex_hmac_of_the_body_keyed_by_the_whole_secret(self) -> None:
        self.assertTrue(verify_webhook(BODY, {"x-agents-signature": agents(SECRET, BODY)}, SECRET))
        self.assertTrue(verify_webhook(BODY, {"X-Agents-Signature": agents(SECRET, BODY).upper()}, SECRET))
        # The reference's scheme keys with the secret string, not the decoded bytes.
        key = base64.b64decode(SECRET[len("whsec_") :])
        wrong_key = hmac.new(key, BODY, hashlib.sha256).hexdigest()
        self.assertFalse(verify_webhook(BODY, {"x-agents-signature": wrong_key}, SECRET))

    def test_accepts_the_previous_secret_header_during_a_rotation(self) -> None:
        h = {"x-agents-signature": agents(SECRET, BODY), "x-agents-signature-previous": agents(OTHER, BODY)}
        self.assertTrue(verify_webhook(BODY, h, SECRET))
        self.assertTrue(verify_webhook(BODY, h, OTHER))

    def test_rejects_tampered_bodies_and_garbage(self) -> None:
        self.assertFalse(verify_webhook(BODY + b" ", {"x-agents-signature": agents(SECRET, BODY)}, SECRET))
        self.assertFalse(verify_webhook(BODY, {"x-agents-signature": "zz" * 32}, SECRET))
        self.assertFalse(verify_webhook(BODY, {"x-agents-signature": agents(SECRET, BODY)[:-2]}, SECRET))
        self.assertFalse(verify_webhook(BODY, {}, SECRET))


if __name__ == "__main__":
    unittest.main()
