import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { isAddressAllowed } from "./address-policy.ts";

/** Resolves a hostname to every address it has (A and AAAA). */
export type HostLookup = (hostname: string) => Promise<string[]>;

export interface TargetPolicy {
  allowLoopback: boolean;
  lookup: HostLookup;
}

export type TargetVerdict = { allowed: true; url: URL } | { allowed: false; reason: string };

export const systemLookup: HostLookup = async (hostname) => {
  const records = await lookup(hostname, { all: true, verbatim: true });
  return records.map((r) => r.address);
};

/** `[::1]` → `::1`; URL keeps IPv6 literals bracketed. */
export function bareHost(url: URL): string {
  const h = url.hostname;
  return h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
}

/**
 * SSRF check of one target URL: http(s) only, and every address the host resolves to
 * must pass the address policy. A host that does not resolve is let through: it cannot
 * reach anything, and the browser reports the navigation failure itself.
 */
export async function checkTargetUrl(raw: string, policy: TargetPolicy): Promise<TargetVerdict> {
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
    addresses = await policy.lookup(host);
  } catch {
    return { allowed: true, url };
  }
  const refused = addresses.find((a) => !isAddressAllowed(a, policy.allowLoopback));
  if (refused !== undefined) {
    return { allowed: false, reason: `host ${host} resolves to ${refused}, a private, loopback, link-local or reserved address` };
  }
  return { allowed: true, url };
}
