import { WebSocket } from "ws";
import type { Logger } from "pino";
import { withTimeout } from "@browserfleet/runtime";
import type { HostedSession } from "../hosted-session.ts";
import type { CdpEvent } from "../identity/raw-cdp-connection.ts";
import { pageFollowerOf, type PageFollower } from "./page-follower.ts";

/** At most this many frames a second reach the viewers: a frame is acknowledged (letting Chromium send the next) no sooner. */
const MIN_FRAME_INTERVAL_MS = 100;
/** Frames are scaled down to fit this box (CSS pixels of the page; Chromium keeps the aspect ratio). */
const MAX_FRAME_WIDTH = 1280;
const MAX_FRAME_HEIGHT = 800;
const JPEG_QUALITY = 60;
const CAPTURE_TIMEOUT_MS = 3_000;
/** A viewer this far behind skips frames rather than queueing them. */
const MAX_VIEWER_BACKLOG_BYTES = 2 * 1024 * 1024;

interface Attachment {
  targetId: string;
  cdpSessionId: string;
}

/**
 * One agent session's screencast, shared by its viewers: follows the page the user is most likely
 * looking at (PageFollower), runs `Page.startScreencast` on it over the worker's own CDP connection,
 * acknowledges frames (bounding the rate), and sends each frame to every viewer as a binary JPEG
 * message. On a page switch, viewers get a text message `{"type":"page","url":…}` and a fresh frame.
 * Nothing a viewer sends is read. Stops when the last viewer leaves.
 */
export class LiveFeed {
  private readonly viewers = new Set<WebSocket>();
  private lastFrame: Buffer | null = null;
  private lastFrameAt = 0;
  private attached: Attachment | null = null;
  private following: Promise<void> = Promise.resolve();
  private stopListening: (() => void)[] = [];
  private stopped = false;

  private constructor(
    private readonly follower: PageFollower,
    private readonly logger: Logger,
    private readonly session: Pick<HostedSession, "identity">,
  ) {
    this.stopListening.push(follower.cdp.onEvent((event) => this.onEvent(event)));
    this.stopListening.push(follower.onChange(() => this.follow()));
    this.follow();
  }

  static async start(session: HostedSession, logger: Logger): Promise<LiveFeed> {
    return new LiveFeed(await pageFollowerOf(session), logger, session);
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** A viewer joins: it gets the latest frame at once (a static page shows immediately), then every new one. */
  add(viewer: WebSocket): void {
    this.viewers.add(viewer);
    viewer.on("message", () => undefined); // view-only: read and dropped, never forwarded to Chromium
    viewer.once("close", () => {
      this.viewers.delete(viewer);
      if (this.viewers.size === 0) this.stop();
    });
    const page = this.follower.current();
    if (page) this.sendText(viewer, { type: "page", url: page.url });
    if (this.lastFrame) viewer.send(this.lastFrame, { binary: true });
  }

  /** Stops the feed when no viewer joined it after all. */
  releaseIfUnused(): void {
    if (this.viewers.size === 0) this.stop();
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const stop of this.stopListening) stop();
    const attached = this.attached;
    this.attached = null;
    if (attached) void this.detach(attached.cdpSessionId);
  }

  /** Switches to the follower's current page, one switch at a time. */
  private follow(): void {
    this.following = this.following.then(() => this.switchTo()).catch((err: unknown) => this.logger.debug({ err: { message: err instanceof Error ? err.message : String(err) } }, "live view could not follow the page"));
  }

  private async switchTo(): Promise<void> {
    if (this.stopped) return;
    const page = this.follower.current();
    for (const viewer of this.viewers) if (page) this.sendText(viewer, { type: "page", url: page.url });
    if (page?.targetId === this.attached?.targetId) return;
    const previous = this.attached;
    this.attached = null;
    if (previous) await this.detach(previous.cdpSessionId);
    if (!page) return;
    const { sessionId } = await this.follower.cdp.send<{ sessionId: string }>("Target.attachToTarget", { targetId: page.targetId, flatten: true });
    if (this.stopped) {
      await this.detach(sessionId);
      return;
    }
    this.attached = { targetId: page.targetId, cdpSessionId: sessionId };
    await this.follower.cdp.send("Page.startScreencast", { format: "jpeg", quality: JPEG_QUALITY, maxWidth: MAX_FRAME_WIDTH, maxHeight: MAX_FRAME_HEIGHT, everyNthFrame: 1 }, sessionId);
    // A page that does not repaint sends no screencast frame: shoot one so viewers see it now. Bounded: a page
    // Chromium is not painting (a background tab) may never answer, and the next switch must not wait on it.
    const startedAt = Date.now();
    const shot = await withTimeout(this.follower.cdp.send<{ data: string }>("Page.captureScreenshot", { format: "jpeg", quality: JPEG_QUALITY }, sessionId), CAPTURE_TIMEOUT_MS, "live view capture").catch(() => null);
    if (shot && this.attached?.cdpSessionId === sessionId && this.lastFrameAt < startedAt) this.broadcast(Buffer.from(shot.data, "base64"));
  }

  /** Lets a page go; Chromium resets its navigator.platform on any detach, so the identity goes back on (identity-emulation.ts). */
  private async detach(sessionId: string): Promise<void> {
    await this.follower.cdp.send("Target.detachFromTarget", { sessionId }).catch(() => undefined);
    await this.session.identity?.reassert().catch(() => undefined);
  }

  private onEvent(event: CdpEvent): void {
    if (event.method !== "Page.screencastFrame" || event.sessionId === undefined || event.sessionId !== this.attached?.cdpSessionId) return;
    const cdpSessionId = event.sessionId;
    const frameSession = event.params.sessionId;
    this.broadcast(Buffer.from(String(event.params.data), "base64"));
    setTimeout(() => void this.follower.cdp.send("Page.screencastFrameAck", { sessionId: frameSession }, cdpSessionId).catch(() => undefined), MIN_FRAME_INTERVAL_MS);
  }

  private broadcast(frame: Buffer): void {
    this.lastFrame = frame;
    this.lastFrameAt = Date.now();
    for (const viewer of this.viewers) {
      if (viewer.readyState === WebSocket.OPEN && viewer.bufferedAmount < MAX_VIEWER_BACKLOG_BYTES) viewer.send(frame, { binary: true });
    }
  }

  private sendText(viewer: WebSocket, message: Record<string, unknown>): void {
    if (viewer.readyState === WebSocket.OPEN) viewer.send(JSON.stringify(message));
  }
}
