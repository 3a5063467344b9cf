import type { PrismaClient } from "@browserfleet/db";
import type { apiClient } from "./http-client.ts";

type Client = ReturnType<typeof apiClient>;
export type Envelope = Record<string, unknown> & { id: string; status: string; progress_done: number; progress_total: number; progress_failed: number; credits_charged: number };
export type ResultItem = Record<string, unknown> & { url: string; status: string; error_code: string | null; http_status: number | null };

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

/** Long-polls a job until it is terminal; `onPoll` sees every envelope on the way. */
export async function waitForJob(client: Client, jobId: string, options: { timeoutMs?: number; onPoll?: (e: Envelope) => void } = {}): Promise<Envelope> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const res = await client.get<Envelope>(`/v1/jobs/${jobId}?wait=5`);
    if (res.status !== 200) throw new Error(`GET job answered ${res.status}: ${JSON.stringify(res.body)}`);
    options.onPoll?.(res.body);
    if (TERMINAL.has(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} not terminal in time: ${JSON.stringify(res.body)}`);
  }
}

/** Every result item of a job, following next_cursor. */
export async function allResults(client: Client, jobId: string, pageSize = 200): Promise<ResultItem[]> {
  const items: ResultItem[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { items: ResultItem[]; next_cursor: string | null } } = await client.get<{ items: ResultItem[]; next_cursor: string | null }>(`/v1/jobs/${jobId}/results?limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (res.status !== 200) throw new Error(`results answered ${res.status}: ${JSON.stringify(res.body)}`);
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
  } while (cursor !== null);
  return items;
}

/** The workspace's balance and the sum of its ledger: they must always agree. */
export async function balanceAndLedger(prisma: PrismaClient, workspaceId: string): Promise<{ balance: number; ledgerSum: number }> {
  const [ws, sum] = await Promise.all([
    prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { creditBalance: true } }),
    prisma.creditLedgerEntry.aggregate({ where: { workspaceId }, _sum: { delta: true } }),
  ]);
  return { balance: ws.creditBalance, ledgerSum: sum._sum.delta ?? 0 };
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
