import type { HostLookup } from "@browserfleet/core";

/**
 * For tests and benches, the egress proxy's counterpart of LOOPBACK_ONLY_RESOLVER_ARG: resolves
 * `localhost` and nothing else, so Chromium's own background hosts never cause a DNS query.
 */
export const loopbackOnlyLookup: HostLookup = async (hostname) => {
  if (hostname === "localhost") return ["127.0.0.1"];
  throw new Error(`${hostname} is not resolved in a loopback-only setup`);
};
