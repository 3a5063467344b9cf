import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../../packages/sdk/src/index.ts";
import { repoRoot } from "../support/app-process.ts";
import { startFixtureSite, type FixtureSite } from "../support/fixture-site.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { waitUntil } from "../support/job-polling.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

let stack: TestStack<ApiHandle>;
let site: FixtureSite;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [stack, site] = await Promise.all([
    startTestStack({ api: "in-process", workers: 1, dispatchers: 1, env: { WORKER_AGENT_SLOTS: "1", AGENT_WARM_POOL: "0", WEBHOOK_POLL_MS: "50" } }),
    startFixtureSite(),
  ]);
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all([stack?.stop(), site?.close()]);
});

/** Runs an example the way its header says (tsx, the repo's own SDK), collecting its output. */
function start(file: string, args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--conditions=browserfleet-source", "--import", "tsx", join(repoRoot, "examples", file), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", BROWSERFLEET_API_URL: stack.apiUrl, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  return { child, output: () => out, exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
}

describe("examples/", () => {
  it("batch-and-poll.ts submits a batch, waits, and prints every page", async () => {
    const { apiKey } = await stack.newWorkspace("example-batch");
    const run = start("batch-and-poll.ts", [`${site.origin}/simple`, `${site.origin}/status/404`], { BROWSERFLEET_API_KEY: apiKey });
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(/completed: 2 succeeded, 0 failed, 2 credits/);
    expect(run.output()).toContain(`completed 200 ${site.origin}/simple`);
    expect(run.output()).toContain(`completed 404 ${site.origin}/status/404`);
  });

  it("batch_and_poll.py does the same with the Python SDK", async () => {
    const { apiKey } = await stack.newWorkspace("example-batch-py");
    const child = spawn("python3", [join(repoRoot, "examples", "batch_and_poll.py"), `${site.origin}/simple`, `${site.origin}/status/404`], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PYTHONPATH: join(repoRoot, "sdks", "python", "src"), BROWSERFLEET_API_URL: stack.apiUrl, BROWSERFLEET_API_KEY: apiKey },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
    expect(await new Promise((resolve) => child.once("exit", resolve)), out).toBe(0);
    expect(out).toMatch(/completed: 2 succeeded, 0 failed, 2 credits/);
    expect(out).toContain(`completed 200 ${site.origin}/simple`);
    expect(out).toContain(`completed 404 ${site.origin}/status/404`);
  });

  it("webhook-receiver.ts accepts the dispatcher's signed deliveries and refuses a forged one", async () => {
    const { apiKey } = await stack.newWorkspace("example-hooks");
    const sdk = new Client({ apiKey, baseUrl: stack.apiUrl });
    const { secret } = await sdk.getSigningSecret();
    const run = start("webhook-receiver.ts", [], { BROWSERFLEET_WEBHOOK_SECRET: secret, PORT: "0" });
    await waitUntil(() => /listening on \d+/.test(run.output()), 30_000, "receiver listening");
    const port = /listening on (\d+)/.exec(run.output())![1];
    const hook = await sdk.createWebhook({ url: `http://127.0.0.1:${port}/webhooks` });
    await sdk.pingWebhook(hook.id);
    await waitUntil(() => run.output().includes("webhook.test"), 30_000, "the ping logged");
    await waitUntil(async () => (await sdk.listDeliveries(hook.id)).items.some((d) => d.status_code === 204), 15_000, "delivery 204");
    const forged = await fetch(`http://127.0.0.1:${port}/webhooks`, { method: "POST", headers: { "content-type": "application/json", "x-agents-signature": "0".repeat(64) }, body: '{"id":"evt_x","type":"job.completed","data":{}}' });
    expect(forged.status).toBe(401);
    expect(run.output()).not.toContain("evt_x");
  });

  it("playwright-agent.ts drives an agent over CDP with Playwright and deletes it", async () => {
    const { apiKey } = await stack.newWorkspace("example-agent");
    const run = start("playwright-agent.ts", [`${site.origin}/simple`], { BROWSERFLEET_API_KEY: apiKey });
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(/title: .+/);
    expect(run.output()).toContain("navigator.platform: Win32");
    expect(run.output()).toMatch(/agent agt_[0-9a-f]{20} deleted/);
  });
});
