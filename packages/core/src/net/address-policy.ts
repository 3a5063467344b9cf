import ipaddr from "ipaddr.js";

/**
 * Whether a resolved address may be a target. Only globally routable unicast passes
 * (private, loopback, link-local incl. 169.254.169.254 metadata, CGNAT, ULA, 6to4/Teredo
 * and other embedding ranges are refused); loopback passes only when explicitly allowed.
 */
export function isAddressAllowed(address: string, allowLoopback: boolean): boolean {
  if (!ipaddr.isValid(address)) return false;
  const range = addressRange(address);
  if (range === "unicast") return true;
  return allowLoopback && range === "loopback";
}

/** ipaddr.js's range name of a valid address, an IPv4-mapped IPv6 address judged as its IPv4 self. */
export function addressRange(address: string): string {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range();
}
