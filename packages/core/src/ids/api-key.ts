import { createHash, randomBytes } from "node:crypto";

const KEY_RE = /^agt_live_[0-9a-f]{32}$/;

export interface MintedApiKey {
  /** The secret, shown to the user once. */
  key: string;
  /** sha256 hex of the key: the only form stored. */
  hash: string;
  /** Short, non-secret prefix for display (`agt_live_9328d`). */
  prefix: string;
}

export function isWellFormedApiKey(key: string): boolean {
  return KEY_RE.test(key);
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function mintApiKey(): MintedApiKey {
  const key = `agt_live_${randomBytes(16).toString("hex")}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 14) };
}
