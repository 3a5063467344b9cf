/**
 * How every router of the API matches paths: one spelling per route (letter case and a trailing
 * slash count), so a rule registered on a router for a path (submission limit, idempotency)
 * applies to exactly the requests that path's handler serves, and no variant slips past it.
 */
export const ROUTING = { caseSensitive: true, strict: true } as const;
