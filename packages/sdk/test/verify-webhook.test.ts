import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "../src/index.ts";

const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
const body = JSON.stringify({ id: "evt_1", type: "job.completed", data: {} });
const now = 1_800_000_000_000;
const standard = (key: string, id: string, ts: number, raw: string) =>
  `v1,${createHmac("sha256", Buffer.from(key.slice("whsec_".length), "base64")).update(`${id}.${ts}.${raw}`).digest("base64")}`;
const headers = (overrides: Record<string, string> = {}) => ({
  "webhook-id": "evt_1",
  "webhook-timestamp": String(now / 1000),
  "webhook-signature": standard(secret, "evt_1", now / 1000, body),
  "x-agents-signature": createHmac("sha256", secret).update(body).digest("hex"),
  ...overrides,
});

describe("verifyWebhook", () => {
  it("accepts the Standard Webhooks signature and the reference's X-Agents-Signature", () => {
    expect(verifyWebhook(body, headers(), secret, { now })).toBe(true);
    expect(verifyWebhook(Buffer.from(body), new Headers(headers()), secret, { now })).toBe(true);
    expect(verifyWebhook(body, { "x-agents-signature": headers()["x-agents-signature"] }, secret)).toBe(true);
  });

  it("accepts any of several signatures (a rotation) and refuses a tampered body, another secret, a stale or future timestamp", () => {
    const old = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;
    const both = headers({ "webhook-signature": `${standard(secret, "evt_1", now / 1000, body)} ${standard(old, "evt_1", now / 1000, body)}` });
    expect(verifyWebhook(body, both, old, { now })).toBe(true);
    expect(verifyWebhook(`${body} `, headers(), secret, { now })).toBe(false);
    expect(verifyWebhook(body, headers(), old, { now })).toBe(false);
    expect(verifyWebhook(body, headers(), secret, { now: now + 301_000 })).toBe(false);
    expect(verifyWebhook(body, headers(), secret, { now: now - 301_000 })).toBe(false);
    expect(verifyWebhook(body, headers(), secret, { now: now + 301_000, toleranceSeconds: 600 })).toBe(true);
    // With the Standard headers present, a stale delivery is not rescued by the timestamp-less scheme.
    expect(verifyWebhook(body, headers(), secret, { now: now + 10_000_000 })).toBe(false);
    expect(verifyWebhook(body, { "x-agents-signature": "00".repeat(32) }, secret)).toBe(false);
    expect(verifyWebhook(body, {}, secret)).toBe(false);
    expect(verifyWebhook(body, headers({ "webhook-signature": "v2,abc" }), secret, { now })).toBe(false);
  });
});
