import { isIP } from "node:net";

/** `ip`, `ipv4:port` or `[ipv6]:port`: the forms c-ares's setServers takes. */
export function isNameserverAddress(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value);
  if (bracketed) return isIP(bracketed[1]!) === 6 && Number(bracketed[2]) <= 65_535;
  const withPort = /^([\d.]+):(\d{1,5})$/.exec(value);
  if (withPort) return isIP(withPort[1]!) === 4 && Number(withPort[2]) <= 65_535;
  return isIP(value) !== 0;
}
