import { Resolver } from "node:dns/promises";
import type { HostLookup, LookupOptions } from "../target-url-guard.ts";
import { AnswerCache } from "./answer-cache.ts";
import { DnsLookupError, dnsTimeout } from "./dns-lookup-error.ts";
import { FairSlots } from "./fair-slots.ts";
import { localAnswer, normalizeHostName } from "./local-answer.ts";

export interface BoundedResolverOptions {
  /** Nameservers (`ip`, `ip:port`, `[ipv6]:port`); null = the system's resolv.conf servers. */
  servers: readonly string[] | null;
  /** One try's timeout and the number of tries; a lookup ends within their product whatever the server does. */
  timeoutMs: number;
  tries: number;
  /** Lookups in flight at once in this process. */
  concurrency: number;
  /** Longest a positive answer is kept (the record's TTL if shorter); how long NXDOMAIN or a failure is kept. */
  cacheTtlMs: number;
  negativeTtlMs: number;
  cacheMaxEntries: number;
  staticHosts?: Readonly<Record<string, string>>;
  /** Answer only local names; every other one fails as not found, and no query leaves the process. */
  loopbackOnly?: boolean;
}

type Answer = { addresses: string[] } | { error: DnsLookupError };

interface Query {
  answer: Promise<Answer>;
  waiters: number;
  /** Aborted once nobody waits any more: a queued query leaves the queue, a running one is cancelled. */
  abandon: AbortController;
  settled: boolean;
}

const DEFAULT_GROUP = "";
const NOT_FOUND = new Set(["ENOTFOUND", "ENODATA", "EBADNAME", "ENONAME", "EBADFAMILY"]);

/**
 * Resolves A and AAAA over c-ares (no libuv pool thread: a query that never comes back holds
 * nothing but its slot, and is cancelled at its deadline), with a fair per-process cap, one query
 * per name at a time shared by every asker, and a bounded answer cache.
 */
export class BoundedResolver {
  readonly lookup: HostLookup;
  private readonly options: BoundedResolverOptions;
  private readonly slots: FairSlots;
  private readonly cache: AnswerCache<Answer>;
  private readonly inFlight = new Map<string, Query>();
  /** c-ares channels not in use; each running query has one to itself so cancel() touches only it. */
  private readonly idleChannels: Resolver[] = [];

  constructor(options: BoundedResolverOptions) {
    this.options = options;
    this.slots = new FairSlots(options.concurrency);
    this.cache = new AnswerCache(options.cacheMaxEntries);
    this.lookup = (hostname, lookupOptions) => this.resolve(hostname, lookupOptions);
  }

  /** Lookups holding a slot right now. */
  get activeLookups(): number {
    return this.slots.inUse;
  }

  async resolve(hostname: string, options: LookupOptions = {}): Promise<string[]> {
    const name = normalizeHostName(hostname);
    const local = localAnswer(name, this.options.staticHosts ?? {});
    if (local !== undefined) return local;
    if (this.options.loopbackOnly === true || name === "") {
      throw new DnsLookupError("not_found", "ENOTFOUND", `${hostname} is not resolved: DNS_LOOPBACK_ONLY is on`);
    }
    const answer = this.cache.get(name) ?? (await this.join(name, options));
    if ("error" in answer) throw answer.error;
    return answer.addresses;
  }

