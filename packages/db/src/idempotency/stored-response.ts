/** A completed answer as stored: what a replay sends back byte for byte. */
export interface StoredResponse {
  status: number;
  /** Lower-case header names a replay repeats (content-type, location). */
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * A sync page answer kept by reference: its job rebuilds the bytes, and a replay sends them only if
 * their sha256 is the one first sent (a multi-MB answer is not stored a second time).
 */
export interface ReferencedResponse {
  status: number;
  headers: Record<string, string>;
  jobId: string;
  /** Hex sha256 of the exact bytes first sent. */
  sha256: string;
}

export type KeptResponse = StoredResponse | ReferencedResponse;

export const isReferencedResponse = (r: KeptResponse): r is ReferencedResponse => "jobId" in r;

/** The row a later request with the same workspace and key finds. */
export interface IdempotencyRecord {
  method: string;
  path: string;
  requestHash: string;
  state: "in_flight" | "completed";
  /** Null while in flight. */
  response: KeptResponse | null;
}
