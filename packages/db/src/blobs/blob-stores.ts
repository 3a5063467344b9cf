import type { Db } from "../client.ts";
import type { BlobStore, BlobStoreName } from "./blob-store.ts";
import { PostgresBlobStore } from "./postgres-blob-store.ts";
import { S3BlobStore } from "./s3-blob-store.ts";

/** The settings this needs, named as in packages/config so a process passes its config as is. */
export interface BlobStoreSettings {
  BLOB_STORE: BlobStoreName;
  S3_ENDPOINT?: string | undefined;
  S3_BUCKET?: string | undefined;
  S3_REGION: string;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
  S3_FORCE_PATH_STYLE: boolean;
}

/**
 * The store new payloads go to, and every store a payload may already be in: switching BLOB_STORE
 * keeps older payloads readable (and deletable) where they were written, as long as that store is configured.
 */
export interface BlobStores {
  writer: BlobStore;
  all: BlobStore[];
  byName(name: string): BlobStore | undefined;
  close(): void;
}

export function createBlobStores(prisma: Db, settings: BlobStoreSettings): BlobStores {
  if (settings.BLOB_STORE === "s3" && settings.S3_BUCKET === undefined) throw new Error("BLOB_STORE=s3 needs S3_BUCKET (and S3_ENDPOINT for a store other than AWS)");
  if ((settings.S3_ACCESS_KEY_ID === undefined) !== (settings.S3_SECRET_ACCESS_KEY === undefined)) {
    throw new Error("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither for the SDK's default credentials");
  }
  const postgres = new PostgresBlobStore(prisma);
  const s3 =
    settings.S3_BUCKET === undefined
      ? null
      : new S3BlobStore({
          bucket: settings.S3_BUCKET,
          region: settings.S3_REGION,
          forcePathStyle: settings.S3_FORCE_PATH_STYLE,
          ...(settings.S3_ENDPOINT !== undefined ? { endpoint: settings.S3_ENDPOINT } : {}),
          ...(settings.S3_ACCESS_KEY_ID !== undefined ? { accessKeyId: settings.S3_ACCESS_KEY_ID } : {}),
          ...(settings.S3_SECRET_ACCESS_KEY !== undefined ? { secretAccessKey: settings.S3_SECRET_ACCESS_KEY } : {}),
        });
  const all: BlobStore[] = s3 === null ? [postgres] : [postgres, s3];
  return {
    writer: settings.BLOB_STORE === "s3" && s3 !== null ? s3 : postgres,
    all,
    byName: (name) => all.find((s) => s.name === name),
    close: () => s3?.close(),
  };
}
