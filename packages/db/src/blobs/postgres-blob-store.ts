import type { Db, Tx } from "../client.ts";

type Sql = Pick<Db | Tx, "$executeRaw" | "$queryRaw">;
import { jobIdOfBlobKey, type BlobStore } from "./blob-store.ts";

/** The default store: a table in the same database, written in the item's transaction when given one. */
export class PostgresBlobStore implements BlobStore {
  readonly name = "postgres" as const;

  constructor(private readonly prisma: Sql) {}

  async put(key: string, bytes: Uint8Array, tx?: Tx): Promise<void> {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await (tx ?? this.prisma).$executeRaw`
      INSERT INTO payload_blobs (key, job_id, bytes) VALUES (${key}, ${jobIdOfBlobKey(key)}::uuid, ${data})
      ON CONFLICT (key) DO NOTHING`;
  }

  async get(key: string): Promise<Buffer | null> {
    const rows = await this.prisma.$queryRaw<{ bytes: Uint8Array }[]>`SELECT bytes FROM payload_blobs WHERE key = ${key}`;
    const bytes = rows[0]?.bytes;
    return bytes === undefined ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async delete(key: string): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM payload_blobs WHERE key = ${key}`;
  }

  async deleteJob(jobId: string, tx?: Tx): Promise<number> {
    return (tx ?? this.prisma).$executeRaw`DELETE FROM payload_blobs WHERE job_id = ${jobId}::uuid`;
  }
}
