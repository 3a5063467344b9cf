import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import type { Logger } from "pino";
import { refuseUpgrade } from "@browserfleet/agents";
import type { HostedSession } from "../hosted-session.ts";
import { holdForChecks } from "../identity/hold-for-checks.ts";
import { LiveFeed } from "./live-feed.ts";

/** Live viewers per agent session; one more is refused (429) before the 101. */
export const MAX_VIEWERS_PER_SESSION = 5;

const feeds = new WeakMap<HostedSession, Promise<LiveFeed>>();
const pending = new WeakMap<HostedSession, number>();

function feedOf(session: HostedSession, logger: Logger): Promise<LiveFeed> {
  let feed = feeds.get(session);
  if (feed === undefined) {
    feed = LiveFeed.start(session, logger);
    feeds.set(session, feed);
    const started = feed;
    started.catch(() => feeds.get(session) === started && feeds.delete(session));
  }
  return feed;
}

/**
 * `/agents/<session>/screencast` (fleet secret already checked): a view-only websocket of the
 * session's screen (live-feed.ts). The viewer is registered with the session so it is closed with
 * the session's reason, but it is no CDP client: it never holds off the idle timeout.
 */
export async function acceptViewer(wss: WebSocketServer, session: HostedSession, logger: Logger, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const waiting = pending.get(session) ?? 0;
  const current = await feeds.get(session)?.then((f) => (f.isStopped ? 0 : f.viewerCount)).catch(() => 0);
  if ((current ?? 0) + waiting >= MAX_VIEWERS_PER_SESSION) {
    refuseUpgrade(socket, 429, { error: `at most ${MAX_VIEWERS_PER_SESSION} live viewers per agent`, code: "TOO_MANY_REQUESTS" }, { "Retry-After": "10" });
    return;
  }
  pending.set(session, waiting + 1);
  let feed: LiveFeed;
  try {
    await holdForChecks(session);
    feed = await feedOf(session, logger);
    if (feed.isStopped) {
      feeds.delete(session);
      feed = await feedOf(session, logger);
    }
  } catch (err) {
    logger.warn({ err: { message: err instanceof Error ? err.message : String(err) }, session_id: session.id }, "live view could not reach the agent's browser");
    refuseUpgrade(socket, 502, { error: "the agent's browser did not answer", code: "UPSTREAM_UNAVAILABLE" });
    return;
  } finally {
    pending.set(session, (pending.get(session) ?? 1) - 1);
  }
  if (session.isEnding) {
    refuseUpgrade(socket, 409, { error: "the agent is not running on this worker", code: "AGENT_NOT_RUNNING" });
    return;
  }
  let added = false;
  // A viewer gone before its 101 must not leave a screencast running for nobody.
  socket.once("close", () => added || feed.releaseIfUnused());
  wss.handleUpgrade(req, socket, head, (viewer) => {
    added = true;
    session.addViewer(viewer);
    feed.add(viewer);
  });
}
