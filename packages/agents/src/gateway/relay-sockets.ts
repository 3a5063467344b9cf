import { WebSocket, type RawData } from "ws";
import { UPSTREAM_LOST, isSendableCloseCode } from "./close-codes.ts";

/** A reply to the client instead (string), a replacement frame to forward (`{forward}`), or null: forward as it is. */
export type ClientMessageVerdict = string | { forward: string } | null;

export interface RelayOptions {
  /** Ping the client this often (load balancers drop quiet connections; a dead peer is found); 0 = never. */
  pingIntervalMs?: number;
  /**
   * Sees each client → upstream message before it is forwarded: return a text to answer the client
   * instead (the message is dropped), `{forward}` to send that text upstream in its place, or null
   * to forward it as it is.
   */
  inspectClientMessage?: (data: Buffer, isBinary: boolean) => ClientMessageVerdict;
  /**
   * Sees each upstream → client message before it is forwarded: "drop" keeps it from the client
   * (an answer to a command the relay sent itself), null forwards it. `sendUpstream` sends a frame
   * of the relay's own upstream, ahead of anything the client sends after this message.
   */
  inspectUpstreamMessage?: (data: Buffer, isBinary: boolean, sendUpstream: (text: string) => void) => "drop" | null;
  /** Called once both sockets are relayed, with the same `sendUpstream` (e.g. to set something up on a page endpoint). */
  onStart?: (sendUpstream: (text: string) => void) => void;
  /** Called once, when both sides are closed. */
  onClose?: (code: number, reason: string) => void;
}

/**
 * Relays two open websockets frame for frame (text stays text, binary stays binary) until one side
 * closes, then closes the other with the same code and reason (or 1011 when the hop broke without
 * a close frame), so the client always gets a websocket close, never a cut connection.
 */
export function relaySockets(client: WebSocket, upstream: WebSocket, options: RelayOptions = {}): void {
  let closed = false;
  const finish = (from: WebSocket, to: WebSocket, code: number, reason: Buffer | string): void => {
    if (closed) return;
    closed = true;
    clearInterval(pinger);
    const text = reason.toString();
    if (to.readyState === WebSocket.OPEN || to.readyState === WebSocket.CONNECTING) {
      if (isSendableCloseCode(code)) to.close(code, text);
      else if (code === 1005) to.close(1000);
      else to.close(UPSTREAM_LOST.code, from === upstream ? UPSTREAM_LOST.reason : "client connection lost");
    }
    // A peer that never answers the close frame is cut after a while, so the relay cannot leak.
    setTimeout(() => to.terminate(), 5_000).unref();
    options.onClose?.(code, text);
  };
  const forward = (to: WebSocket) => (data: RawData, isBinary: boolean) => {
    if (to.readyState === WebSocket.OPEN) to.send(data, { binary: isBinary });
  };
  const toUpstream = forward(upstream);
  client.on("message", (data, isBinary) => {
    if (options.inspectClientMessage) {
      const verdict = options.inspectClientMessage(toBuffer(data), isBinary);
      if (typeof verdict === "string") {
        if (client.readyState === WebSocket.OPEN) client.send(verdict);
        return;
      }
      if (verdict !== null) {
        if (upstream.readyState === WebSocket.OPEN) upstream.send(verdict.forward);
        return;
      }
    }
    toUpstream(data, isBinary);
  });
  const sendUpstream = (text: string): void => {
    if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
  };
  const toClient = forward(client);
  upstream.on("message", (data, isBinary) => {
    if (options.inspectUpstreamMessage?.(toBuffer(data), isBinary, sendUpstream) === "drop") return;
    toClient(data, isBinary);
  });
  client.on("close", (code, reason) => finish(client, upstream, code, reason));
  upstream.on("close", (code, reason) => finish(upstream, client, code, reason));
  // 'close' follows 'error' in ws; the handlers only keep an error from being thrown as unhandled.
  client.on("error", () => undefined);
  upstream.on("error", () => undefined);

  options.onStart?.(sendUpstream);
  // Both sides are heard now: let what the hop sent (openUpstreamSocket pauses it) flow.
  if (upstream.isPaused) upstream.resume();

  let alive = true;
  client.on("pong", () => (alive = true));
  const pinger =
    (options.pingIntervalMs ?? 0) > 0
      ? setInterval(() => {
          if (!alive) {
            client.terminate();
            return;
          }
          alive = false;
          client.ping();
        }, options.pingIntervalMs)
      : undefined;
  pinger?.unref();
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
