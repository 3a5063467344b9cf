// POST routes that honour Idempotency-Key (paths under /v1); a new job-creating route is one more line.
export const IDEMPOTENT_POST_PATHS = [
  "/quick/scrape",
  "/quick/screenshot",
  "/quick/extract",
  "/quick/batch",
  "/quick/crawl",
];
