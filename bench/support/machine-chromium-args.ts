// The flags this machine needs for any Chromium (see conventions.md), for the baselines (raw Playwright,
// Crawlee): kept here, not imported from packages/browser, so no baseline depends on the code it measures.
export const MACHINE_CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
