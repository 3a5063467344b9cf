import { WebSocket } from "ws";
import type { AgentBrowser } from "@browserfleet/browser";

const LOCKDOWN_TIMEOUT_MS = 10_000;

/**
 * Locks an agent's browser down before a client gets it, over a CDP connection of the worker's own
 * that stays open for the browser's life: downloads denied, in the default context and in every
 * context created later. It must stay open because Chromium resets a download behaviour to
 * "default" (headless: save to $HOME/Downloads) when the session that set it detaches; the relay's
 * policy never lets a client set one (cdp-policy.ts). Should a download begin anyway (another
 * worker-side connection that set and dropped a behaviour), it is cancelled and "deny" set again.
 * If this connection is lost while the browser still runs, the browser is closed: it fails closed.
 *
 * Call it after every other worker-side CDP connection that may touch the download behaviour has
 * closed (Playwright's connectOverCDP sets "allowAndName" unless `noDefaults`, and its close resets).
 * Resolves once "deny" holds; rejects (connection left closed) if Chromium does not answer in time.
 */
export async function lockDownBrowser(browser: AgentBrowser): Promise<void> {
  const socket = new WebSocket(browser.browserWsUrl, { perMessageDeflate: false, handshakeTimeout: LOCKDOWN_TIMEOUT_MS });
  let nextId = 0;
  const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  const send = (method: string, params: Record<string, unknown>): Promise<void> =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  const deny = (browserContextId?: string): Promise<void> =>
    send("Browser.setDownloadBehavior", { behavior: "deny", eventsEnabled: true, ...(browserContextId === undefined ? {} : { browserContextId }) });
  const deniedContexts = new Set<string>();

  socket.on("message", (data) => {
    let message: { id?: number; method?: string; params?: Record<string, unknown>; error?: { message?: string } };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      return;
    }
    if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(`lockdown: ${message.error.message ?? "CDP error"}`));
      else waiter?.resolve();
      return;
    }
    if (message.method === "Target.targetCreated") {
      const contextId = (message.params?.targetInfo as { browserContextId?: unknown } | undefined)?.browserContextId;
      if (typeof contextId === "string" && !deniedContexts.has(contextId)) {
        deniedContexts.add(contextId);
        // A context disposed meanwhile answers an error: nothing to deny there any more.
        deny(contextId).catch(() => undefined);
      }
    } else if (message.method === "Browser.downloadWillBegin") {
      const guid = message.params?.guid;
      if (typeof guid === "string") send("Browser.cancelDownload", { guid }).catch(() => undefined);
      deny().catch(() => undefined);
    }
  });

  let exited = false;
  void browser.exited.then(() => {
    exited = true;
    socket.terminate();
  });
  socket.on("error", () => undefined);
  socket.on("close", () => {
    for (const waiter of pending.values()) waiter.reject(new Error("lockdown: the browser's CDP connection closed"));
    pending.clear();
    // Without this connection nothing holds "deny": the browser must not serve a client any more.
    if (!exited) void browser.close().catch(() => undefined);
  });

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await new Promise<void>((resolve, reject) => {
          socket.once("open", () => resolve());
          socket.once("close", () => reject(new Error("lockdown: could not connect to the browser")));
        });
        await deny();
        await send("Target.setDiscoverTargets", { discover: true });
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`lockdown: the browser did not answer within ${LOCKDOWN_TIMEOUT_MS} ms`)), LOCKDOWN_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    socket.removeAllListeners("close");
    socket.on("close", () => undefined);
    socket.terminate();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
