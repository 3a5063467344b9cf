import { describe, expect, it } from "vitest";
import { ContextLanes } from "../src/context-lanes.ts";

describe("ContextLanes", () => {
  it("fills a lane up to its size before opening the next, and reuses freed places", () => {
    const lanes = new ContextLanes(2);
    expect([lanes.acquire("job"), lanes.acquire("job"), lanes.acquire("job"), lanes.acquire("job"), lanes.acquire("job")]).toEqual([0, 0, 1, 1, 2]);
    lanes.release("job", 0);
    expect(lanes.acquire("job")).toBe(0);
    expect(lanes.acquire("job")).toBe(2);
    expect(lanes.acquire("job")).toBe(3);
  });

  it("keeps jobs apart and forgets a job whose pages all ended", () => {
    const lanes = new ContextLanes(1);
    expect(lanes.acquire("a")).toBe(0);
    expect(lanes.acquire("b")).toBe(0);
    expect(lanes.acquire("a")).toBe(1);
    lanes.release("a", 0);
    lanes.release("a", 1);
    expect(lanes.acquire("a")).toBe(0);
  });
});
