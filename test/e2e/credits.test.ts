import { beforeAll, expect, it } from "vitest";
import { apiClient } from "../support/http-client.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

interface LedgerEntry {
  id: string;
  created_at: string;
  delta: number;
  balance_after: number;
  reason: string;
  job_id: string | null;
}

const ctx = useStackWithSite();

beforeAll(async () => {
  });

async function wholeLedger(client: ReturnType<typeof apiClient>): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { items: LedgerEntry[]; next_cursor: string | null } } = await client.get(
      `/v1/credits/ledger?limit=1${cursor ? `&cursor=${cursor}` : ""}`,
    );
    expect(page.status).toBe(200);
    entries.push(...page.body.items);
    cursor = page.body.next_cursor;
  } while (cursor);
  return entries;
}

it("shows a new workspace's 100 credits, the price table and the signup grant", async () => {
  const { apiKey } = await ctx.stack.newWorkspace("fresh");
  const client = apiClient(ctx.stack.apiUrl, apiKey);
  const credits = await client.get("/v1/credits");
  expect(credits.status).toBe(200);
  expect(credits.body).toEqual({
    balance: 100,
    currency: "credits",
    prices: { page: 1, screenshot: 1, extract: 1, task_step: 1, burner_agent: 1, persistent_session: 2, persistent_agent_renewal: 20 },
  });
  const ledger = await wholeLedger(client);
  expect(ledger).toMatchObject([{ delta: 100, balance_after: 100, reason: "signup_grant", job_id: null }]);
});

it("charges a succeeded page, refunds a failed one, and the ledger always sums to the balance", async () => {
  const { apiKey } = await ctx.stack.newWorkspace("spender");
  const client = apiClient(ctx.stack.apiUrl, apiKey);
  const ok = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/simple` });
  expect(ok.status).toBe(200);
  const bad = await client.post("/v1/quick/scrape", { url: "http://127.0.0.1:9/closed" });
  expect(bad.status).toBe(502);

  expect((await client.get("/v1/credits")).body.balance).toBe(99);
  const ledger = await wholeLedger(client);
  expect(ledger.reduce((sum, e) => sum + e.delta, 0)).toBe(99);
  expect(ledger[0]!.balance_after).toBe(99);
  const byJob = (jobId: unknown) => ledger.filter((e) => e.job_id === jobId).map((e) => [e.reason, e.delta]);
  expect(byJob(ok.body.job_id)).toEqual([["job_reserve", -1]]);
  expect(byJob(bad.body.job_id).sort()).toEqual([["job_release", 1], ["job_reserve", -1]]);
  // Newest first, and each balance_after follows from the one before it.
  const oldestFirst = [...ledger].reverse();
  oldestFirst.reduce((balance, e) => {
    expect(e.balance_after).toBe(balance + e.delta);
    return e.balance_after;
  }, 0);
});

it("keeps each workspace's ledger to itself and validates paging", async () => {
  const a = apiClient(ctx.stack.apiUrl, (await ctx.stack.newWorkspace("a")).apiKey);
  const b = apiClient(ctx.stack.apiUrl, (await ctx.stack.newWorkspace("b")).apiKey);
  await a.post("/v1/quick/scrape", { url: `${ctx.site.origin}/simple` });
  expect(await wholeLedger(b)).toHaveLength(1);
  expect((await a.get("/v1/credits/ledger?cursor=forged")).status).toBe(400);
  expect((await a.get("/v1/credits/ledger?limit=201")).status).toBe(400);
  expect((await apiClient(ctx.stack.apiUrl).get("/v1/credits")).status).toBe(401);
});
