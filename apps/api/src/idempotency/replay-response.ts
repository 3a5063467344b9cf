import type { Response } from "express";
import { IDEMPOTENT_REPLAY_HEADER } from "@browserfleet/core";
import type { StoredResponse } from "@browserfleet/db";

/** Sends a stored answer byte for byte, marked as a replay. */
export function replayResponse(res: Response, stored: StoredResponse): void {
  res.status(stored.status);
  for (const [name, value] of Object.entries(stored.headers)) res.setHeader(name, value);
  res.setHeader(IDEMPOTENT_REPLAY_HEADER, "true");
  res.end(Buffer.from(stored.body.buffer, stored.body.byteOffset, stored.body.byteLength));
}
