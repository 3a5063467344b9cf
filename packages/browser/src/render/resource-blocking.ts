import type { BrowserContext } from "playwright-core";

/** Playwright resource types that cost bandwidth and decoding but carry no text, html or links. */
const HEAVY_RESOURCE_TYPES = new Set(["image", "media", "font"]);

// The pool marks a context when it is created; the request guard's route reads the mark per request.
const blocking = new WeakSet<BrowserContext>();

export function blockHeavyResources(context: BrowserContext): void {
  blocking.add(context);
}

export function isBlockedResource(context: BrowserContext, resourceType: string): boolean {
  return blocking.has(context) && HEAVY_RESOURCE_TYPES.has(resourceType);
}
