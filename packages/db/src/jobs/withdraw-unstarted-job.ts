import type { Db } from "../client.ts";

interface ReserveEntry {
  id: string;
  delta: number;
  created_at: Date;
}

/**
 * Takes back a job nothing has started, as if it had never been submitted: the job, its items
 * and its credit reservation (the balance gets it back and the ledger loses the entry, so it
 * never shows as a charge). For a sync call whose items could not reach the queue: its client
 * gets a 503 and a retry must make exactly one job. False, and nothing changed, when the job
 * is not queued or any item has started (the reconciler got to it first): then it runs as usual.
 */
export async function withdrawUnstartedJob(prisma: Db, workspaceId: string, jobId: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    // Job row first, then items, then the workspace (the one lock order); a first start of a queued job locks the job row too.
    const jobs = await tx.$queryRaw<{ status: string }[]>`
      SELECT status::text AS status FROM jobs WHERE id = ${jobId}::uuid AND workspace_id = ${workspaceId}::uuid FOR UPDATE`;
    if (jobs[0]?.status !== "queued") return false;
    const started = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM job_items WHERE job_id = ${jobId}::uuid AND (status <> 'queued' OR attempt > 0) LIMIT 1`;
    if (started.length > 0) return false;

    const entries = await tx.$queryRaw<ReserveEntry[]>`
      SELECT id, delta, created_at FROM credit_ledger WHERE job_id = ${jobId}::uuid AND workspace_id = ${workspaceId}::uuid`;
    for (const entry of entries) {
      await tx.$executeRaw`
        UPDATE workspaces SET credit_balance = credit_balance - ${entry.delta}, updated_at = now() WHERE id = ${workspaceId}::uuid`;
      // Movements made since then carry a balance_after that counted this entry; they stay a running sum without it.
      await tx.$executeRaw`
        UPDATE credit_ledger SET balance_after = balance_after - ${entry.delta}
        WHERE workspace_id = ${workspaceId}::uuid AND (created_at, id) > (${entry.created_at}::timestamptz, ${entry.id}::uuid)`;
      await tx.$executeRaw`DELETE FROM credit_ledger WHERE id = ${entry.id}::uuid`;
    }
    // Items (and any payload rows) go with the job (ON DELETE CASCADE).
    await tx.$executeRaw`DELETE FROM jobs WHERE id = ${jobId}::uuid`;
    return true;
  });
}
