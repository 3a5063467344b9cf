import { expect, it } from "vitest";
import { apiClient } from "../support/http-client.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

// A short lock lets a dead worker's page come back quickly.
const ctx = useStackWithSite({ env: { JOB_LOCK_MS: "3000" } });

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

it("a sync scrape survives its worker being SIGKILLed mid-page, with exactly one result", async () => {
  const { apiKey, workspaceId } = await ctx.stack.newWorkspace("crash");
  const client = apiClient(ctx.stack.apiUrl, apiKey);
  const pending = client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/slow?ms=4000`, formats: ["html", "text"] });

  await waitFor(() => ctx.site.hits("/slow") === 1, 30_000);
  await ctx.stack.workers[0]!.stop("SIGKILL");
  await ctx.stack.startWorker();

  const res = await pending;
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ status: "completed", title: "Slow 4000", cost_credits: 1 });
  expect(ctx.site.hits("/slow")).toBe(2);

  const items = await ctx.stack.prisma.jobItem.findMany({ where: { workspaceId }, include: { payload: true } });
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({ status: "completed", attempt: 2 });
  expect(items[0]!.payload?.text).toContain("waited 4000 ms");
  const job = await ctx.stack.prisma.job.findUniqueOrThrow({ where: { id: res.body.job_id as string } });
  expect(job).toMatchObject({ progressDone: 1, progressTotal: 1, creditsCharged: 1, status: "completed" });
  const ws = await ctx.stack.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  expect(ws.creditBalance).toBe(99);
  const ledger = await ctx.stack.prisma.creditLedgerEntry.findMany({ where: { workspaceId } });
  expect(ledger.reduce((s, e) => s + e.delta, 0)).toBe(99);
});
