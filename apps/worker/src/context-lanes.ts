/**
 * Spreads one job's concurrent pages over shared contexts of at most `perLane` pages each:
 * Chromium opens at most 6 connections per host in one context, so 8 pages of one job on
 * one host in a single context would quietly run 6 at a time.
 */
export class ContextLanes {
  private readonly active = new Map<string, number[]>();

  constructor(private readonly perLane = 4) {}

  /** The lane (0, 1, …) for one more page of `key`; give it back with release(). */
  acquire(key: string): number {
    const lanes = this.active.get(key) ?? [];
    let lane = lanes.findIndex((n) => n < this.perLane);
    if (lane === -1) lane = lanes.push(0) - 1;
    lanes[lane] = (lanes[lane] ?? 0) + 1;
    this.active.set(key, lanes);
    return lane;
  }

  release(key: string, lane: number): void {
    const lanes = this.active.get(key);
    if (!lanes || lanes[lane] === undefined) return;
    lanes[lane] -= 1;
    if (lanes.every((n) => n === 0)) this.active.delete(key);
  }
}
