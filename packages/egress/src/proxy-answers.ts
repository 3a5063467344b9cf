import type { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/** Set on every answer the proxy gives in place of the target: the page's guard reads them. */
export const REFUSED_HEADER = "x-browserfleet-refused";
export const EGRESS_ERROR_HEADER = "x-browserfleet-egress-error";

/** Header values must be one line of visible ASCII. */
export function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 300);
}

export function answerRefused(res: ServerResponse, reason: string): void {
  answer(res, 403, REFUSED_HEADER, reason, `egress refused: ${reason}\n`);
}

export function answerFailed(res: ServerResponse, status: 400 | 502 | 504, reason: string): void {
  answer(res, status, EGRESS_ERROR_HEADER, reason, `egress failed: ${reason}\n`);
}

function answer(res: ServerResponse, status: number, header: string, reason: string, body: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { [header]: headerSafe(reason), "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close" });
  res.end(body);
}

/** The raw answer to a CONNECT, written on the client socket before it is closed. */
export function answerTunnel(socket: Duplex, status: 400 | 403 | 502 | 504, reason: string): void {
  const header = status === 403 ? REFUSED_HEADER : EGRESS_ERROR_HEADER;
  const text = status === 403 ? "Forbidden" : status === 400 ? "Bad Request" : status === 502 ? "Bad Gateway" : "Gateway Timeout";
  const body = `egress ${status === 403 ? "refused" : "failed"}: ${headerSafe(reason)}\n`;
  const head = `HTTP/1.1 ${status} ${text}\r\n${header}: ${headerSafe(reason)}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  if (socket.writable) socket.end(head + body);
  else socket.destroy();
}
