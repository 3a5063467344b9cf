export * from "./egress-proxy.ts";
export type { EgressPolicy } from "./decide-target.ts";
export type { EgressBytes } from "./client-byte-meter.ts";
export type { TunnelFailure } from "./tunnel-failure-log.ts";
export { EGRESS_ERROR_HEADER, REFUSED_HEADER } from "./proxy-answers.ts";
export * from "./fetch-through-egress.ts";
