import type { HostedSession } from "../hosted-session.ts";
import { RawCdpConnection, type CdpEvent } from "../identity/raw-cdp-connection.ts";
import { isPrivilegedTarget } from "../privileged-targets.ts";

const CONNECT_TIMEOUT_MS = 5_000;

interface PageInfo {
  url: string;
}

/**
 * Which page of an agent's browser the user is most likely looking at: the page target most
 * recently created, activated or navigated (Chromium's own pages never, nor the worker's own: the
 * pages its detection checks and fingerprint reads open in contexts of their own). One raw CDP connection
 * per session with target discovery on; seeded from /json/list, which Chromium orders by last
 * activity. The live view follows it and the screenshot route shoots it.
 */
export class PageFollower {
  /** Page target ids, least recent first. */
  private readonly recency: string[] = [];
  private readonly pages = new Map<string, PageInfo>();
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly cdp: RawCdpConnection,
    private readonly isWorkersContext: (browserContextId: string) => boolean,
  ) {
    cdp.onEvent((event) => this.onTargetEvent(event));
  }

  static async open(session: Pick<HostedSession, "browser" | "identity">): Promise<PageFollower> {
    const cdp = await RawCdpConnection.open(session.browser.browserWsUrl, CONNECT_TIMEOUT_MS);
    // The worker registers a context of its own before it opens a page there, so the page's first event is already known as the worker's.
    const follower = new PageFollower(cdp, (id) => session.identity?.workerContexts.has(id) === true);
    try {
      await cdp.send("Target.setDiscoverTargets", { discover: true });
      const listed = (await (await fetch(`http://127.0.0.1:${session.browser.port}/json/list`, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) })).json()) as { id: string }[];
      // /json/list is most recent first: re-rank the pages discovery reported in that order.
      for (const { id } of [...listed].reverse()) if (follower.pages.has(id)) follower.bump(id, false);
    } catch (err) {
      cdp.close();
      throw err;
    }
    return follower;
  }

  /** The page to show, or null when the browser has none. */
  current(): { targetId: string; url: string } | null {
    const targetId = this.recency.at(-1);
    return targetId === undefined ? null : { targetId, url: this.pages.get(targetId)?.url ?? "" };
  }

  /** Called whenever the current page (or its URL) may have changed; returns a function that stops it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onTargetEvent(event: CdpEvent): void {
    const info = event.params.targetInfo as { targetId?: string; type?: string; url?: string; browserContextId?: string } | undefined;
    if (event.method === "Target.targetCreated" || event.method === "Target.targetInfoChanged") {
      if (info?.targetId === undefined || info.type !== "page") return;
      if (isPrivilegedTarget(info) || (info.browserContextId !== undefined && this.isWorkersContext(info.browserContextId))) {
        this.forget(info.targetId);
        return;
      }
      const known = this.pages.get(info.targetId);
      const url = info.url ?? "";
      this.pages.set(info.targetId, { url });
      // A new page, or a navigation of a known one, is what the user now looks at.
      if (known === undefined || known.url !== url) this.bump(info.targetId, true);
    } else if (event.method === "Target.targetDestroyed" || event.method === "Target.targetCrashed") {
      this.forget(String(event.params.targetId));
    }
  }

  private bump(targetId: string, notify: boolean): void {
    const at = this.recency.indexOf(targetId);
    if (at !== -1) this.recency.splice(at, 1);
    this.recency.push(targetId);
    if (notify) this.notify();
  }

  private forget(targetId: string): void {
    this.pages.delete(targetId);
    const at = this.recency.indexOf(targetId);
    if (at === -1) return;
    this.recency.splice(at, 1);
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

const followers = new WeakMap<HostedSession, Promise<PageFollower>>();

/** The session's follower, opened on first use and closed when the session ends (or reopened if its connection broke). */
export function pageFollowerOf(session: HostedSession): Promise<PageFollower> {
  let follower = followers.get(session);
  if (follower === undefined) {
    follower = PageFollower.open(session);
    followers.set(session, follower);
    const opened = follower;
    opened.then(
      (f) => {
        f.cdp.onClose(() => {
          if (followers.get(session) === opened) followers.delete(session);
        });
        void session.done.then(() => f.cdp.close());
      },
      () => {
        if (followers.get(session) === opened) followers.delete(session);
      },
    );
  }
  return follower;
}
