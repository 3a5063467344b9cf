import type { HostedSession } from "../hosted-session.ts";
import { pageFollowerOf } from "./page-follower.ts";

/** A full-page shot is cut to this (CSS pixels): bigger ones cost the worker seconds and hundreds of MB. */
const MAX_FULL_PAGE_WIDTH = 4_096;
const MAX_FULL_PAGE_HEIGHT = 16_384;

/**
 * A PNG of the page the live view follows (the most recently opened, activated or navigated one),
 * on the worker's own CDP session with that page, detached afterwards. Null when the browser has
 * no page. A full-page shot takes the content size from Page.getLayoutMetrics, bounded.
 */
export async function capturePage(session: HostedSession, fullPage: boolean): Promise<{ png: string; url: string } | null> {
  const follower = await pageFollowerOf(session);
  const page = follower.current();
  if (!page) return null;
  const cdp = follower.cdp;
  const { sessionId } = await cdp.send<{ sessionId: string }>("Target.attachToTarget", { targetId: page.targetId, flatten: true });
  try {
    let params: Record<string, unknown> = { format: "png" };
    if (fullPage) {
      const metrics = await cdp.send<{ cssContentSize: { width: number; height: number } }>("Page.getLayoutMetrics", {}, sessionId);
      const width = Math.max(1, Math.min(MAX_FULL_PAGE_WIDTH, Math.ceil(metrics.cssContentSize.width)));
      const height = Math.max(1, Math.min(MAX_FULL_PAGE_HEIGHT, Math.ceil(metrics.cssContentSize.height)));
      params = { format: "png", captureBeyondViewport: true, clip: { x: 0, y: 0, width, height, scale: 1 } };
    }
    const shot = await cdp.send<{ data: string }>("Page.captureScreenshot", params, sessionId);
    const info = await cdp.send<{ targetInfo: { url: string } }>("Target.getTargetInfo", { targetId: page.targetId }).catch(() => null);
    return { png: shot.data, url: info?.targetInfo.url ?? page.url };
  } finally {
    await cdp.send("Target.detachFromTarget", { sessionId }).catch(() => undefined);
    // A detach resets the page's navigator.platform in Chromium: the identity goes back on (identity-emulation.ts).
    await session.identity?.reassert().catch(() => undefined);
  }
}
