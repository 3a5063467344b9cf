import { describe, expect, it } from "vitest";
import { autoBody, createTaskBody, respondBody } from "../src/index.ts";

describe("task request schemas", () => {
  it("fills the contract's defaults", () => {
    expect(createTaskBody.parse({ task: "find the price", llm_api_key: "sk-1" })).toEqual({
      task: "find the price",
      llm_api_key: "sk-1",
      llm: "openai:gpt-4.1-mini",
      max_steps: 20,
      wallclock_seconds: 900,
      os_type: "OS_TYPE_MACOS",
      country: "us",
    });
    expect(autoBody.parse({ task: "Go to https://x.test/" })).toMatchObject({ task: "Go to https://x.test/", llm: "openai:gpt-4.1-mini" });
  });

  it("refuses what the contract refuses", () => {
    const ok = { task: "t", llm_api_key: "k" };
    for (const bad of [
      {},
      { task: "t" },
      { ...ok, task: "" },
      { ...ok, task: "x".repeat(10_001) },
      { ...ok, llm: "google:gemini" },
      { ...ok, llm: "openai" },
      { ...ok, max_steps: 0 },
      { ...ok, max_steps: 101 },
      { ...ok, wallclock_seconds: 9 },
      { ...ok, wallclock_seconds: 3_601 },
      { ...ok, llm_base_url: "ftp://llm.test/" },
      { ...ok, llm_base_url: "https://llm.test/v1?key=1" },
      { ...ok, llm_base_url: "https://user:pw@llm.test/" },
      { ...ok, initial_url: "file:///etc/passwd" },
      { ...ok, os_type: "OS_TYPE_BEOS" },
      { ...ok, country: "zz" },
      { ...ok, output_schema: "not an object" },
      { ...ok, unknown_field: 1 },
    ]) expect({ bad, ok: createTaskBody.safeParse(bad).success }).toEqual({ bad, ok: false });
    expect(createTaskBody.parse({ ...ok, llm: "openai-compatible:llama3:8b", llm_base_url: "http://127.0.0.1:11434/v1" })).toMatchObject({ llm: "openai-compatible:llama3:8b" });
    expect(respondBody.safeParse({ input: "" }).success).toBe(false);
    expect(respondBody.safeParse({ input: "red" }).success).toBe(true);
  });
});
