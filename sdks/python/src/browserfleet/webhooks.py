"""Checking that a webhook delivery came from browserfleet (docs/api.md § Webhooks)."""

import base64
import binascii
import hashlib
import hmac
import re
import time
from typing import Any, Mapping, Optional, Union

SECRET_PREFIX = "whsec_"
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_HEX_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def verify_webhook(
    raw_body: Union[bytes, bytearray, memoryview, str],
    headers: Mapping[str, Any],
    secret: str,
    tolerance_seconds: float = 300,
    *,
    now: Optional[float] = None,
) -> bool:
    """True when a delivery is authentic.

    When the Standard Webhooks headers came (``webhook-id``, ``webhook-timestamp``,
    ``webhook-signature: v1,<base64> [v1,<base64> …]``), one of the signatures must be the
    base64 HMAC-SHA256 of ``id.timestamp.body`` keyed by the base64-decoded bytes after ``whsec_``,
    and the timestamp must be within ``tolerance_seconds`` of now (older or future ones are refused
    as replays). Otherwise the reference's ``X-Agents-Signature`` (hex HMAC-SHA256 of the raw body
    keyed by the whole secret string; ``X-Agents-Signature-Previous`` while a rotated-out secret
    still signs) must match. Pass the raw bytes as received, before any JSON parsing; header names
    are matched case-insensitively. Every comparison is constant-time.

    ``now`` (unix seconds) replaces the clock, for tests.
    """
    body = raw_body.encode("utf-8") if isinstance(raw_body, str) else bytes(raw_body)
    webhook_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    if webhook_id is not None or timestamp is not None or signatures is not None:
        if webhook_id is None or timestamp is None or signatures is None or not _TIMESTAMP.match(timestamp):
            return False
        current = time.time() if now is None else now
        if abs(current - int(timestamp)) > tolerance_seconds:
            return False
        key = _standard_key(secret)
        if key is None:
            return False
        signed = webhook_id.encode("utf-8") + b"." + timestamp.encode("ascii") + b"." + body
        expected = hmac.new(key, signed, hashlib.sha256).digest()
        matched = False
        for entry in signatures.split(" "):
            version, _, mac = entry.partition(",")
            if version != "v1" or not mac:
                continue
            try:
                candidate = base64.b64decode(mac, validate=True)
            except (binascii.Error, ValueError):
                continue
            # No early exit: every candidate is compared, in constant time each.
            matched = hmac.compare_digest(candidate, expected) or matched
        return matched
    expected_hex = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    matched = False
    for name in ("x-agents-signature", "x-agents-signature-previous"):
        value = _header(headers, name)
        if value is not None and _HEX_SHA256.match(value):
            matched = hmac.compare_digest(value.lower(), expected_hex) or matched
    return matched


def _standard_key(secret: str) -> Optional[bytes]:
    encoded = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None


def _header(headers: Mapping[str, Any], name: str) -> Optional[str]:
    """One header's value, whatever the case of its name (dicts, http.client / email messages)."""
    value: Any = None
    getter = getattr(headers, "get_all", None)
    if callable(getter):  # email.message.Message and http.client.HTTPMessage match names case-insensitively.
        found = getter(name)
        value = found[0] if found else None
    else:
        for key, candidate in headers.items():
            if isinstance(key, str) and key.lower() == name:
                value = candidate
                break
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value if isinstance(value, str) else None
