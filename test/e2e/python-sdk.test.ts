import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantCredits, setWorkspaceRateLimits } from "@browserfleet/db";
import { startDropFirstAnswerProxy, type DropFirstAnswerProxy } from "../support/drop-first-answer-proxy.ts";
import { startFakeLlm, type FakeLlm } from "../support/fake-llm.ts";
import { startFixtureSite, type FixtureSite } from "../support/fixture-site.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// The Python SDK's own tests (sdks/python/tests, `python3 -m unittest`) against this real stack: the
// API in this process (so the child must be spawned, never run synchronously), one worker with an agent
// slot, one dispatcher polling fast. What they need comes in BROWSERFLEET_TEST_* variables.
const REPO = fileURLToPath(new URL("../..", import.meta.url));
/** The interpreter (PYTHON=/path/to/python3.9 to try the oldest supported version). */
const PYTHON = process.env.PYTHON ?? "python3";

let stack: TestStack<ApiHandle>;
let site: FixtureSite;
let llm: FakeLlm;
let proxy: DropFirstAnswerProxy;

beforeAll(async () => {
  [stack, site, llm] = await Promise.all([
    startTestStack({
      api: "in-process",
      workers: 1,
      dispatchers: 1,
      env: { WORKER_AGENT_SLOTS: "1", AGENT_WARM_POOL: "0", WEBHOOK_POLL_MS: "50", WEBHOOK_RETRY_SCALE: "0.001" },
    }),
    startFixtureSite(),
    startFakeLlm((turn) => {
      const answer = turn.messages.map((m) => m.text).find((t) => t.startsWith("the user answered: "));
      return answer ? { tool: "done", args: { result: answer.split("\n")[0]!.slice("the user answered: ".length) } } : { tool: "ask_user", args: { question: "Which one?" } };
    }),
  ]);
  proxy = await startDropFirstAnswerProxy(stack.apiUrl, (req) => req.method === "POST" && req.url === "/v1/quick/batch");
});

afterAll(async () => {
  await Promise.all([stack?.stop(), site?.close(), llm?.close(), proxy?.close()]);
});

function runPython(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-m", "unittest", "discover", "-s", "sdks/python/tests", "-v"], {
      cwd: REPO,
      env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

describe("the Python SDK against the real stack", () => {
  it("passes its unittest suite (every method, iteration, retries, idempotency, typed errors, verify_webhook, stdlib only)", async () => {
    const main = await stack.newWorkspace("py-sdk");
    // 250-page batch, the other jobs, a task's reservation and two agents: more than the 100 a workspace starts with.
    await grantCredits(stack.prisma, { workspaceId: main.workspaceId, amount: 1_000 });
    const limited = await stack.newWorkspace("py-sdk-limited");
    await setWorkspaceRateLimits(stack.prisma, limited.workspaceId, { submissionsPerSecond: 1 });

    const { code, output } = await runPython({
      BROWSERFLEET_TEST_API_URL: stack.apiUrl,
      BROWSERFLEET_TEST_API_KEY: main.apiKey,
      BROWSERFLEET_TEST_SITE_URL: site.origin,
      BROWSERFLEET_TEST_LIMITED_API_KEY: limited.apiKey,
      BROWSERFLEET_TEST_DROP_PROXY_URL: proxy.url,
      BROWSERFLEET_TEST_LLM_BASE_URL: llm.baseUrl,
    });
    if (code !== 0 || /skipped/i.test(output)) console.log(output);
    expect(code).toBe(0);
    expect(output).toMatch(/\nOK\s*$/);
    // Every stack test ran: none skipped for a missing setting.
    expect(output).not.toMatch(/skipped/i);
    // The lost answer was one, and its POST reached the API twice (the retry, under the same key).
    expect(proxy.dropped).toBe(1);
    expect(proxy.forwarded.filter((r) => r === "POST /v1/quick/batch")).toHaveLength(2);
  }, 300_000);
});
