import { loadConfig } from "@browserfleet/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalS3, type LocalS3 } from "../../../test/support/s3-server.ts";
import {
  completeItem,
  createBlobStores,
  createJob,
  createPrismaClient,
  createWorkspace,
  findItemResultSizes,
  jobBlobPrefix,
  loadItemResults,
  payloadBlobKey,
  prepareItemPayload,
  S3BlobStore,
  startItem,
  sweepExpiredResults,
  type BlobStores,
  type PageOutcome,
  type PrismaClient,
} from "../src/index.ts";
import { createTemporaryDatabase, type TemporaryDatabase } from "../src/testing/index.ts";

let database: TemporaryDatabase;
let prisma: PrismaClient;
let s3: LocalS3;
let stores: BlobStores;
let workspaceId: string;

beforeAll(async () => {
  [database, s3] = await Promise.all([createTemporaryDatabase(loadConfig().DATABASE_URL), startLocalS3()]);
  prisma = createPrismaClient(database.url, { poolMax: 4 });
  stores = createBlobStores(prisma, loadConfig({ ...s3.env, BLOB_STORE: "postgres" }));
  workspaceId = (await createWorkspace(prisma, { name: "blobs" })).workspace.id;
});

afterAll(async () => {
  stores?.close();
  await prisma?.$disconnect();
  await Promise.all([database?.drop(), s3?.close()]);
});

const s3Store = (): S3BlobStore => stores.byName("s3") as S3BlobStore;
const png = (n: number): Buffer => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(n, n % 251)]);

function page(url: string, content: Partial<Extract<PageOutcome, { ok: true }>>): PageOutcome {
  return { ok: true, finalUrl: url, httpStatus: 200, title: "t", durationMs: 5, truncated: [], ...content };
}

async function batch(urls: number): Promise<{ jobId: string; itemIds: string[] }> {
  const { job, items } = await createJob(prisma, {
    workspaceId,
    kind: "batch",
    params: { price: 1 },
    sync: false,
    urls: Array.from({ length: urls }, (_, i) => ({ url: `http://127.0.0.1:9/${i}` })),
    reserve: urls,
  });
  return { jobId: job.id, itemIds: items.map((i) => i.id) };
}

