import { createdKeyView, createKeyBody, keyListView, listKeysQuery } from "../schemas/keys.ts";
import type { RouteDoc } from "./route-doc.ts";

/** /v1/keys: mint, list and revoke the workspace's API keys. */
export const keyRouteDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/v1/keys",
    operationId: "createKey",
    summary: "Create an API key; the answer is the only time `key` is shown",
    tag: "keys",
    auth: true,
    body: createKeyBody,
    responses: { 201: { description: "the new key, with its secret", schema: createdKeyView } },
    errors: ["KEY_LIMIT_REACHED"],
  },
  {
    method: "get",
    path: "/v1/keys",
    operationId: "listKeys",
    summary: "List the workspace's keys (never their secrets), newest first",
    tag: "keys",
    auth: true,
    query: listKeysQuery,
    responses: { 200: { description: "one page of keys", schema: keyListView } },
    errors: [],
  },
  {
    method: "delete",
    path: "/v1/keys/{id}",
    operationId: "revokeKey",
    summary: "Revoke a key: it is refused everywhere from then on",
    tag: "keys",
    auth: true,
    pathParams: { id: "key id (UUID)" },
    responses: { 204: { description: "revoked" } },
    errors: [],
  },
];
