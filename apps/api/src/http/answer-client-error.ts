import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { requestIdFrom } from "@browserfleet/core";

function envelopeResponse(status: number, code: string, error: string): string {
  const requestId = requestIdFrom(undefined);
  const body = JSON.stringify({ error, code, request_id: requestId });
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/**
 * The server's `clientError` listener: requests Node's parser refuses before Express sees
 * them (header overflow, malformed request line or headers) get the envelope too, not a bare status.
 */
export function answerClientError(logger: Logger, headerLimitBytes: number) {
  return (err: Error & { code?: string }, socket: Duplex): void => {
    // Node's own rule: never write into a response that has already started on this socket.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    logger.info({ code: err.code, reason: err.message }, "malformed request refused");
    if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      // The client stopped sending mid-request: as Node does, 408 and close.
      socket.end("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
      return;
    }
    if (err.code === "HPE_HEADER_OVERFLOW") {
      socket.end(envelopeResponse(400, "BAD_REQUEST", `request line and headers are larger than ${headerLimitBytes} bytes`));
      return;
    }
    if (err.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") {
      socket.end(envelopeResponse(413, "PAYLOAD_TOO_LARGE", "chunk extensions are larger than the limit"));
      return;
    }
    socket.end(envelopeResponse(400, "BAD_REQUEST", "malformed HTTP request"));
  };
}
