/**
 * Flags every fleet Chromium gets. Without the background-networking flags Chromium floods a
 * closed network with update and sync traffic. No --no-sandbox: the launch plan decides (CHROMIUM_SANDBOX).
 */
export const BASE_CHROMIUM_ARGS: readonly string[] = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Keeps cross-site iframes in their page's renderer, so the page's CDP request guard also sees their redirect hops.
  "--disable-site-isolation-trials",
];

/** For tests and benches: Chromium may resolve nothing but loopback, so no outside host is ever looked up. */
export const LOOPBACK_ONLY_RESOLVER_ARG = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1";

/**
 * Flags that send every connection of Chromium through the egress proxy at `proxyUrl`. Loopback
 * is not bypassed (it must be checked too), WebRTC may not send UDP around the proxy, and
 * Chromium resolves no name itself: the proxy resolves and checks each target.
 */
export function egressChromiumArgs(proxyUrl: string): string[] {
  const proxy = new URL(proxyUrl);
  return [
    `--proxy-server=${proxy.protocol}//${proxy.host}`,
    "--proxy-bypass-list=<-loopback>",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${proxy.hostname}`,
  ];
}
