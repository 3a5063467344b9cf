import { systemLookup, type HostLookup } from "./target-url-guard.ts";

/**
 * Resolves `localhost` and nothing else, so tests and offline machines never send a DNS
 * query: every other name fails as not found, the way a real DNS failure does.
 */
export const loopbackOnlyLookup: HostLookup = async (hostname) => {
  if (hostname === "localhost") return ["127.0.0.1"];
  throw Object.assign(new Error(`${hostname} is not resolved: DNS_LOOPBACK_ONLY is on`), { code: "ENOTFOUND" });
};

/**
 * The resolver every SSRF check and the egress proxy use, per the DNS_LOOPBACK_ONLY setting;
 * `staticHosts` (DNS_STATIC_HOSTS) answers fixed names first, like /etc/hosts for this process only.
 */
export function hostLookupFor(loopbackOnly: boolean, staticHosts: Readonly<Record<string, string>> = {}): HostLookup {
  const resolve = loopbackOnly ? loopbackOnlyLookup : systemLookup;
  if (Object.keys(staticHosts).length === 0) return resolve;
  return async (hostname) => {
    const fixed = staticHosts[hostname.toLowerCase()];
    return fixed === undefined ? resolve(hostname) : [fixed];
  };
}
