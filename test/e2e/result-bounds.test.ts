import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureSite, type FixtureSite } from "../support/fixture-site.ts";
import { apiClient } from "../support/http-client.ts";
import { waitForJob, waitUntil, type ResultItem } from "../support/job-polling.ts";
import { startLocalS3, type LocalS3 } from "../support/s3-server.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// Small bounds so pages of a few KB cross them (api.md § Jobs); retention stays 30 days: tests age a job by SQL.
const PAGE_MAX = 64 * 1024;
const BOUNDS = { HTML_MAX_BYTES: "4096", SCREENSHOT_MAX_HEIGHT: "1200", RESULTS_PAGE_MAX_BYTES: String(PAGE_MAX), RESULT_SWEEP_INTERVAL_MS: "300" };

let stack: TestStack;
let site: FixtureSite;
let s3: LocalS3;
let client: ReturnType<typeof apiClient>;
let apiKey: string;

beforeAll(async () => {
  [site, s3] = await Promise.all([startFixtureSite(), startLocalS3()]);
  // The API can read (and sweep) both stores; the first worker writes to Postgres, the default.
  stack = await startTestStack({ env: { ...s3.env, BLOB_STORE: "postgres", ...BOUNDS } });
  const ws = await stack.newWorkspace("bounds");
  apiKey = ws.apiKey;
  await stack.prisma.workspace.update({ where: { id: ws.workspaceId }, data: { creditBalance: 10_000, maxConcurrency: 8, submissionsPerSecond: 1_000, requestsPerMinute: 100_000 } });
  client = apiClient(stack.apiUrl, apiKey);
});

afterAll(async () => {
  await stack?.stop();
  await Promise.all([site?.close(), s3?.close()]);
});

interface RawPage {
  bytes: number;
  items: ResultItem[];
  next: string | null;
}

/** Every results page of a job with its exact size on the wire. */
async function pagesOf(jobId: string, limit = 200): Promise<RawPage[]> {
  const pages: RawPage[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${stack.apiUrl}/v1/jobs/${jobId}/results?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, { headers: { "x-api-key": apiKey } });
    const body = Buffer.from(await res.arrayBuffer());
    expect(res.status, body.subarray(0, 300).toString()).toBe(200);
    const parsed = JSON.parse(body.toString("utf8")) as { items: ResultItem[]; next_cursor: string | null };
    pages.push({ bytes: body.length, items: parsed.items, next: parsed.next_cursor });
    cursor = parsed.next_cursor;
  } while (cursor !== null);
  return pages;
}

/** Each page fits the bound (or is one item), and none could have taken its next page's first item. */
function expectBoundedByBytes(pages: RawPage[]): void {
  for (const [i, page] of pages.entries()) {
    expect(page.items.length).toBeGreaterThanOrEqual(1);
    if (page.items.length > 1) expect(page.bytes).toBeLessThanOrEqual(PAGE_MAX);
    const next = pages[i + 1]?.items[0];
    if (next !== undefined) expect(page.bytes + Buffer.byteLength(JSON.stringify(next)) + 1).toBeGreaterThan(PAGE_MAX);
  }
}

const pngHeight = (b64: unknown): number => Buffer.from(String(b64), "base64").readUInt32BE(20);

