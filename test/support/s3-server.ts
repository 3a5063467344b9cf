import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver ships no types; only the two calls above are used.
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverClass;

/** A real S3-speaking server (s3rver) on 127.0.0.1 over a temporary directory, with one bucket. */
export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** What a process needs to use it (the settings of packages/config). */
  env: Record<string, string>;
  /** Keys stored under a prefix, read from s3rver's directory (not through the S3 API under test). */
  storedKeys(prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startLocalS3(bucket = "browserfleet-test"): Promise<LocalS3> {
  const directory = await mkdtemp(path.join(tmpdir(), "bf-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: {
      BLOB_STORE: "s3",
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: "us-east-1",
      // s3rver's fixed credentials: it checks signatures like S3 does.
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_FORCE_PATH_STYLE: "true",
    },
    storedKeys: async (prefix = "") => {
      const root = path.join(directory, bucket);
      const files = await readdir(root, { recursive: true }).catch(() => [] as string[]);
      // s3rver keeps each object as <key>._S3rver_object next to its metadata files.
      return files.flatMap((f) => (f.endsWith("._S3rver_object") ? [f.slice(0, -"._S3rver_object".length).split(path.sep).join("/")] : [])).filter((k) => k.startsWith(prefix)).sort();
    },
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
