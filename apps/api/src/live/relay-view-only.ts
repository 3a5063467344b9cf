import { WebSocket, type RawData } from "ws";
import { UPSTREAM_LOST, isSendableCloseCode } from "@browserfleet/agents";

/**
 * Relays the worker's screencast to a viewer, one way: frames from the worker go to the viewer as
 * they are (binary JPEG, or a JSON text message); whatever the viewer sends is dropped, never
 * forwarded. A close on either side closes the other, the worker's code and reason passed on
 * (4001..4005 when the session ends). Pings keep load balancers from cutting an idle view.
 */
export function relayViewOnly(viewer: WebSocket, upstream: WebSocket, early: EarlyMessages, options: { pingIntervalMs: number; onClose: (code: number) => void }): void {
  let closed = false;
  const ping = setInterval(() => {
    if (viewer.readyState === WebSocket.OPEN) viewer.ping();
    if (upstream.readyState === WebSocket.OPEN) upstream.ping();
  }, options.pingIntervalMs);
  ping.unref();
  const finish = (code: number): void => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    options.onClose(code);
  };
  const forward = (data: RawData, isBinary: boolean): void => {
    if (viewer.readyState === WebSocket.OPEN) viewer.send(data as Buffer, { binary: isBinary });
  };
  for (const [data, isBinary] of early.stop()) forward(data, isBinary);
  upstream.on("message", forward);
  viewer.on("message", () => undefined);
  upstream.on("close", (code, reason) => {
    const sendable = isSendableCloseCode(code);
    if (viewer.readyState === WebSocket.OPEN || viewer.readyState === WebSocket.CONNECTING) {
      viewer.close(sendable ? code : UPSTREAM_LOST.code, sendable ? reason.toString() : UPSTREAM_LOST.reason);
    }
    finish(code);
  });
  viewer.on("close", (code) => {
    if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) upstream.close(1000, "viewer left");
    finish(code);
  });
  upstream.on("error", () => undefined);
  viewer.on("error", () => undefined);
  // The worker may have gone while the viewer's upgrade was answered.
  if (upstream.readyState !== WebSocket.OPEN) {
    viewer.close(UPSTREAM_LOST.code, UPSTREAM_LOST.reason);
    finish(UPSTREAM_LOST.code);
  }
}

export interface EarlyMessages {
  /** Stops collecting and hands over what came so far, in order. */
  stop(): [RawData, boolean][];
}

/**
 * Collects what the worker sends between its 101 and the viewer's (the latest frame comes at once):
 * ws drops messages no listener hears, so they are held until relayViewOnly takes over.
 */
export function collectEarlyMessages(upstream: WebSocket): EarlyMessages {
  const held: [RawData, boolean][] = [];
  const hold = (data: RawData, isBinary: boolean): void => void held.push([data, isBinary]);
  upstream.on("message", hold);
  if (upstream.isPaused) upstream.resume();
  return {
    stop: () => {
      upstream.off("message", hold);
      return held;
    },
  };
}
