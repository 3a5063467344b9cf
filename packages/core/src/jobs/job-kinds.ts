import type { JobKind } from "../schemas/jobs.ts";

/** Kinds whose one page is the whole job: the job fails when the page fails, and its result is the page. */
export const SINGLE_PAGE_KINDS = ["scrape", "screenshot", "extract"] as const satisfies readonly JobKind[];
export type SinglePageKind = (typeof SINGLE_PAGE_KINDS)[number];

/** Kinds of many pages: a summary result, results paged, pages of the job sharing browser contexts. */
export const COLLECTION_KINDS = ["batch", "crawl"] as const satisfies readonly JobKind[];
export type CollectionKind = (typeof COLLECTION_KINDS)[number];

export function isSinglePageKind(kind: string): kind is SinglePageKind {
  return (SINGLE_PAGE_KINDS as readonly string[]).includes(kind);
}

export function isCollectionKind(kind: string): kind is CollectionKind {
  return (COLLECTION_KINDS as readonly string[]).includes(kind);
}
