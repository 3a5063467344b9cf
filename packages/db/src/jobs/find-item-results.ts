import type { JobItem, JobItemPayload } from "../generated/prisma/client.ts";
import type { Db } from "./db-types.ts";

export type ItemWithPayload = JobItem & { payload: JobItemPayload | null };

/** Items of a job in submission order with their stored content (html, text, links, screenshot). */
export async function findItemResults(prisma: Db, jobId: string, options: { fromSeq?: number; limit: number }): Promise<ItemWithPayload[]> {
  return prisma.jobItem.findMany({
    where: { jobId, seq: { gte: options.fromSeq ?? 0 } },
    orderBy: { seq: "asc" },
    take: options.limit,
    include: { payload: true },
  });
}
