/** A completed answer as stored: what a replay sends back byte for byte. */
export interface StoredResponse {
  status: number;
  /** Lower-case header names a replay repeats (content-type, location). */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The row a later request with the same workspace and key finds. */
export interface IdempotencyRecord {
  method: string;
  path: string;
  requestHash: string;
  state: "in_flight" | "completed";
  /** Null while in flight. */
  response: StoredResponse | null;
}
