import { PRICES } from "../jobs/prices.ts";

/** Agents are charged per started block of this many seconds of running time (api.md "Credits"). */
export const AGENT_BLOCK_SECONDS = 600;

export const BURNER_DEFAULT_TTL_SECONDS = 300;
export const PERSISTENT_DEFAULT_TTL_SECONDS = 1_800;
export const MIN_TTL_SECONDS = 60;
export const MAX_TTL_SECONDS = 3_600;

/** The credit price of one block for a mode. */
export function agentBlockPrice(mode: "burner" | "persistent"): number {
  return mode === "burner" ? PRICES.burner_agent : PRICES.persistent_session;
}

/** Started blocks of `seconds` of running time (agent time: real time divided by AGENT_TTL_SCALE). */
export function startedBlocks(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / AGENT_BLOCK_SECONDS - 1e-9));
}

/** The reservation of a session: its whole TTL, every block of it. */
export function sessionReservation(mode: "burner" | "persistent", ttlSeconds: number): number {
  return startedBlocks(ttlSeconds) * agentBlockPrice(mode);
}

/**
 * What a session that ran from `startedAt` to `endedAt` costs: its started blocks in agent time
 * (`scale` shortens agent time in tests), never more than was reserved.
 */
export function sessionCharge(input: { mode: "burner" | "persistent"; startedAt: Date; endedAt: Date; scale: number; reserved: number }): number {
  const agentSeconds = Math.max(0, input.endedAt.getTime() - input.startedAt.getTime()) / 1000 / input.scale;
  return Math.min(input.reserved, startedBlocks(agentSeconds) * agentBlockPrice(input.mode));
}

/** A `ttl` string: a number and one unit, `^[0-9]+(s|m|h)$`; null when it is not one. */
export function parseTtl(ttl: string): number | null {
  const match = /^([0-9]{1,7})(s|m|h)$/.exec(ttl);
  if (!match) return null;
  const n = Number(match[1]);
  return match[2] === "h" ? n * 3_600 : match[2] === "m" ? n * 60 : n;
}
