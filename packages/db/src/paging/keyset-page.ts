import type { ListCursor } from "@browserfleet/core";

/** Rows strictly after the cursor in (created_at desc, id desc) order. */
export function afterCursor(after: ListCursor): [{ createdAt: { lt: Date } }, { createdAt: Date; id: { lt: string } }] {
  return [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }];
}

export const NEWEST_FIRST = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** Given limit + 1 rows, the page and the cursor of the next one (null on the last page). */
export function keysetPage<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): { items: T[]; next: ListCursor | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}
