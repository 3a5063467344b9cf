import type { BrowserContext } from "playwright-core";
import type { EgressLink } from "@browserfleet/egress";

// renderPage only gets a context; the pool records here which proxy that context's browser uses.
const links = new WeakMap<BrowserContext, EgressLink>();

export function linkEgress(context: BrowserContext, link: EgressLink): void {
  links.set(context, link);
}

export function egressOf(context: BrowserContext): EgressLink | undefined {
  return links.get(context);
}
