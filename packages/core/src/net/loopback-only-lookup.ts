import type { HostLookup } from "./target-url-guard.ts";
import { DnsLookupError } from "./dns/dns-lookup-error.ts";

/**
 * Resolves `localhost` and nothing else, so tests and offline machines never send a DNS
 * query: every other name fails as not found, the way a real DNS failure does.
 */
export const loopbackOnlyLookup: HostLookup = async (hostname) => {
  if (hostname === "localhost") return ["127.0.0.1"];
  throw new DnsLookupError("not_found", "ENOTFOUND", `${hostname} is not resolved: DNS_LOOPBACK_ONLY is on`);
};
