/** A CONNECT the proxy did not open; Chromium hides the proxy's answer, so renderPage asks the proxy. */
export interface TunnelFailure {
  kind: "refused" | "failed";
  reason: string;
}

/** Remembers the last tunnel failure per authority for a short while, bounded in size. */
export class TunnelFailureLog {
  private readonly entries = new Map<string, TunnelFailure & { at: number }>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly max = 1_000,
  ) {}

  record(authority: string, failure: TunnelFailure): void {
    const key = authority.toLowerCase();
    this.entries.delete(key);
    this.entries.set(key, { ...failure, at: Date.now() });
    // Maps iterate in insertion order, so the first key is the oldest.
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }

  find(authority: string): TunnelFailure | undefined {
    const entry = this.entries.get(authority.toLowerCase());
    if (entry === undefined || Date.now() - entry.at > this.ttlMs) return undefined;
    return { kind: entry.kind, reason: entry.reason };
  }
}
