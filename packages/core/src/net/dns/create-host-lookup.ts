import type { HostLookup } from "../target-url-guard.ts";
import { BoundedResolver } from "./bounded-resolver.ts";

/** The DNS settings of packages/config, by their names there (an AppConfig fits). */
export interface DnsSettings {
  DNS_LOOPBACK_ONLY: boolean;
  DNS_STATIC_HOSTS: Readonly<Record<string, string>>;
  DNS_SERVERS: readonly string[] | null;
  DNS_TIMEOUT_MS: number;
  DNS_TRIES: number;
  DNS_CONCURRENCY: number;
  DNS_CACHE_TTL_MS: number;
  DNS_NEGATIVE_TTL_MS: number;
  DNS_CACHE_MAX_ENTRIES: number;
}

/**
 * The one resolver of a process, shared by every SSRF check and the egress proxy: bounded
 * lookups over c-ares, `DNS_STATIC_HOSTS` first (like /etc/hosts, for this process only).
 */
export function createHostLookup(settings: DnsSettings): HostLookup {
  return new BoundedResolver({
    servers: settings.DNS_SERVERS,
    timeoutMs: settings.DNS_TIMEOUT_MS,
    tries: settings.DNS_TRIES,
    concurrency: settings.DNS_CONCURRENCY,
    cacheTtlMs: settings.DNS_CACHE_TTL_MS,
    negativeTtlMs: settings.DNS_NEGATIVE_TTL_MS,
    cacheMaxEntries: settings.DNS_CACHE_MAX_ENTRIES,
    staticHosts: settings.DNS_STATIC_HOSTS,
    loopbackOnly: settings.DNS_LOOPBACK_ONLY,
  }).lookup;
}
