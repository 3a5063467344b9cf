import ipaddr from "ipaddr.js";
import { isAddressAllowed } from "./address-policy.ts";
import { uncheckedReason } from "./dns/dns-lookup-error.ts";
import { stripIpv6Brackets } from "./strip-ipv6-brackets.ts";

export interface LookupOptions {
  /** Ends the wait (a request's DNS budget, a proxy's timeout); a query nobody waits for any more is cancelled. */
  signal?: AbortSignal;
  /** Who asks (a workspace): lookup slots are shared round-robin between groups. */
  group?: string;
}

/** Resolves a hostname to every address it has (A and AAAA). */
export type HostLookup = (hostname: string, options?: LookupOptions) => Promise<string[]>;

export interface TargetPolicy {
  allowLoopback: boolean;
  lookup: HostLookup;
}

/** `unchecked`: DNS could not answer (timeout, failing nameserver), so nothing is known about the host. */
export type TargetVerdict = { allowed: true; url: URL } | { allowed: false; reason: string; unchecked?: true };

/** `[::1]` → `::1`; URL keeps IPv6 literals bracketed. */
export function bareHost(url: URL): string {
  return stripIpv6Brackets(url.hostname);
}

/**
 * SSRF check of one target URL: http(s) only, and every address the host resolves to
 * must pass the address policy. A host that does not exist is let through: it cannot
 * reach anything, and the browser reports the navigation failure itself. A host DNS could
 * not answer for is refused as unchecked: the egress proxy could not resolve it either.
 */
export async function checkTargetUrl(raw: string, policy: TargetPolicy, options?: LookupOptions): Promise<TargetVerdict> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allowed: false, reason: "not a valid absolute URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { allowed: false, reason: `scheme ${url.protocol.replace(":", "")} is not allowed; use http or https` };
  }
  const host = bareHost(url);
  if (host === "") return { allowed: false, reason: "URL has no host" };
  if (ipaddr.isValid(host)) {
    return isAddressAllowed(host, policy.allowLoopback)
      ? { allowed: true, url }
      : { allowed: false, reason: `address ${host} is private, loopback, link-local or reserved` };
  }
  let addresses: string[];
  try {
    addresses = await policy.lookup(host, options);
  } catch (err) {
    const unchecked = uncheckedReason(err);
    return unchecked === null ? { allowed: true, url } : { allowed: false, reason: `host ${host} could not be checked: ${unchecked}`, unchecked: true };
  }
  const refused = addresses.find((a) => !isAddressAllowed(a, policy.allowLoopback));
  if (refused !== undefined) {
    return { allowed: false, reason: `host ${host} resolves to ${refused}, a private, loopback, link-local or reserved address` };
  }
  return { allowed: true, url };
}
