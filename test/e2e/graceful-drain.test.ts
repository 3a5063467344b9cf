import { beforeAll, expect, it } from "vitest";
import { startApp } from "../support/app-process.ts";
import { apiClient } from "../support/http-client.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

const ctx = useStackWithSite();

beforeAll(async () => {
  });

it("a worker told to stop finishes the page it is rendering, then exits 0", async () => {
  const { apiKey } = await ctx.stack.newWorkspace("drain");
  const client = apiClient(ctx.stack.apiUrl, apiKey);
  const pending = client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/slow?ms=3000` });
  const deadline = Date.now() + 30_000;
  while (ctx.site.hits("/slow") === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const worker = ctx.stack.workers[0]!;
  const exited = new Promise<number | null>((resolve) => worker.child.once("exit", (code) => resolve(code)));
  worker.child.kill("SIGTERM");

  const res = await pending;
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: "completed", title: "Slow 3000" });
  expect(await exited).toBe(0);
  expect(ctx.site.hits("/slow")).toBe(1);
  expect(worker.logs.some((l) => l.includes("shutdown complete"))).toBe(true);
});

it("the dispatcher serves health, readiness and metrics, and exits 0 on SIGTERM", async () => {
  const dispatcher = await startApp("dispatcher", ctx.stack.env);
  try {
    const ops = apiClient(`http://127.0.0.1:${dispatcher.port}`);
    expect((await ops.get("/healthz")).status).toBe(200);
    expect((await ops.get("/readyz")).body).toMatchObject({ status: "ready" });
    expect((await ops.get<string>("/metrics")).body).toContain("browserfleet_process_cpu");
    const exited = new Promise<number | null>((resolve) => dispatcher.child.once("exit", (code) => resolve(code)));
    dispatcher.child.kill("SIGTERM");
    expect(await exited).toBe(0);
  } finally {
    await dispatcher.stop("SIGKILL");
  }
});
