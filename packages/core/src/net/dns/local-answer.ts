import { isIP } from "node:net";
import { stripIpv6Brackets } from "../strip-ipv6-brackets.ts";

/** `[::1]` → `::1`, `Example.COM.` → `example.com`: the one spelling answers are kept under. */
export function normalizeHostName(hostname: string): string {
  const name = stripIpv6Brackets(hostname.trim().toLowerCase());
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/**
 * What getaddrinfo answered without asking DNS and that still matters: IP literals, `localhost`
 * and names under it (RFC 6761), and the operator's fixed names (DNS_STATIC_HOSTS); else undefined.
 */
export function localAnswer(name: string, staticHosts: Readonly<Record<string, string>>): string[] | undefined {
  if (isIP(name) !== 0) return [name];
  const fixed = staticHosts[name];
  if (fixed !== undefined) return [fixed];
  if (name === "localhost" || name.endsWith(".localhost")) return ["127.0.0.1"];
  return undefined;
}
