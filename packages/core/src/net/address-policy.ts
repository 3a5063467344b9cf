import ipaddr from "ipaddr.js";

/**
 * Whether a resolved address may be a target. Only globally routable unicast passes
 * (private, loopback, link-local incl. 169.254.169.254 metadata, CGNAT, ULA, 6to4/Teredo,
 * IPv4-compatible ::/96 and other embedding ranges are refused); loopback passes only when
 * explicitly allowed.
 */
export function isAddressAllowed(address: string, allowLoopback: boolean): boolean {
  if (!ipaddr.isValid(address)) return false;
  const range = addressRange(address);
  if (range === "unicast") return true;
  return allowLoopback && range === "loopback";
}

/**
 * ipaddr.js's range name of a valid address, with the IPv6 forms that carry an IPv4 address
 * judged by it: IPv4-mapped (::ffff:a.b.c.d) as its IPv4 self, ISATAP (…:0:5efe:a.b.c.d) as
 * unicast only if its IPv4 is, and IPv4-compatible (::a.b.c.d, deprecated) never.
 */
export function addressRange(address: string): string {
  const parsed = parseAddress(address);
  if (parsed.kind() === "ipv4") return parsed.range();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range();
  const range = v6.range();
  if (range !== "unicast") return range;
  const parts = v6.parts;
  // ::/96 minus :: and ::1 (ranged above); RFC 4291 deprecated it, and a host may still tunnel it to IPv4.
  if (parts.slice(0, 6).every((p) => p === 0)) return "ipv4Compatible";
  // RFC 5214 interface id: [0-3]00:5efe then the IPv4 address the ISATAP router forwards to.
  if ((parts[4]! & 0xfcff) === 0 && parts[5] === 0x5efe && embeddedIPv4(parts).range() !== "unicast") return "isatap";
  return range;
}

/**
 * ipaddr.parse, except that `::a.b.c.d` is read as RFC 4291 and the OS read it (IPv4-compatible,
 * ::xxxx:xxxx), not as ipaddr.js does (IPv4-mapped): c-ares prints AAAA answers in that form.
 */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const compatible = /^::(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(address);
  if (compatible === null || !ipaddr.IPv4.isValidFourPartDecimal(compatible[1]!)) return ipaddr.parse(address);
  const [a, b, c, d] = ipaddr.IPv4.parse(compatible[1]!).octets as [number, number, number, number];
  return new ipaddr.IPv6([0, 0, 0, 0, 0, 0, (a << 8) | b, (c << 8) | d]);
}

function embeddedIPv4(parts: number[]): ipaddr.IPv4 {
  const [hi, lo] = [parts[6]!, parts[7]!];
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}
