import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// docs/api.md is the HTTP contract as the product team writes it (../shared/spec/api.md beside the
// project root), vendored so the repository carries its own contract. Where the original is at hand,
// the copy must be the same text, so a change to the contract is a change to this repository too.
const copy = fileURLToPath(new URL("../../docs/api.md", import.meta.url));
const original = fileURLToPath(new URL("../../../shared/spec/api.md", import.meta.url));

describe("docs/api.md", () => {
  it("is in the repository", () => {
    expect(readFileSync(copy, "utf8")).toMatch(/^# /m);
  });

  it.skipIf(!existsSync(original))("is the same text as the contract it was vendored from", () => {
    expect(readFileSync(copy, "utf8")).toBe(readFileSync(original, "utf8"));
  });
});
