import { WebSocket, type RawData } from "ws";
import { UPSTREAM_LOST, isSendableCloseCode } from "./close-codes.ts";

export interface RelayOptions {
  /** Ping the client this often (load balancers drop quiet connections; a dead peer is found); 0 = never. */
  pingIntervalMs?: number;
  /**
   * Sees each client → upstream message before it is forwarded: return a text to answer the client
   * instead (the message is dropped), or null to forward it.
   */
  inspectClientMessage?: (data: Buffer, isBinary: boolean) => string | null;
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
      const reply = options.inspectClientMessage(toBuffer(data), isBinary);
      if (reply !== null) {
        if (client.readyState === WebSocket.OPEN) client.send(reply);
        return;
      }
    }
    toUpstream(data, isBinary);
  });
  upstream.on("message", forward(client));
  client.on("close", (code, reason) => finish(client, upstream, code, reason));
  upstream.on("close", (code, reason) => finish(upstream, client, code, reason));
  // 'close' follows 'error' in ws; the handlers only keep an error from being thrown as unhandled.
  client.on("error", () => undefined);
  upstream.on("error", () => undefined);

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
