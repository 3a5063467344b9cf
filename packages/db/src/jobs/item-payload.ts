import { randomUUID } from "node:crypto";
import type { BlobStore, BlobStoreName } from "../blobs/blob-store.ts";
import { payloadBlobKey } from "../blobs/blob-store.ts";
import { encodePayload } from "../blobs/payload-codec.ts";
import type { Tx } from "../client.ts";
import type { PageOutcome } from "./page-outcome.ts";

/** An item's payload, ready for completeItem to point the item at. */
export interface PreparedPayload {
  store: BlobStoreName;
  key: string;
  sizeBytes: number;
  /** Writes the blob inside the item's guarded transaction (Postgres): it exists exactly when the result does. */
  writeInTransaction?: (tx: Tx) => Promise<void>;
  /** Deletes a blob written ahead (S3) that no result points to: the run lost its item, or its transaction failed. */
  discard?: () => Promise<void>;
}

const hasContent = (o: Extract<PageOutcome, { ok: true }>): boolean =>
  o.html !== undefined || o.text !== undefined || o.links !== undefined || o.screenshotPng !== undefined || o.markdown !== undefined;

/**
 * Encodes a successful outcome's content under a key only this run uses. A store that can join
 * the item's transaction writes there; any other is written now, before the transaction, so a
 * losing or crashed run leaves at most an unreferenced blob, removed with its job at retention.
 */
export async function prepareItemPayload(store: BlobStore, item: { jobId: string; itemId: string }, outcome: PageOutcome): Promise<PreparedPayload | null> {
  if (!outcome.ok || !hasContent(outcome)) return null;
  const { bytes, sizeBytes } = encodePayload({
    ...(outcome.html !== undefined ? { html: outcome.html } : {}),
    ...(outcome.text !== undefined ? { text: outcome.text } : {}),
    ...(outcome.links !== undefined ? { links: outcome.links } : {}),
    ...(outcome.screenshotPng !== undefined ? { screenshot: outcome.screenshotPng } : {}),
    ...(outcome.markdown !== undefined ? { markdown: outcome.markdown } : {}),
  });
  const key = payloadBlobKey(item.jobId, item.itemId, randomUUID());
  if (store.name === "postgres") return { store: store.name, key, sizeBytes, writeInTransaction: (tx) => store.put(key, bytes, tx) };
  await store.put(key, bytes);
  return { store: store.name, key, sizeBytes, discard: () => store.delete(key) };
}
