import { Router } from "express";
import { ROUTING } from "../http/routing-options.ts";
import { ApiError, createKeyBody, encodeListCursor, listKeysQuery } from "@browserfleet/core";
import { createApiKey, listApiKeys, revokeApiKey } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { listCursorParam } from "../http/list-cursor-param.ts";
import { uuidParam, validate } from "../http/validate.ts";
import { keyView } from "./key-view.ts";

/** POST /v1/keys (the secret shown once), GET /v1/keys (revoked ones included), DELETE /v1/keys/{id}. */
export function keyRoutes(deps: Pick<ApiDeps, "prisma" | "config">): Router {
  const router = Router(ROUTING);

  router.post("/keys", async (req, res) => {
    const body = validate(createKeyBody, req.body);
    const created = await createApiKey(deps.prisma, { workspaceId: req.auth!.workspaceId, name: body.name, maxActiveKeys: deps.config.MAX_API_KEYS_PER_WORKSPACE });
    req.log.info({ key_id: created.id, prefix: created.prefix }, "api key created");
    res.status(201).json({ id: created.id, name: created.name, prefix: created.prefix, key: created.key, created_at: created.createdAt.toISOString() });
  });

  router.get("/keys", async (req, res) => {
    const query = validate(listKeysQuery, req.query, "query");
    const page = await listApiKeys(deps.prisma, { workspaceId: req.auth!.workspaceId, limit: query.limit, after: listCursorParam(query.cursor) });
    res.json({ items: page.keys.map(keyView), next_cursor: page.next ? encodeListCursor(page.next) : null });
  });

  // Revoking is idempotent (a retried DELETE answers 204 again) and allowed for the calling key and the
  // last active one too: a leaked key must always be killable; the operator CLI mints a new key if needed.
  router.delete("/keys/:id", async (req, res) => {
    const id = uuidParam(req.params.id as string | undefined, "key id");
    const outcome = await revokeApiKey(deps.prisma, { workspaceId: req.auth!.workspaceId, keyId: id });
    if (outcome === "not_found") throw new ApiError("NOT_FOUND", `key ${id} not found`);
    if (outcome === "revoked") req.log.info({ key_id: id, self: id === req.auth!.keyId }, "api key revoked");
    res.status(204).end();
  });

  return router;
}
