import { isIP } from "node:net";
import { isAddressAllowed, stripIpv6Brackets, type HostLookup } from "@browserfleet/core";
import { settleWithin } from "@browserfleet/runtime";

/** What the egress proxy lets Chromium connect to; the same policy as the render guard's. */
export interface EgressPolicy {
  allowLoopback: boolean;
  lookup: HostLookup;
  /** Refuses an address the address policy allows (returns a reason); tests use it to make a local port stand for an internal host. */
  refuse?: (address: string, port: number) => string | null;
  /** Bounds one lookup's wait (the resolver bounds the query itself); a resolver that hangs must not hold a connection forever. */
  lookupTimeoutMs?: number;
}

export type EgressDecision =
  | { kind: "allowed"; address: string }
  | { kind: "refused"; reason: string }
  | { kind: "unresolvable"; reason: string };

const DEFAULT_LOOKUP_TIMEOUT_MS = 10_000;

/**
 * Resolves `host` once and decides. Allowed only if every address passes, and the caller must
 * connect to the returned address (never the name), so a second resolution cannot rebind it.
 */
export async function decideTarget(host: string, port: number, policy: EgressPolicy): Promise<EgressDecision> {
  const bare = stripIpv6Brackets(host);
  if (bare === "") return { kind: "refused", reason: "the target has no host" };
  let addresses: string[];
  if (isIP(bare) !== 0) {
    addresses = [bare];
  } else {
    try {
      addresses = await lookupWithin(policy, bare, policy.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS);
    } catch (err) {
      return { kind: "unresolvable", reason: `host ${bare} could not be resolved: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (addresses.length === 0) return { kind: "unresolvable", reason: `host ${bare} has no addresses` };
  }
  for (const address of addresses) {
    if (!isAddressAllowed(address, policy.allowLoopback)) {
      const said = address === bare ? `address ${address}` : `host ${bare} resolves to ${address}, which`;
      return { kind: "refused", reason: `${said} is private, loopback, link-local or reserved` };
    }
    const refused = policy.refuse?.(address, port) ?? null;
    if (refused !== null) return { kind: "refused", reason: refused };
  }
  const first = addresses[0];
  if (first === undefined || isIP(first) === 0) return { kind: "unresolvable", reason: `host ${bare} resolved to no IP address` };
  return { kind: "allowed", address: first };
}

/** The lookup, given up after `ms`: the signal tells the resolver (which then cancels a query nobody awaits), the race bounds one that ignores it. */
function lookupWithin(policy: EgressPolicy, host: string, ms: number): Promise<string[]> {
  const giveUp = new AbortController();
  return settleWithin(policy.lookup(host, { signal: giveUp.signal }), ms, () => {
    const err = new Error(`lookup timed out after ${ms} ms`);
    giveUp.abort(err);
    throw err;
  });
}
