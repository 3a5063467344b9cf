import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { API_ROUTE_DOCS, type RouteDoc } from "@browserfleet/core";
import { IDEMPOTENT_POST_PATHS, idempotentPostPaths } from "../src/idempotency/idempotent-routes.ts";

const contract = readFileSync(fileURLToPath(new URL("../../../docs/api.md", import.meta.url)), "utf8");

/** The `POST /v1/...` routes the contract's Idempotency bullet names, as matchers (`*` is one path segment). */
function contractIdempotentRoutes(): RegExp[] {
  const bullet = /^- \*\*Idempotency\*\*:([\s\S]*?)(?=^- \*\*|^#)/m.exec(contract)?.[1];
  if (bullet === undefined) throw new Error("docs/api.md has no Idempotency bullet");
  const paths = [...bullet.matchAll(/`POST (\/v1\/[^`\s]+)`/g)].map((m) => m[1]!);
  return paths.map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]+")}$`));
}

describe("idempotent routes", () => {
  it("are exactly the documented POST routes the contract (docs/api.md § Idempotency) names", () => {
    const named = contractIdempotentRoutes();
    expect(named.length).toBeGreaterThan(0);
    const expected = API_ROUTE_DOCS.filter((doc) => doc.method === "post" && named.some((re) => re.test(doc.path))).map((doc) => doc.path.slice("/v1".length));
    expect(expected.length).toBeGreaterThan(0);
    expect([...IDEMPOTENT_POST_PATHS].sort()).toEqual(expected.sort());
  });

  it("follow the route docs: a new route documented idempotent is included, as an Express path", () => {
    const extra: RouteDoc = { method: "post", path: "/v1/agents/{id}/runs", operationId: "x", summary: "x", tag: "x", auth: true, idempotent: true, responses: {}, errors: [] };
    expect(idempotentPostPaths([...API_ROUTE_DOCS, extra])).toEqual([...IDEMPOTENT_POST_PATHS, "/agents/:id/runs"]);
  });

  it("refuse a doc that marks a non-POST or non-/v1 route idempotent", () => {
    const get: RouteDoc = { method: "get", path: "/v1/jobs", operationId: "x", summary: "x", tag: "x", auth: true, idempotent: true, responses: {}, errors: [] };
    expect(() => idempotentPostPaths([get])).toThrow(/not a POST under \/v1/);
  });
});
