import { describe, expect, it } from "vitest";
import { settleWithin, withTimeout } from "../src/within.ts";

const never = new Promise<never>(() => undefined);
const later = <T>(value: T, ms: number): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe("settleWithin", () => {
  it("answers the promise's value when it settles first", async () => {
    await expect(settleWithin(later("done", 5), 1_000, () => "late")).resolves.toBe("done");
  });

  it("answers onTimeout's value when the promise has not settled in time", async () => {
    await expect(settleWithin(never, 10, () => "late")).resolves.toBe("late");
  });

  it("rejects with what onTimeout throws, and with the promise's own rejection", async () => {
    await expect(
      settleWithin(never, 10, () => {
        throw new Error("gave up");
      }),
    ).rejects.toThrow("gave up");
    await expect(settleWithin(Promise.reject(new Error("broke")), 1_000, () => "late")).rejects.toThrow("broke");
  });

  it("passes a rejection through as it is, Error or not", async () => {
    class Verdict {
      constructor(readonly remaining: number) {}
    }
    const verdict = new Verdict(0);
    await expect(settleWithin(Promise.reject(verdict), 1_000, () => "late")).rejects.toBe(verdict);
  });

  it("never calls onTimeout once the promise settled", async () => {
    let called = false;
    await settleWithin(Promise.resolve(1), 10, () => (called = true));
    await later(null, 30);
    expect(called).toBe(false);
  });
});

describe("withTimeout", () => {
  it("rejects with the message given, or one naming the bound", async () => {
    await expect(withTimeout(never, 10, "Redis did not answer")).rejects.toThrow("Redis did not answer");
    await expect(withTimeout(never, 10)).rejects.toThrow("timed out after 10 ms");
    await expect(withTimeout(later(7, 5), 1_000)).resolves.toBe(7);
  });
});
