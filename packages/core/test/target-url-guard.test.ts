import { describe, expect, it } from "vitest";
import { checkTargetUrl, isAddressAllowed, resolveWebhookTarget, type HostLookup } from "../src/index.ts";

describe("isAddressAllowed", () => {
  it.each([
    ["169.254.169.254", false],
    ["10.0.0.1", false],
    ["172.16.5.4", false],
    ["192.168.1.1", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["127.0.0.1", false],
    ["::1", false],
    ["fd00:ec2::254", false],
    ["fe80::1", false],
    ["::ffff:10.0.0.1", false],
    ["::ffff:127.0.0.1", false],
    ["2002:0a00:0001::", false],
    ["224.0.0.1", false],
    ["8.8.8.8", true],
    ["2606:4700::1111", true],
    ["::ffff:8.8.8.8", true],
    ["not-an-ip", false],
    // IPv4-compatible ::/96 (deprecated): refused whatever it embeds, in both spellings.
    ["::127.0.0.1", false],
    ["::7f00:1", false],
    ["::10.0.0.1", false],
    ["::a9fe:a9fe", false],
    ["::8.8.8.8", false],
    ["::808:808", false],
    ["::2", false],
    // ISATAP interface ids carry the IPv4 the router forwards to: judged by it.
    ["2606:4700::5efe:a9fe:a9fe", false],
    ["2606:4700::200:5efe:10.0.0.1", false],
    ["2606:4700::5efe:8.8.8.8", true],
    ["::ffff:0:10.0.0.1", false],
    ["64:ff9b::10.0.0.1", false],
  ])("%s → %s", (address, allowed) => {
    expect(isAddressAllowed(address, false)).toBe(allowed);
  });

  it("lets loopback through only when allowed, and nothing else more", () => {
    expect(isAddressAllowed("127.0.0.1", true)).toBe(true);
    expect(isAddressAllowed("127.8.9.1", true)).toBe(true);
    expect(isAddressAllowed("::1", true)).toBe(true);
    expect(isAddressAllowed("::ffff:127.0.0.1", true)).toBe(true);
    expect(isAddressAllowed("10.0.0.1", true)).toBe(false);
    expect(isAddressAllowed("169.254.169.254", true)).toBe(false);
    // ::a.b.c.d is not loopback in IPv6 terms, whatever its IPv4 part says.
    expect(isAddressAllowed("::127.0.0.1", true)).toBe(false);
    expect(isAddressAllowed("::7f00:1", true)).toBe(false);
  });
});

describe("checkTargetUrl", () => {
  const table: Record<string, string[]> = { "public.test": ["93.184.216.34"], "sneaky.test": ["93.184.216.34", "10.1.2.3"], "local.test": ["127.0.0.1"] };
  const lookup: HostLookup = async (host) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return found;
  };
  const strict = { allowLoopback: false, lookup };

  it("refuses schemes other than http(s) and unparsable URLs", async () => {
    for (const url of ["file:///etc/passwd", "ftp://public.test/", "gopher://public.test/", "javascript:alert(1)", "not a url"]) {
      expect((await checkTargetUrl(url, strict)).allowed, url).toBe(false);
    }
  });

  it("refuses a host when any of its addresses is private", async () => {
    expect((await checkTargetUrl("http://sneaky.test/", strict)).allowed).toBe(false);
    expect((await checkTargetUrl("https://public.test/x", strict)).allowed).toBe(true);
  });

  it("treats loopback names per the policy", async () => {
    expect((await checkTargetUrl("http://local.test:8080/", strict)).allowed).toBe(false);
    expect((await checkTargetUrl("http://local.test:8080/", { allowLoopback: true, lookup })).allowed).toBe(true);
    expect((await checkTargetUrl("http://[::1]:8080/", strict)).allowed).toBe(false);
    expect((await checkTargetUrl("http://[::1]:8080/", { allowLoopback: true, lookup })).allowed).toBe(true);
  });

  it("refuses IP literals in every spelling", async () => {
    for (const url of ["http://169.254.169.254/", "http://0251.0376.0251.0376/", "http://2852039166/", "http://0xa9fea9fe/", "http://[::ffff:a9fe:a9fe]/"]) {
      expect((await checkTargetUrl(url, strict)).allowed, url).toBe(false);
    }
  });

  it("refuses IPv4-compatible IPv6 literals and answers, as URL, DNS (c-ares prints ::a.b.c.d) and the webhook check see them", async () => {
    for (const url of ["http://[::127.0.0.1]/", "http://[::7f00:1]/", "http://[::169.254.169.254]/", "http://[::a9fe:a9fe]/", "http://[::8.8.8.8]/", "http://[2606:4700::5efe:a9fe:a9fe]/"]) {
      expect((await checkTargetUrl(url, { allowLoopback: true, lookup })).allowed, url).toBe(false);
      expect((await resolveWebhookTarget(url.replace("http:", "https:"), { allowLoopback: true, lookup })).allowed, url).toBe(false);
    }
    const compatible: HostLookup = async () => ["::127.0.0.1"];
    expect((await checkTargetUrl("http://compat.test/", { allowLoopback: true, lookup: compatible })).allowed).toBe(false);
    expect((await resolveWebhookTarget("https://compat.test/", { allowLoopback: true, lookup: compatible })).allowed).toBe(false);
  });

  it("lets an unresolvable host through for the browser to fail on", async () => {
    expect((await checkTargetUrl("http://nowhere.test/", strict)).allowed).toBe(true);
  });
});

describe("lookup failures", () => {
  const failing = (code: string): HostLookup => async () => {
    throw Object.assign(new Error(code), { code });
  };

  it("refuses a host DNS could not answer for as unchecked, and lets a missing one through", async () => {
    expect(await checkTargetUrl("http://slow.test/", { allowLoopback: false, lookup: failing("ETIMEOUT") })).toEqual({
      allowed: false,
      unchecked: true,
      reason: "host slow.test could not be checked: DNS lookup timed out",
    });
    expect((await checkTargetUrl("http://broken.test/", { allowLoopback: false, lookup: failing("ESERVFAIL") })).allowed).toBe(false);
    expect((await checkTargetUrl("http://gone.test/", { allowLoopback: false, lookup: failing("ENOTFOUND") })).allowed).toBe(true);
    expect(await resolveWebhookTarget("https://slow.test/", { allowLoopback: false, lookup: failing("ETIMEOUT") })).toMatchObject({ allowed: false, unchecked: true });
    expect(await resolveWebhookTarget("https://gone.test/", { allowLoopback: false, lookup: failing("ENOTFOUND") })).toMatchObject({ allowed: false, unresolved: true });
  });
});
