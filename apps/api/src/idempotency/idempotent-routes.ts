import { API_ROUTE_DOCS, type RouteDoc } from "@browserfleet/core";

const V1 = "/v1";

/**
 * The Express paths (under /v1) of the routes whose docs say `idempotent`: each gets the submission
 * limit and honours Idempotency-Key, so documenting a new job-creating route as idempotent is enough.
 */
export function idempotentPostPaths(docs: readonly RouteDoc[]): string[] {
  return docs
    .filter((doc) => doc.idempotent === true)
    .map((doc) => {
      // The middleware is mounted as v1.post(path): a doc that asks for anything else is a mistake in the docs.
      if (doc.method !== "post" || !doc.path.startsWith(`${V1}/`)) throw new Error(`route ${doc.method} ${doc.path} is documented idempotent but is not a POST under ${V1}`);
      return doc.path.slice(V1.length).replace(/\{(\w+)\}/g, ":$1");
    });
}

/** Job-creating POST routes (paths under /v1), read from core's route docs. */
export const IDEMPOTENT_POST_PATHS = idempotentPostPaths(API_ROUTE_DOCS);
