import { createHash } from "node:crypto";
import type { Response } from "express";
import { jsonChunks } from "./json-chunks.ts";

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

// Small pieces are gathered into writes of about this size: one socket write per field would be slow.
const WRITE_BYTES = 64 * 1024;

/**
 * Writes a JSON answer piece by piece, waiting for the socket to drain, so a large answer is never
 * held as one string and a slow client holds at most one write of it. Stops quietly once the
 * client has gone.
 */
export class JsonStream {
  private pending: string[] = [];
  private pendingLength = 0;
  private started = false;

  constructor(private readonly res: Response, private readonly status = 200) {}

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  async write(piece: string): Promise<void> {
    this.pending.push(piece);
    this.pendingLength += piece.length;
    if (this.pendingLength >= WRITE_BYTES) await this.flush();
  }

  async writeAll(pieces: Iterable<string>): Promise<void> {
    for (const piece of pieces) {
      if (this.closed) return;
      await this.write(piece);
    }
  }

  /** Sends what is left; the last write ends the response. */
  async end(): Promise<void> {
    this.start();
    const rest = this.take();
    if (this.closed) return;
    await new Promise<void>((resolve) => this.res.end(rest, () => resolve()));
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.res.status(this.status);
    this.res.setHeader("content-type", JSON_CONTENT_TYPE);
  }

  private take(): string {
    const text = this.pending.join("");
    this.pending = [];
    this.pendingLength = 0;
    return text;
  }

  private async flush(): Promise<void> {
    this.start();
    const text = this.take();
    if (this.closed || this.res.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.res.off("drain", done);
        this.res.off("close", done);
        resolve();
      };
      this.res.on("drain", done);
      this.res.on("close", done);
    });
  }
}

/** Streams one value as JSON (see jsonChunks): what res.json would send, without building it as one string. */
export async function sendJson(res: Response, value: unknown, status = 200): Promise<void> {
  const stream = new JsonStream(res, status);
  await stream.writeAll(jsonChunks(value));
  await stream.end();
}

/** Hex sha256 of the bytes sendJson would send for `value`, computed piece by piece. */
export function jsonSha256(value: unknown): string {
  const hash = createHash("sha256");
  for (const piece of jsonChunks(value)) hash.update(piece, "utf8");
  return hash.digest("hex");
}
