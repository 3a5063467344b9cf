import type { Tx } from "../client.ts";

export type BlobStoreName = "postgres" | "s3";

/**
 * Where payload bytes live, by key. Keys are `jobs/<job id>/…` (see payloadBlobKey), so everything
 * of one job can be deleted at once when its retention ends.
 */
export interface BlobStore {
  readonly name: BlobStoreName;
  /** Postgres writes through `tx` when given, so the blob commits with the item's result; S3 cannot and ignores it. */
  put(key: string, bytes: Uint8Array, tx?: Tx): Promise<void>;
  /** Null when there is no such blob. */
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
  /** Deletes every blob of the job; returns how many there were. */
  deleteJob(jobId: string, tx?: Tx): Promise<number>;
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const KEY = new RegExp(`^jobs/(${UUID})/${UUID}/${UUID}$`);

export const jobBlobPrefix = (jobId: string): string => `jobs/${jobId}/`;

/** One key per run of an item: a run that loses the item's guarded transaction can never overwrite the winner's blob. */
export function payloadBlobKey(jobId: string, itemId: string, runId: string): string {
  return `${jobBlobPrefix(jobId)}${itemId}/${runId}`;
}

/** The job a payload key belongs to; throws on a key payloadBlobKey did not make. */
export function jobIdOfBlobKey(key: string): string {
  const match = KEY.exec(key);
  if (!match) throw new Error(`not a payload blob key: ${key}`);
  return match[1]!;
}
