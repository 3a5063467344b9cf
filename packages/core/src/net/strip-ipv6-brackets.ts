/** `[::1]` → `::1`: URL and Host headers keep IPv6 literals bracketed; lookups and address checks want them bare. */
export function stripIpv6Brackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
