// AI tasks: the platform's time per step on the fixture shop (shop-site.ts), next to the same
// actions done by a plain Playwright script in the same run. Prints numbers; asserts nothing.
//
// Through the whole stack (API → Postgres → BullMQ → worker → burner Chromium, the agent loop
// driving it through the worker's relay, a step row and a credit per step) with the fake LLM
// answering at once, the gap between two consecutive model calls is all platform: the previous
// answer parsed, the action run, the page observed (URL, title, AI snapshot), the step recorded and
// charged, the next request built and sent. The fake model's own time is taken out (the time its
// policy ran is subtracted). The baselines run the same three actions (type + submit, click, read
// the text) with Playwright on a local Chromium: the bare actions, and the actions each followed by
// the same observation the loop makes (observePage).
//   npm run bench:tasks -- [--tasks 10] [--dialect openai|anthropic]
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { grantCredits } from "@browserfleet/db";
import { observePage } from "@browserfleet/tasks";
import { startFakeLlm, type FakeTurn } from "../test/support/fake-llm.ts";
import { apiClient } from "../test/support/http-client.ts";
import { waitForJob } from "../test/support/job-polling.ts";
import { shopper } from "../test/support/shop-shopper.ts";
import { launchLocalChromium, startShopSite, type ShopSite } from "../test/support/shop-site.ts";
import { startTestStack } from "../test/support/test-stack.ts";
import { fmt, percentile } from "./stats.ts";

const argv = process.argv.slice(2);
if (argv[0] === "--") argv.shift();
const { values } = parseArgs({ args: argv, options: { tasks: { type: "string", default: "10" }, dialect: { type: "string", default: "openai" } } });
const TASKS = Number(values.tasks);
const dialect = values.dialect;
if (!Number.isInteger(TASKS) || TASKS < 1 || TASKS > 200) throw new Error("--tasks must be 1..200");
if (dialect !== "openai" && dialect !== "anthropic") throw new Error("--dialect must be openai or anthropic");

/** When each call of a model reached the fake LLM, and how long its policy took (the "model's time"). */
const callTimes = new Map<string, { at: number; policyMs: number }[]>();

function timedShopper(turn: FakeTurn) {
  const at = performance.now();
  const reply = shopper(turn);
  const list = callTimes.get(turn.model) ?? [];
  list.push({ at, policyMs: performance.now() - at });
  callTimes.set(turn.model, list);
  return reply;
}

const row = (label: string, samples: number[], baseline?: number[]): string => {
  const p50 = percentile(samples, 50);
  const ratio = baseline ? `  ×${fmt(p50 / percentile(baseline, 50), 2)} of the plain script's p50` : "";
  return `${label.padEnd(58)} n=${String(samples.length).padStart(3)}  p50 ${fmt(p50).padStart(5)} ms  p95 ${fmt(percentile(samples, 95)).padStart(5)} ms${ratio}`;
};

/** The shopper's three actions, as a plain Playwright script would do them; `observe` adds the loop's observation after each. */
async function plainScript(page: Page, site: ShopSite, observe: boolean): Promise<number[]> {
  await page.goto(`${site.origin}/`);
  if (observe) await observePage(page);
  const actions: (() => Promise<unknown>)[] = [
    async () => {
      await page.getByRole("textbox", { name: "Search" }).fill("mug");
      await Promise.all([page.waitForURL("**/results?q=mug"), page.getByRole("textbox", { name: "Search" }).press("Enter")]);
    },
    () => Promise.all([page.waitForURL("**/item/1"), page.getByRole("link", { name: "Red mug" }).click()]),
    () => page.locator("body").innerText(),
  ];
  const times: number[] = [];
  for (const action of actions) {
    const started = performance.now();
    await action();
    if (observe) await observePage(page);
    times.push(performance.now() - started);
  }
  return times;
}

async function main(): Promise<void> {
  const site = await startShopSite();
  const llm = await startFakeLlm(timedShopper);
  const stack = await startTestStack({ api: "in-process", workers: 1, env: { WORKER_AGENT_SLOTS: "2", AGENT_WARM_POOL: "1" } });
  const perStep: number[] = [];
  const toFirstCall: number[] = [];
  const total: number[] = [];
  const plainBare: number[] = [];
  const plainObserved: number[] = [];
  try {
    const { workspaceId, apiKey } = await stack.newWorkspace("bench-tasks");
    await grantCredits(stack.prisma, { workspaceId, amount: 1_000_000 });
    const client = apiClient(stack.apiUrl, apiKey);
    console.log(`bench:tasks  ${TASKS} tasks through the ${dialect} dialect, one at a time; load ${loadavg().map((l) => fmt(l, 2)).join(" ")}`);
    for (let i = 0; i < TASKS; i += 1) {
      const model = `bench-${i}`;
      const submittedAt = performance.now();
      const submitted = await client.post<{ id: string }>("/v1/tasks", {
        task: "Find the price of the red mug",
        llm: `${dialect}:${model}`,
        llm_api_key: "sk-bench-0123456789abcdef",
        llm_base_url: dialect === "anthropic" ? llm.origin : llm.baseUrl,
        initial_url: `${site.origin}/`,
      });
      if (submitted.status !== 202) throw new Error(`POST /v1/tasks answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
      const done = await waitForJob(client, submitted.body.id, { timeoutMs: 120_000 });
      total.push(performance.now() - submittedAt);
      if (done.status !== "completed") throw new Error(`task ${done.id} ended ${done.status}: ${JSON.stringify(done)}`);
      const calls = callTimes.get(model) ?? [];
      toFirstCall.push(calls[0]!.at - submittedAt);
      for (let k = 1; k < calls.length; k += 1) perStep.push(calls[k]!.at - calls[k - 1]!.at - calls[k - 1]!.policyMs);
    }

    const browser = await launchLocalChromium();
    try {
      for (let i = 0; i < TASKS; i += 1) {
        for (const [observe, into] of [[false, plainBare], [true, plainObserved]] as const) {
          const context = await browser.newContext();
          into.push(...(await plainScript(await context.newPage(), site, observe)));
          await context.close();
        }
      }
    } finally {
      await browser.close();
    }
  } finally {
    await stack.stop();
    await Promise.all([llm.close(), site.close()]);
  }
  console.log(row("plain Playwright: the action alone (baseline)", plainBare));
  console.log(row("plain Playwright: the action + the loop's observation", plainObserved));
  console.log(row("browserfleet: one step, model call to model call", perStep, plainObserved));
  console.log(`per step, observation + action + bookkeeping, p50: ${fmt(percentile(perStep, 50))} ms (goal ≤ 150 ms)`);
  console.log(`  of which beyond the plain script doing the same action + observation: ${fmt(percentile(perStep, 50) - percentile(plainObserved, 50))} ms at p50`);
  console.log(row("submit → the model's first call (burner agent placed, page opened)", toFirstCall));
  console.log(row("submit → completed (4 steps)", total));
}

await main();