async function submitBatch(body: Record<string, unknown>): Promise<string> {
  const res = await client.post("/v1/quick/batch", body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const done = await waitForJob(client, res.body.job_id as string);
  expect(done).toMatchObject({ status: "completed", progress_failed: 0 });
  return done.id;
}

/** Makes a finished job look older than the retention (30 days), as the sweep and the readers see it. */
const age = (jobId: string) => stack.prisma.job.update({ where: { id: jobId }, data: { completedAt: new Date(Date.now() - 31 * 86_400_000) } });

describe("every format is bounded, and an item says which were cut", () => {
  it("html at HTML_MAX_BYTES (UTF-8, whole characters), text at max_chars, links at 5,000; viewport screenshots unless full_page", async () => {
    const huge = await client.post("/v1/quick/scrape", { url: `${site.origin}/huge?bytes=20000`, formats: ["html", "text", "screenshot"], max_chars: 100 });
    expect(huge.status, JSON.stringify(huge.body).slice(0, 300)).toBe(200);
    expect(Buffer.byteLength(huge.body.html as string)).toBeLessThanOrEqual(4096);
    expect(/\p{Cs}/u.test(huge.body.html as string)).toBe(false);
    expect((huge.body.text as string).length).toBeLessThanOrEqual(100);
    expect(pngHeight(huge.body.screenshot_png_b64)).toBe(720);
    expect(huge.body.truncated).toEqual(["html", "text"]);

    const links = await client.post("/v1/quick/scrape", { url: `${site.origin}/links?n=6000`, formats: ["links"] });
    expect(links.body.links).toHaveLength(5_000);
    expect(links.body.truncated).toEqual(["links"]);
    const simple = await client.post("/v1/quick/scrape", { url: `${site.origin}/simple`, formats: ["links"] });
    expect(simple.body.truncated).toEqual([]);
    const extract = await client.post("/v1/quick/extract", { url: `${site.origin}/simple`, prompt: "the h1", max_chars: 5 });
    expect(extract.body).toMatchObject({ text: "Hello", truncated: ["text"] });

    // An async single-page job: `truncated` in its result and in the job.completed event written with it.
    const accepted = await client.post("/v1/quick/screenshot", { url: `${site.origin}/tall?px=2500`, async: true });
    const job = await waitForJob(client, accepted.body.id as string);
    const result = job.result as Record<string, unknown>;
    expect(pngHeight(result.screenshot_png_b64)).toBe(1200);
    expect(result.truncated).toEqual(["screenshot"]);
    const [event] = await stack.prisma.outboxEvent.findMany({ where: { type: "job.completed", data: { path: ["job_id"], equals: job.id } } });
    expect((event?.data as { result: { truncated: string[] } }).result.truncated).toEqual(["screenshot"]);
  });
});

describe("results pages are bounded by bytes", () => {
  it("stops a page before the item that would take it past RESULTS_PAGE_MAX_BYTES, always with at least one item", async () => {
    const text = (chars: number) => `${site.origin}/text?chars=${chars}`;
    // 20,000-character items fit three to a 64 KiB page; the 100,000-character one is a page of its own.
    const urls = [...Array.from({ length: 7 }, () => text(20_000)), text(100_000), ...Array.from({ length: 4 }, () => text(20_000))];
    const jobId = await submitBatch({ urls, formats: ["text"], max_chars: 200_000 });
    const pages = await pagesOf(jobId);
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1, 1, 3, 1]);
    expectBoundedByBytes(pages);
    expect(pages.flatMap((p) => p.items.map((i) => (i.text as string).length))).toEqual(urls.map((u) => Number(new URL(u).searchParams.get("chars"))));
    // `limit` still bounds the count.
    expect((await pagesOf(jobId, 2)).map((p) => p.items.length)).toEqual([2, 2, 2, 1, 1, 2, 2]);
  });

  it("pages through a 30-URL full-page screenshot batch of a tall page, each shot clipped at SCREENSHOT_MAX_HEIGHT", async () => {
    const urls = Array.from({ length: 30 }, (_, i) => `${site.origin}/tall?px=2500&i=${i}`);
    const jobId = await submitBatch({ urls, formats: ["screenshot"], full_page: true });
    const pages = await pagesOf(jobId);
    expectBoundedByBytes(pages);
    const items = pages.flatMap((p) => p.items);
    expect(items.map((i) => i.url)).toEqual(urls);
    for (const item of items) {
      expect(pngHeight(item.screenshot_png_b64)).toBe(1200);
      expect(item.truncated).toEqual(["screenshot"]);
    }
    expect(pages.length).toBeGreaterThan(1);
  });
});

