import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/**
 * Answers a websocket upgrade with a plain HTTP error (before any 101, so clients see a status
 * and a body, not a broken handshake) and closes the connection.
 */
export function refuseUpgrade(socket: Duplex, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const payload = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(payload)}`,
    "Connection: close",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${payload}`);
  socket.on("error", () => undefined);
  setTimeout(() => socket.destroy(), 1_000).unref();
}
