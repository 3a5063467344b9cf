import { WebSocket } from "ws";

/** Frames as large as a full-page screenshot travel through the gateway (ws's default cap is 100 MiB; Chromium's own is 256 MiB). */
export const MAX_CDP_FRAME_BYTES = 256 * 1024 * 1024;

/**
 * Opens the next hop's websocket and resolves once it is open, or rejects (with the HTTP status
 * the hop answered, when it answered one) within `timeoutMs`. No Origin is sent: Chromium refuses
 * upgrades from foreign origins, and the client's own never reaches it. The socket comes paused:
 * call `resume()` once its 'message' listener is on (relaySockets does).
 */
export function openUpstreamSocket(url: string, options: { headers?: Record<string, string>; timeoutMs: number }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: options.headers ?? {}, perMessageDeflate: false, maxPayload: MAX_CDP_FRAME_BYTES, handshakeTimeout: options.timeoutMs });
    const fail = (err: Error & { status?: number }): void => {
      ws.removeAllListeners();
      ws.on("error", () => undefined);
      ws.terminate();
      reject(err);
    };
    ws.once("open", () => {
      ws.removeListener("error", fail);
      ws.removeAllListeners("unexpected-response");
      // Paused until the caller listens: bytes that came with the 101 would otherwise be emitted as messages
      // (on a nextTick, before the awaiting caller resumes) with no listener, and ws drops those.
      ws.pause();
      resolve(ws);
    });
    ws.once("error", fail);
    ws.once("unexpected-response", (_req, res) => {
      const err = new Error(`upstream answered ${res.statusCode}`) as Error & { status?: number };
      err.status = res.statusCode;
      res.resume();
      fail(err);
    });
  });
}