describe("retention", () => {
  it("answers 410 GONE for the results of a job past RESULT_RETENTION_DAYS, and the sweep deletes its items and payloads", async () => {
    const jobId = await submitBatch({ urls: [`${site.origin}/simple`, `${site.origin}/page/1`], formats: ["html", "screenshot"] });
    expect((await client.get(`/v1/jobs/${jobId}/results`)).status).toBe(200);
    await age(jobId);
    const gone = await client.get(`/v1/jobs/${jobId}/results`);
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ code: "GONE", request_id: gone.headers.get("x-request-id") });
    await waitUntil(async () => (await stack.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).resultsDeletedAt !== null, 30_000, "the retention sweep");
    expect(await stack.prisma.jobItem.count({ where: { jobId } })).toBe(0);
    expect(await stack.prisma.payloadBlob.count({ where: { jobId } })).toBe(0);
    // The job stays, without its result.
    const envelope = await client.get(`/v1/jobs/${jobId}`);
    expect(envelope.body).toMatchObject({ id: jobId, status: "completed", progress_done: 2, result: null });
    expect((await client.get(`/v1/jobs/${jobId}/results`)).status).toBe(410);
  });
});

describe("an idempotent sync answer is not stored twice", () => {
  it("keeps a reference to the job, replays the same bytes, and answers 410 once the job's results are gone", async () => {
    const key = randomUUID();
    const body = JSON.stringify({ url: `${site.origin}/page/4`, formats: ["html", "screenshot"], full_page: true });
    const post = () => fetch(`${stack.apiUrl}/v1/quick/scrape`, { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json", "idempotency-key": key }, body });
    const first = await post();
    const firstBytes = Buffer.from(await first.arrayBuffer());
    expect(first.status).toBe(200);
    const jobId = (JSON.parse(firstBytes.toString("utf8")) as { job_id: string }).job_id;
    const row = await stack.prisma.idempotencyKey.findFirstOrThrow({ where: { key } });
    expect(row).toMatchObject({ state: "completed", responseStatus: 200, responseBody: null, responseJobId: jobId });

    const replay = await post();
    expect(replay.headers.get("idempotent-replay")).toBe("true");
    expect(replay.headers.get("content-type")).toBe(first.headers.get("content-type"));
    expect(Buffer.from(await replay.arrayBuffer()).equals(firstBytes)).toBe(true);
    expect(await stack.prisma.job.count({ where: { workspaceId: row.workspaceId, kind: "scrape", params: { path: ["url"], equals: `${site.origin}/page/4` } } })).toBe(1);

    await age(jobId);
    const gone = await post();
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { code: string }).code).toBe("GONE");
  });
});

describe("payloads in an S3-compatible store", () => {
  it("a batch's results and a single-page job's result come back through the S3 store, and the sweep deletes the blobs", async () => {
    // Swap the worker for one that writes to s3rver; the API reads both stores.
    await stack.workers[0]!.stop("SIGTERM");
    await stack.startWorker({ BLOB_STORE: "s3" });
    const urls = [1, 2, 3, 4].map((n) => `${site.origin}/page/${n}`);
    const jobId = await submitBatch({ urls, formats: ["html", "links", "screenshot"] });
    const items = (await pagesOf(jobId)).flatMap((p) => p.items);
    expect(items.map((i) => i.title)).toEqual(["Fixture page 1", "Fixture page 2", "Fixture page 3", "Fixture page 4"]);
    for (const item of items) {
      expect(item.html).toContain("<h1>Fixture page");
      expect(item.links).toHaveLength(30);
      expect(pngHeight(item.screenshot_png_b64)).toBe(720);
    }
    const rows = await stack.prisma.jobItemPayload.findMany({ where: { item: { jobId } } });
    expect(rows.map((r) => r.blobStore)).toEqual(["s3", "s3", "s3", "s3"]);
    expect(await s3.storedKeys(`jobs/${jobId}/`)).toEqual(rows.map((r) => r.blobKey).sort());

    const single = await client.post("/v1/quick/scrape", { url: `${site.origin}/page/9`, formats: ["text"], async: true });
    const done = await waitForJob(client, single.body.id as string);
    expect((done.result as { text: string }).text).toContain("Paragraph 0 of fixture page 9");

    await age(jobId);
    await waitUntil(async () => (await s3.storedKeys(`jobs/${jobId}/`)).length === 0, 30_000, "the sweep to delete the job's S3 blobs");
    expect((await client.get(`/v1/jobs/${jobId}/results`)).status).toBe(410);
  });
});
