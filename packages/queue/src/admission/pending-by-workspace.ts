/** Workspaces a pending-by-workspace read names one by one; the rest are summed as "other". */
export const PENDING_TOP_WORKSPACES = 20;

export interface PendingByWorkspace {
  /** Pages waiting for admission fleet-wide (both lanes of every workspace). */
  total: number;
  /** The workspaces with the most pages waiting, most first, at most `top` of them. */
  top: { workspaceId: string; pending: number }[];
  /** Pages waiting in every other workspace: total = other + the sum of top. */
  other: number;
}

/** lua/pending-by-workspace.lua's flat answer `{ total, rest, ws1, n1, ws2, n2, ... }`, as a PendingByWorkspace. */
export function parsePendingByWorkspace(flat: (string | number)[]): PendingByWorkspace {
  const top: PendingByWorkspace["top"] = [];
  for (let i = 2; i + 1 < flat.length; i += 2) top.push({ workspaceId: String(flat[i]), pending: Number(flat[i + 1]) });
  return { total: Number(flat[0] ?? 0), top, other: Number(flat[1] ?? 0) };
}
