import { describe, expect, it } from "vitest";
import { Base64Bytes, jsonChunks } from "../src/results/json-chunks.ts";

// Replays of sync answers are checked by hash, so the streamed bytes must be JSON.stringify's exactly.
describe("jsonChunks", () => {
  it("joins to JSON.stringify's text, bytes written as base64 piece by piece", () => {
    const png = Buffer.alloc(3 * 64 * 1024 * 2 + 7, 0);
    for (let i = 0; i < png.length; i++) png[i] = (i * 31) & 0xff;
    const value = {
      url: "http://127.0.0.1/é\u2028\"q\"",
      skipped: undefined,
      nested: { n: 1.5, empty: {}, list: [1, undefined, "x"], when: new Date(0), nil: null },
      text: "😀".repeat(3),
      truncated: [],
      screenshot_png_b64: new Base64Bytes(png),
    };
    const pieces = [...jsonChunks(value)];
    const expected = JSON.stringify({ ...value, screenshot_png_b64: png.toString("base64") });
    expect(pieces.join("")).toBe(expected);
    // The screenshot never becomes one string: its base64 arrives in several pieces.
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(png.length);
  });

  it("writes an empty screenshot and top-level scalars as JSON.stringify does", () => {
    expect([...jsonChunks({ a: new Base64Bytes(new Uint8Array(0)) })].join("")).toBe('{"a":""}');
    for (const v of ["s", 3, null, true, [1, "2"]]) expect([...jsonChunks(v)].join("")).toBe(JSON.stringify(v));
  });
});
