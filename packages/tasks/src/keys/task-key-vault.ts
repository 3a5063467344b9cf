import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { taskKeyName } from "@browserfleet/core";

const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Version byte first, so the format can change without misreading an older value. */
const FORMAT_V1 = 1;

/**
 * Where a task's LLM API key lives while the task does (api.md "AI tasks": never in Postgres,
 * logs, job params, errors or webhooks): in Redis, AES-256-GCM encrypted with TASK_KEY_SECRET, the
 * job id bound in as associated data (a value copied under another job's name does not decrypt),
 * with a TTL a little past the task's wallclock, and deleted when the task ends.
 */
export class TaskKeyVault {
  private readonly key: Buffer;

  constructor(
    private readonly redis: Pick<Redis, "set" | "getBuffer" | "del">,
    private readonly prefix: string,
    secretHex: string,
  ) {
    if (!/^[0-9a-fA-F]{64}$/.test(secretHex)) throw new Error("TASK_KEY_SECRET must be 32 bytes as 64 hex characters");
    this.key = Buffer.from(secretHex, "hex");
  }

  /** Stores the job's key for `ttlSeconds` (the task's wallclock plus a margin). */
  async put(jobId: string, apiKey: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.redisKey(jobId), this.seal(jobId, apiKey), "EX", Math.max(1, Math.ceil(ttlSeconds)));
  }

  /** The job's key, or null when it is gone (the task ended, the TTL passed) or does not decrypt. */
  async get(jobId: string): Promise<string | null> {
    const sealed = await this.redis.getBuffer(this.redisKey(jobId));
    return sealed === null ? null : this.open(jobId, sealed);
  }

  async delete(jobId: string): Promise<void> {
    await this.redis.del(this.redisKey(jobId));
  }

  /** version ‖ iv ‖ tag ‖ ciphertext. */
  seal(jobId: string, apiKey: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(jobId, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(apiKey, "utf8"), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), ciphertext]);
  }

  open(jobId: string, sealed: Buffer): string | null {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) return null;
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(jobId, "utf8"));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      return null;
    }
  }

  private redisKey(jobId: string): string {
    return taskKeyName(this.prefix, jobId);
  }
}
