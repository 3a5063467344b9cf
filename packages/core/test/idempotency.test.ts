import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_KEY_MAX_LENGTH, hashIdempotentRequest, idempotencyKeyHeader } from "../src/index.ts";

describe("idempotencyKeyHeader", () => {
  it("accepts 1..255 printable ASCII characters, inner spaces included", () => {
    for (const ok of ["a", "550e8400-e29b-41d4-a716-446655440000", "order 42 / retry", "k".repeat(IDEMPOTENCY_KEY_MAX_LENGTH), "~!@#$%^&*()"]) {
      expect(idempotencyKeyHeader.safeParse(ok).success, ok).toBe(true);
    }
  });

  it("refuses empty, blank, over-long, control and non-ASCII keys", () => {
    for (const bad of ["", "   ", "k".repeat(IDEMPOTENCY_KEY_MAX_LENGTH + 1), "tab\there", "new\nline", "nul\0", "caf\u00e9", "ключ"]) {
      expect(idempotencyKeyHeader.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("hashIdempotentRequest", () => {
  const body = new TextEncoder().encode('{"url":"https://example.com"}');
  const base = { method: "POST", target: "/v1/quick/scrape", body };

  it("is stable for the same method, target and bytes", () => {
    expect(hashIdempotentRequest(base)).toBe(hashIdempotentRequest({ ...base, body: new Uint8Array(body) }));
    expect(hashIdempotentRequest(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with the method, the target (path or query) or any body byte", () => {
    const hash = hashIdempotentRequest(base);
    expect(hashIdempotentRequest({ ...base, method: "PUT" })).not.toBe(hash);
    expect(hashIdempotentRequest({ ...base, target: "/v1/quick/screenshot" })).not.toBe(hash);
    expect(hashIdempotentRequest({ ...base, target: "/v1/quick/scrape?x=1" })).not.toBe(hash);
    expect(hashIdempotentRequest({ ...base, body: new TextEncoder().encode('{"url": "https://example.com"}') })).not.toBe(hash);
    expect(hashIdempotentRequest({ ...base, body: new Uint8Array(0) })).not.toBe(hash);
  });

  it("cannot be fooled by moving bytes between the target and the body", () => {
    const a = hashIdempotentRequest({ method: "POST", target: "/a\n", body: new TextEncoder().encode("b") });
    const b = hashIdempotentRequest({ method: "POST", target: "/a", body: new TextEncoder().encode("\nb") });
    expect(a).not.toBe(b);
  });
});
