import { z } from "zod";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./jobs.ts";

/** POST /v1/keys: a label so the owner can tell keys apart; the secret is minted by the server. */
export const createKeyBody = z.object({
  name: z.string().trim().min(1, "name must not be empty").max(100),
});
export type CreateKeyBody = z.infer<typeof createKeyBody>;

/** GET /v1/keys: newest first, paged like every other list. */
export const listKeysQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).max(512).optional(),
});
export type ListKeysQuery = z.infer<typeof listKeysQuery>;

/** 201 of POST /v1/keys: the only answer that ever carries the secret `key`. */
export const createdKeyView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  key: z.string(),
  created_at: z.iso.datetime(),
});
export type CreatedKeyView = z.infer<typeof createdKeyView>;

/** One item of GET /v1/keys; `_links.revoke` only while the key is active. */
export const keyView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  created_at: z.iso.datetime(),
  last_used_at: z.iso.datetime().nullable(),
  revoked_at: z.iso.datetime().nullable(),
  _links: z
    .object({ revoke: z.object({ method: z.literal("DELETE"), href: z.string() }) })
    .optional(),
});
export type KeyView = z.infer<typeof keyView>;

export const keyListView = z.object({
  items: z.array(keyView),
  next_cursor: z.string().nullable(),
});