  private join(name: string, options: LookupOptions): Promise<Answer> {
    const { signal } = options;
    if (signal?.aborted === true) return Promise.reject(abortError(signal));
    let query = this.inFlight.get(name);
    if (query === undefined) {
      query = this.start(name, options.group ?? DEFAULT_GROUP);
      this.inFlight.set(name, query);
    }
    const joined = query;
    joined.waiters += 1;
    if (signal === undefined) return joined.answer;
    return new Promise<Answer>((resolve, reject) => {
      const onAbort = (): void => {
        joined.waiters -= 1;
        if (joined.waiters === 0 && !joined.settled) {
          joined.abandon.abort();
          if (this.inFlight.get(name) === joined) this.inFlight.delete(name);
        }
        reject(abortError(signal));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      void joined.answer.then((answer) => {
        signal.removeEventListener("abort", onAbort);
        resolve(answer);
      });
    });
  }

  private start(name: string, group: string): Query {
    const abandon = new AbortController();
    const query: Query = { answer: Promise.resolve({ error: dnsTimeout() }), waiters: 0, abandon, settled: false };
    query.answer = (async (): Promise<Answer> => {
      let release: () => void;
      try {
        release = await this.slots.acquire(group, abandon.signal);
      } catch {
        return { error: dnsTimeout() };
      }
      try {
        return await this.ask(name, abandon.signal);
      } catch (err) {
        return { error: new DnsLookupError("failed", "EFAIL", `DNS lookup failed (${err instanceof Error ? err.message : String(err)})`) };
      } finally {
        release();
      }
    })().then((answer) => {
      query.settled = true;
      if (this.inFlight.get(name) === query) this.inFlight.delete(name);
      // An abandoned query's cancellation says nothing about the name.
      if (!abandon.signal.aborted) this.remember(name, answer);
      return answer;
    });
    return query;
  }

  /** One A and one AAAA query on a channel of its own, cancelled at the deadline or when abandoned. */
  private async ask(name: string, abandoned: AbortSignal): Promise<Answer & { ttlMs?: number }> {
    const channel = this.idleChannels.pop() ?? this.newChannel();
    let timedOut = false;
    const cancel = (): void => channel.cancel();
    const deadline = setTimeout(() => {
      timedOut = true;
      channel.cancel();
    }, this.options.timeoutMs * this.options.tries);
    abandoned.addEventListener("abort", cancel, { once: true });
    try {
      const [v4, v6] = await Promise.allSettled([channel.resolve4(name, { ttl: true }), channel.resolve6(name, { ttl: true })]);
      return this.classify(v4, v6, timedOut);
    } finally {
      clearTimeout(deadline);
      abandoned.removeEventListener("abort", cancel);
      this.idleChannels.push(channel);
    }
  }

  private classify(
    v4: PromiseSettledResult<{ address: string; ttl: number }[]>,
    v6: PromiseSettledResult<{ address: string; ttl: number }[]>,
    timedOut: boolean,
  ): Answer & { ttlMs?: number } {
    const records = [v4, v6].flatMap((r) => (r.status === "fulfilled" ? r.value : []));
    const codes = [v4, v6].flatMap((r) => (r.status === "rejected" ? [String((r.reason as { code?: unknown }).code ?? "EFAIL")] : []));
    if (records.length > 0) {
      const ttlMs = Math.min(this.options.cacheTtlMs, ...records.map((r) => r.ttl * 1_000));
      // A family that failed is asked again soon rather than kept missing for the record's TTL.
      const failedFamily = codes.some((c) => !NOT_FOUND.has(c));
      return { addresses: records.map((r) => r.address), ttlMs: failedFamily ? Math.min(ttlMs, this.options.negativeTtlMs) : ttlMs };
    }
    // NXDOMAIN holds for every record type, so it settles the name even if the other query failed.
    if (codes.includes("ENOTFOUND") || codes.every((c) => NOT_FOUND.has(c))) {
      return { error: new DnsLookupError("not_found", codes.includes("ENOTFOUND") ? "ENOTFOUND" : "ENODATA", "no such host (no A or AAAA records)") };
    }
    const failure = codes.find((c) => !NOT_FOUND.has(c)) ?? "EFAIL";
    if (timedOut || failure === "ETIMEOUT" || failure === "ECANCELLED") return { error: dnsTimeout() };
    return { error: new DnsLookupError("failed", failure, `DNS lookup failed (${failure})`) };
  }

  private remember(name: string, answer: Answer & { ttlMs?: number }): void {
    const ttlMs = "error" in answer ? this.options.negativeTtlMs : (answer.ttlMs ?? 0);
    this.cache.set(name, "error" in answer ? { error: answer.error } : { addresses: answer.addresses }, ttlMs);
  }

  private newChannel(): Resolver {
    const channel = new Resolver({ timeout: this.options.timeoutMs, tries: this.options.tries });
    if (this.options.servers !== null) channel.setServers([...this.options.servers]);
    return channel;
  }
}

/** The signal's own DnsLookupError (a request budget says why), else a plain timeout. */
function abortError(signal: AbortSignal): DnsLookupError {
  return signal.reason instanceof DnsLookupError ? signal.reason : dnsTimeout();
}
