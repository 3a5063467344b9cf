import { isIP, type LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import { bareHost, isAddressAllowed, type TargetPolicy } from "@browserfleet/core";

export type PinnedFetch = { allowed: true; fetch: typeof fetch; close(): Promise<void> } | { allowed: false; reason: string };

/**
 * The provider's HTTP client for one task: `llm_base_url` was SSRF-checked at submit, and is
 * checked again here, on the worker, when the task starts; every connection then goes only to
 * the addresses approved now (an undici dispatcher with a pinned lookup), so a DNS answer that
 * changes afterwards (rebinding) cannot point the key and the page snapshots inside the cluster.
 */
export async function pinnedProviderFetch(baseUrl: string, policy: TargetPolicy, signal?: AbortSignal): Promise<PinnedFetch> {
  const url = new URL(baseUrl);
  const host = bareHost(url);
  let addresses: string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : await policy.lookup(host, signal ? { signal } : undefined);
  } catch (err) {
    return { allowed: false, reason: `host ${host} could not be resolved: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (addresses.length === 0) return { allowed: false, reason: `host ${host} does not resolve` };
  const refused = addresses.find((a) => !isAddressAllowed(a, policy.allowLoopback));
  if (refused !== undefined) return { allowed: false, reason: `host ${host} resolves to ${refused}, a private, loopback or link-local address` };
  const lookup: LookupFunction = (_hostname, options, callback) => {
    const entries = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    if ((options as { all?: boolean }).all) (callback as (err: null, list: typeof entries) => void)(null, entries);
    else callback(null, entries[0]!.address, entries[0]!.family);
  };
  const dispatcher = new Agent({ connect: { lookup } });
  const pinned = ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher })) as unknown as typeof fetch;
  return { allowed: true, fetch: pinned, close: () => dispatcher.close() };
}
