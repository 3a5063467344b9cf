import ipaddr from "ipaddr.js";
import { addressRange, isAddressAllowed } from "./address-policy.ts";
import { uncheckedReason } from "./dns/dns-lookup-error.ts";
import { bareHost, type LookupOptions, type TargetPolicy } from "./target-url-guard.ts";

export type WebhookTargetVerdict =
  | { allowed: true; url: URL; addresses: string[] }
  | { allowed: false; reason: string; unresolved?: boolean; unchecked?: boolean };

/**
 * Where a webhook may be sent: https to a public address, or http only to loopback when loopback
 * is allowed (local use and tests). Every address the host resolves to must pass, and the sender
 * connects only to the addresses returned here, so a DNS answer cannot change between check and
 * connect. Run at registration and again before every attempt (DNS can change in between).
 */
export async function resolveWebhookTarget(raw: string, policy: TargetPolicy, options?: LookupOptions): Promise<WebhookTargetVerdict> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allowed: false, reason: "not a valid absolute URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { allowed: false, reason: `scheme ${url.protocol} is not allowed; use https` };
  const host = bareHost(url);
  let addresses: string[];
  if (ipaddr.isValid(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await policy.lookup(host, options);
    } catch (err) {
      // A timeout or failing nameserver says nothing about the host: unchecked, not "does not resolve".
      const unchecked = uncheckedReason(err);
      if (unchecked !== null) return { allowed: false, reason: `host ${host} could not be checked: ${unchecked}`, unchecked: true };
      return { allowed: false, reason: `host ${host} does not resolve (${(err as Error).message})`, unresolved: true };
    }
    if (addresses.length === 0) return { allowed: false, reason: `host ${host} does not resolve`, unresolved: true };
  }
  const refused = addresses.find((a) => !isAddressAllowed(a, policy.allowLoopback));
  if (refused !== undefined) {
    return { allowed: false, reason: `${host} resolves to ${refused}, a private, loopback, link-local or reserved address` };
  }
  if (url.protocol === "http:" && !addresses.every((a) => addressRange(a) === "loopback")) {
    return { allowed: false, reason: "webhook URLs must use https (plain http is accepted only for allowed loopback receivers)" };
  }
  return { allowed: true, url, addresses };
}
