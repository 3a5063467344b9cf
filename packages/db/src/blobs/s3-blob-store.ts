import { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { jobBlobPrefix, type BlobStore } from "./blob-store.ts";

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** Any S3-compatible endpoint (MinIO, R2, …); AWS's own when absent. */
  endpoint?: string;
  /** Both or neither: without them the SDK's default credential chain applies (IAM role, profile, …). */
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** One request's budget; a store that stops answering fails the write instead of holding the page. */
  requestTimeoutMs?: number;
  /** Keys listed (and deleted) per request when a job's blobs go; S3's maximum, 1000, unless a test wants pages. */
  listPageSize?: number;
}

/** Payloads in an S3-compatible bucket. Writes happen before the item's transaction, under a key only that run uses. */
export class S3BlobStore implements BlobStore {
  readonly name = "s3" as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly listPageSize: number;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.listPageSize = options.listPageSize ?? 1_000;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle,
      ...(options.accessKeyId !== undefined && options.secretAccessKey !== undefined
        ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
        : {}),
      // Checksums only where S3 demands them: several S3-compatible servers reject the newer trailing-checksum uploads.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: 5_000 },
    });
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: "application/octet-stream" }));
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (answer.Body === undefined) return null;
      return Buffer.from(await answer.Body.transformToByteArray());
    } catch (err) {
      if ((err as { name?: string }).name === "NoSuchKey") return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /**
   * Lists the job's prefix a page at a time and deletes each page in one request. Each listing starts
   * over (what was listed is gone), so no marker or continuation token is needed (ListObjects v1:
   * some S3-compatible servers mishandle v2's tokens); a key listed again after its delete means
   * the store did not delete it.
   */
  async deleteJob(jobId: string): Promise<number> {
    const deleted = new Set<string>();
    for (;;) {
      const page = await this.client.send(new ListObjectsCommand({ Bucket: this.bucket, Prefix: jobBlobPrefix(jobId), MaxKeys: this.listPageSize }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key]));
      if (keys.length === 0) return deleted.size;
      const again = keys.find((k) => deleted.has(k));
      if (again !== undefined) throw new Error(`S3 still lists blob ${again} of job ${jobId} after deleting it`);
      const answer = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
      const failed = answer.Errors ?? [];
      if (failed.length > 0) throw new Error(`S3 refused to delete ${failed.length} blob(s) of job ${jobId}: ${failed[0]?.Code ?? "unknown"} ${failed[0]?.Message ?? ""}`);
      for (const key of keys) deleted.add(key);
      if (page.IsTruncated !== true) return deleted.size;
    }
  }

  close(): void {
    this.client.destroy();
  }
}
