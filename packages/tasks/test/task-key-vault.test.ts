import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskKeyVault } from "../src/index.ts";

const prefix = `bft_vault_${randomBytes(4).toString("hex")}`;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe("TaskKeyVault: a task's LLM key in Redis, encrypted, bound to its job, for its life only", () => {
  it("round-trips; Redis holds neither the key nor any part of it; the TTL is set; delete removes it", async () => {
    const vault = new TaskKeyVault(redis, prefix, randomBytes(32).toString("hex"));
    const apiKey = `sk-live-${randomBytes(24).toString("hex")}`;
    await vault.put("job-1", apiKey, 900);
    expect(await vault.get("job-1")).toBe(apiKey);
    const stored = (await redis.getBuffer(`${prefix}:task-key:job-1`))!;
    expect(stored.includes(Buffer.from(apiKey))).toBe(false);
    expect(stored.toString("latin1")).not.toContain(apiKey.slice(8, 20));
    const ttl = await redis.ttl(`${prefix}:task-key:job-1`);
    expect(ttl).toBeGreaterThan(890);
    expect(ttl).toBeLessThanOrEqual(900);
    await vault.delete("job-1");
    expect(await vault.get("job-1")).toBeNull();
  });

  it("a value moved under another job's name, a tampered value, or another secret never decrypts", async () => {
    const secret = randomBytes(32).toString("hex");
    const vault = new TaskKeyVault(redis, prefix, secret);
    await vault.put("job-a", "sk-a", 60);
    const sealed = (await redis.getBuffer(`${prefix}:task-key:job-a`))!;
    await redis.set(`${prefix}:task-key:job-b`, sealed);
    expect(await vault.get("job-b")).toBeNull();
    const tampered = Buffer.from(sealed);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 1, tampered.length - 1);
    expect(vault.open("job-a", tampered)).toBeNull();
    expect(new TaskKeyVault(redis, prefix, randomBytes(32).toString("hex")).open("job-a", sealed)).toBeNull();
    expect(vault.open("job-a", sealed)).toBe("sk-a");
    expect(() => new TaskKeyVault(redis, prefix, "short")).toThrow(/64 hex/);
  });
});