describe("the S3-compatible blob store (s3rver on 127.0.0.1)", () => {
  it("puts, gets and deletes by key, and deletes a job's blobs a listing page at a time, no other job's", async () => {
    const store = new S3BlobStore({ bucket: s3.bucket, region: "us-east-1", endpoint: s3.endpoint, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", forcePathStyle: true, listPageSize: 2 });
    try {
      const [a, b] = [await batch(5), await batch(1)];
      const keys = a.itemIds.map((item, i) => payloadBlobKey(a.jobId, item, `00000000-0000-4000-8000-00000000000${i}`));
      for (const [i, key] of keys.entries()) await store.put(key, Buffer.from(`blob ${i}`));
      const other = payloadBlobKey(b.jobId, b.itemIds[0]!, "00000000-0000-4000-8000-000000000009");
      await store.put(other, png(300_000));
      expect((await store.get(keys[3]!))?.toString()).toBe("blob 3");
      expect((await store.get(other))?.equals(png(300_000))).toBe(true);
      await store.delete(keys[0]!);
      expect(await store.get(keys[0]!)).toBeNull();

      expect(await store.deleteJob(a.jobId)).toBe(4);
      expect(await s3.storedKeys(jobBlobPrefix(a.jobId))).toEqual([]);
      expect(await s3.storedKeys(jobBlobPrefix(b.jobId))).toEqual([other]);
    } finally {
      store.close();
    }
  });
});

describe("payloads behind the blob stores", () => {
  it("a run that loses its item's guarded transaction never replaces the winner's payload, in either store", async () => {
    const { jobId, itemIds } = await batch(2);
    for (const [n, writer] of [s3Store(), stores.byName("postgres")!].entries()) {
      const itemId = itemIds[n]!;
      await startItem(prisma, itemId);
      const winner = page("http://127.0.0.1:9/w", { html: "<p>winner</p>", screenshotPng: png(1_000) });
      const loser = page("http://127.0.0.1:9/l", { html: "<p>loser</p>", links: ["http://127.0.0.1:9/x"] });
      // Both runs rendered the page and prepared their payloads; only one may count.
      const [won, lost] = [await prepareItemPayload(writer, { jobId, itemId }, winner), await prepareItemPayload(writer, { jobId, itemId }, loser)];
      expect(won?.key).not.toBe(lost?.key);
      expect((await completeItem(prisma, { itemId, outcome: winner, price: 1, payload: won })).applied).toBe(true);
      expect((await completeItem(prisma, { itemId, outcome: loser, price: 1, payload: lost })).applied).toBe(false);
      await lost?.discard?.();

      const [item] = await loadItemResults(prisma, stores, [itemId]);
      expect(item?.content?.html).toBe("<p>winner</p>");
      expect(Buffer.from(item!.content!.screenshot!).equals(png(1_000))).toBe(true);
      expect(item?.content?.links).toBeUndefined();
      const row = await prisma.jobItemPayload.findUniqueOrThrow({ where: { itemId } });
      expect(row).toMatchObject({ blobStore: writer.name, blobKey: won!.key, html: null });
    }
    expect(await s3.storedKeys(jobBlobPrefix(jobId))).toHaveLength(1);
    expect(await prisma.payloadBlob.count({ where: { jobId } })).toBe(1);
    // Sizes for paging come from SQL, before any payload is read: the screenshot counts as base64.
    const sizes = await findItemResultSizes(prisma, jobId, { limit: 10 });
    expect(sizes.map((s) => s.seq)).toEqual([0, 1]);
    for (const s of sizes) expect(s.bytes).toBeGreaterThan(1_300);
  });

  it("still reads a payload written inline before the blob store existed", async () => {
    const { itemIds } = await batch(1);
    await startItem(prisma, itemIds[0]!);
    await completeItem(prisma, { itemId: itemIds[0]!, outcome: page("http://127.0.0.1:9/0", {}), price: 1 });
    await prisma.jobItemPayload.create({ data: { itemId: itemIds[0]!, html: "<p>old</p>", links: ["http://127.0.0.1:9/o"], screenshot: new Uint8Array(png(30)) } });
    const [item] = await loadItemResults(prisma, stores, itemIds);
    expect(item?.content).toEqual({ html: "<p>old</p>", links: ["http://127.0.0.1:9/o"], screenshot: new Uint8Array(png(30)) });
  });
});

describe("result retention", () => {
  it("deletes the items, payload rows and blobs (both stores) of jobs finished past the retention, marks them, and leaves the rest", async () => {
    const finish = async (writer: "postgres" | "s3"): Promise<string> => {
      const { jobId, itemIds } = await batch(2);
      for (const itemId of itemIds) {
        await startItem(prisma, itemId);
        const outcome = page("http://127.0.0.1:9/p", { text: "kept a while", screenshotPng: png(500) });
        const payload = await prepareItemPayload(stores.byName(writer)!, { jobId, itemId }, outcome);
        await completeItem(prisma, { itemId, outcome, price: 1, payload });
      }
      return jobId;
    };
    const [oldPg, oldS3, recent] = [await finish("postgres"), await finish("s3"), await finish("s3")];
    const active = (await batch(1)).jobId;
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await prisma.job.updateMany({ where: { id: { in: [oldPg, oldS3] } }, data: { completedAt: twoDaysAgo } });
    await prisma.job.update({ where: { id: active }, data: { createdAt: twoDaysAgo } });

    expect(await sweepExpiredResults(prisma, { retentionDays: 1, stores, batchSize: 1 })).toEqual({ jobs: 2, items: 4, blobs: 4 });
    const jobs = await prisma.job.findMany({ where: { id: { in: [oldPg, oldS3, recent, active] } } });
    const swept = (id: string) => jobs.find((j) => j.id === id)?.resultsDeletedAt !== null;
    expect([oldPg, oldS3, recent, active].map(swept)).toEqual([true, true, false, false]);
    expect(await prisma.jobItem.count({ where: { jobId: { in: [oldPg, oldS3] } } })).toBe(0);
    expect(await prisma.payloadBlob.count({ where: { jobId: oldPg } })).toBe(0);
    expect(await s3.storedKeys(jobBlobPrefix(oldS3))).toEqual([]);
    expect(await s3.storedKeys(jobBlobPrefix(recent))).toHaveLength(2);
    expect(await prisma.jobItem.count({ where: { jobId: { in: [recent, active] } } })).toBe(3);
    // Swept jobs are not visited again.
    expect(await sweepExpiredResults(prisma, { retentionDays: 1, stores })).toEqual({ jobs: 0, items: 0, blobs: 0 });
  });
});
