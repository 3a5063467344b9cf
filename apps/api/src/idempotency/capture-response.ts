import type { Response } from "express";
import type { StoredResponse } from "@browserfleet/db";

// The headers that belong to the answer itself; per-request ones (X-Request-Id, rate limits) are not replayed.
const KEPT_HEADERS = ["content-type", "location"];

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.alloc(0);
}

/**
 * Holds the response's bytes until `beforeSend` has run, then sends them unchanged: the stored
 * answer exists before the client can see it, so an immediate retry is a replay, never a 409.
 */
export function captureResponse(res: Response, beforeSend: (captured: StoredResponse) => Promise<void>): { release(): void } {
  const chunks: Buffer[] = [];
  const write = res.write;
  const end = res.end;
  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    chunks.push(toBuffer(chunk, encoding));
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") process.nextTick(done as () => void);
    return true;
  }) as Response["write"];
  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown): Response => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== "function") chunks.push(toBuffer(chunk, encoding));
    const done = [chunk, encoding, callback].find((arg) => typeof arg === "function") as (() => void) | undefined;
    res.write = write;
    res.end = end;
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = res.getHeader(name);
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
    }
    void beforeSend({ status: res.statusCode, headers, body }).finally(() => {
      if (done) res.end(body, done);
      else res.end(body);
    });
    return res;
  }) as Response["end"];
  return {
    /** Stops capturing before anything was written: the answer is kept another way and goes out as it is written. */
    release: () => {
      res.write = write;
      res.end = end;
    },
  };
}
