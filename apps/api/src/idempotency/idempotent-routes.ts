// Job-creating POST routes (paths under /v1): each gets the submission limit and honours Idempotency-Key; a new one is one more line.
export const IDEMPOTENT_POST_PATHS = [
  "/quick/scrape",
  "/quick/screenshot",
  "/quick/extract",
  "/quick/batch",
  "/quick/crawl",
];
