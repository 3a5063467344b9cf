import { createHash, randomBytes } from "node:crypto";

const AGENT_ID_RE = /^agt_[0-9a-f]{20}$/;
const SESSION_ID_RE = /^ses_[0-9a-f]{20}$/;

/** `agt_<20 lowercase hex>` (api.md "Agents"). */
export function newAgentId(): string {
  return `agt_${randomBytes(10).toString("hex")}`;
}

export function isAgentId(value: string): boolean {
  return AGENT_ID_RE.test(value);
}

/** `ses_<20 lowercase hex>`: one run of an agent's browser (a burner has exactly one). */
export function newSessionId(): string {
  return `ses_${randomBytes(10).toString("hex")}`;
}

export function isSessionId(value: string): boolean {
  return SESSION_ID_RE.test(value);
}

/** What a gateway token lets its holder do: drive the browser over CDP, or only watch the live view. */
export type AgentTokenKind = "cdp" | "view";

export interface MintedAgentToken {
  /** Shown to the client inside cdp_url / live_url; never stored. */
  token: string;
  /** sha256 hex: the only form kept. */
  hash: string;
}

/** 32 random bytes, base64url (43 characters, URL-safe as a query value). */
export function mintAgentToken(): MintedAgentToken {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashAgentToken(token) };
}

export function hashAgentToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A token as minted: anything else is refused without a database read. */
export function isWellFormedAgentToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
