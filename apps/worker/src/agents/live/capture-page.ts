import { settleWithin, withTimeout } from "@browserfleet/runtime";
import type { HostedSession } from "../hosted-session.ts";
import { pageFollowerOf } from "./page-follower.ts";

/** A full-page shot is cut to this (CSS pixels): bigger ones cost the worker seconds and hundreds of MB. */
const MAX_FULL_PAGE_WIDTH = 4_096;
const MAX_FULL_PAGE_HEIGHT = 16_384;
/** How long a page just opened may take to be attached by the identity connection. */
const ATTACH_TIMEOUT_MS = 2_000;
/**
 * A shot waits for a compositor frame, and some headless Chromium builds composite none for a tab in
 * the background (not reproduced on 156, seen elsewhere): past this, the page is brought to front.
 */
const FRAME_WAIT_MS = 5_000;
/** Longest wait for the shot once the page is in front: a full-page PNG of a long page takes seconds. */
const CAPTURE_TIMEOUT_MS = 20_000;

/**
 * A PNG of the page the live view follows (the most recently opened, activated or navigated one),
 * on the worker's own CDP session with that page. Null when the browser has
 * no page. A full-page shot takes the content size from Page.getLayoutMetrics, bounded. A page in
 * the background is brought to front only when its shot waits for a frame that never comes.
 */
export async function capturePage(session: HostedSession, fullPage: boolean): Promise<{ png: string; url: string } | null> {
  const follower = await pageFollowerOf(session);
  const page = follower.current();
  if (!page) return null;
  // On the worker's identity session with the page when there is one: a session attached for the shot and
  // detached after would reset the page's navigator.platform in Chromium (identity-emulation.ts reassert).
  const own = session.identity ? await session.identity.attached(page.targetId, ATTACH_TIMEOUT_MS).catch(() => null) : null;
  const cdp = own ? session.identity!.connection : follower.cdp;
  const sessionId = own ? own.sessionId : (await cdp.send<{ sessionId: string }>("Target.attachToTarget", { targetId: page.targetId, flatten: true })).sessionId;
  try {
    let params: Record<string, unknown> = { format: "png" };
    if (fullPage) {
      const metrics = await cdp.send<{ cssContentSize: { width: number; height: number } }>("Page.getLayoutMetrics", {}, sessionId);
      const width = Math.max(1, Math.min(MAX_FULL_PAGE_WIDTH, Math.ceil(metrics.cssContentSize.width)));
      const height = Math.max(1, Math.min(MAX_FULL_PAGE_HEIGHT, Math.ceil(metrics.cssContentSize.height)));
      params = { format: "png", captureBeyondViewport: true, clip: { x: 0, y: 0, width, height, scale: 1 } };
    }
    const capture = cdp.send<{ data: string }>("Page.captureScreenshot", params, sessionId);
    // Answered later or never once given up on: its outcome is not ours any more.
    capture.catch(() => undefined);
    let shot = await settleWithin(capture, FRAME_WAIT_MS, () => null);
    if (shot === null) {
      await cdp.send("Page.bringToFront", {}, sessionId);
      shot = await withTimeout(capture, CAPTURE_TIMEOUT_MS, `the agent's page gave no frame within ${(FRAME_WAIT_MS + CAPTURE_TIMEOUT_MS) / 1000} s`);
    }
    const info = await cdp.send<{ targetInfo: { url: string } }>("Target.getTargetInfo", { targetId: page.targetId }).catch(() => null);
    return { png: shot.data, url: info?.targetInfo.url ?? page.url };
  } finally {
    if (!own) await cdp.send("Target.detachFromTarget", { sessionId }).catch(() => undefined);
  }
}
