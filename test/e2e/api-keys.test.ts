import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type TestResponse } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

interface KeyItem {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  _links?: { revoke: { method: string; href: string } };
}
interface KeyPage {
  items: KeyItem[];
  next_cursor: string | null;
}

// Two API processes on one database and Redis: a revocation must hold on both.
let stack: TestStack<ApiHandle>;
let second: ApiHandle;
let urls: [string, string];
const KEY_CAP = 5;

beforeAll(async () => {
  // A small key cap, above what the other tests here create per workspace (at most 4).
  stack = await startTestStack({ api: "in-process", workers: 0, env: { API_KEY_USAGE_FLUSH_MS: "200", MAX_API_KEYS_PER_WORKSPACE: String(KEY_CAP) } });
  second = await stack.startApi();
  urls = [stack.apiUrl, `http://127.0.0.1:${second.port}`];
});

afterAll(async () => {
  await stack?.stop();
});

function expectError(res: TestResponse, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ code, error: expect.any(String), request_id: expect.any(String) });
}

async function allKeys(client: ReturnType<typeof apiClient>, limit = 1): Promise<KeyItem[]> {
  const items: KeyItem[] = [];
  let cursor: string | null = null;
  do {
    const page: TestResponse<KeyPage> = await client.get<KeyPage>(`/v1/keys?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.next_cursor;
  } while (cursor);
  return items;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("POST /v1/keys", () => {
  it("creates a key that works at once and shows the secret only in this answer", async () => {
    const { apiKey } = await stack.newWorkspace("creator");
    const created = await apiClient(stack.apiUrl, apiKey).post("/v1/keys", { name: "  ci  " });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(["created_at", "id", "key", "name", "prefix"]);
    const key = created.body.key as string;
    expect(key).toMatch(/^agt_live_[0-9a-f]{32}$/);
    expect(created.body).toMatchObject({ name: "ci", prefix: key.slice(0, 14) });
    expect(new Date(created.body.created_at as string).toISOString()).toBe(created.body.created_at);

    const withNewKey = apiClient(urls[1], key);
    expect((await withNewKey.get("/v1/credits")).status).toBe(200);
    const listed = await allKeys(withNewKey, 50);
    expect(listed.map((k) => k.name)).toEqual(["ci", "default"]);
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(JSON.stringify(listed)).not.toContain("hash");
  });

  it("validates the body", async () => {
    const client = apiClient(stack.apiUrl, (await stack.newWorkspace("validator")).apiKey);
    for (const body of [{}, { name: "" }, { name: "   " }, { name: "x".repeat(101) }, { name: 7 }]) {
      const res = await client.post("/v1/keys", body);
      expectError(res, 400, "BAD_REQUEST");
      expect(res.body.details).toEqual([expect.objectContaining({ path: "name" })]);
    }
    expectError(await client.call("POST", "/v1/keys", { rawBody: "name=x", headers: { "content-type": "text/plain" } }), 415, "UNSUPPORTED_MEDIA_TYPE");
  });
});

describe("the cap of active keys per workspace", () => {
  it("refuses creates past MAX_API_KEYS_PER_WORKSPACE with 409 KEY_LIMIT_REACHED, also when they race on both processes", async () => {
    const { apiKey } = await stack.newWorkspace("capped");
    const clients = urls.map((url) => apiClient(url, apiKey));
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => clients[i % 2]!.post("/v1/keys", { name: `burst-${i}` })));
    // The workspace's "default" key counts: KEY_CAP - 1 more fit.
    expect(burst.filter((r) => r.status === 201)).toHaveLength(KEY_CAP - 1);
    for (const res of burst.filter((r) => r.status !== 201)) {
      expectError(res, 409, "KEY_LIMIT_REACHED");
      expect(res.body.error).toMatch(/revoke one .* before creating another/);
    }
    const active = (await allKeys(clients[0]!, 50)).filter((k) => k.revoked_at === null);
    expect(active).toHaveLength(KEY_CAP);

    // A revoked key frees its place.
    const spare = active.find((k) => k.name !== "default")!;
    expect((await clients[1]!.call("DELETE", `/v1/keys/${spare.id}`)).status).toBe(204);
    expect((await clients[0]!.post("/v1/keys", { name: "replacement" })).status).toBe(201);
    expectError(await clients[1]!.post("/v1/keys", { name: "one-too-many" }), 409, "KEY_LIMIT_REACHED");
  });
});

describe("GET /v1/keys", () => {
  it("pages newest first, with a revoke link only on active keys", async () => {
    const { apiKey } = await stack.newWorkspace("lister");
    const client = apiClient(stack.apiUrl, apiKey);
    const made: string[] = [];
    for (const name of ["one", "two", "three"]) {
      const created = await client.post("/v1/keys", { name });
      made.push(created.body.id as string);
    }
    expect((await client.call("DELETE", `/v1/keys/${made[1]}`)).status).toBe(204);

    const paged = await allKeys(client, 1);
    expect(paged.map((k) => k.name)).toEqual(["three", "two", "one", "default"]);
    // last_used_at moves while we list (this key is in use), so compare everything else.
    const withoutUse = (ks: KeyItem[]) => ks.map(({ last_used_at: _used, ...rest }) => rest);
    expect(withoutUse(await allKeys(client, 200))).toEqual(withoutUse(paged));
    for (const k of paged) {
      expect(Object.keys(k).sort()).toEqual(
        ["created_at", "id", "last_used_at", "name", "prefix", "revoked_at", ...(k.revoked_at ? [] : ["_links"])].sort(),
      );
    }
    const two = paged.find((k) => k.name === "two")!;
    expect(two.revoked_at).not.toBeNull();
    expect(two._links).toBeUndefined();
    const one = paged.find((k) => k.name === "one")!;
    expect(one._links).toEqual({ revoke: { method: "DELETE", href: `/v1/keys/${one.id}` } });

    expectError(await client.get("/v1/keys?limit=0"), 400, "BAD_REQUEST");
    expectError(await client.get("/v1/keys?limit=201"), 400, "BAD_REQUEST");
    expectError(await client.get("/v1/keys?cursor=forged"), 400, "BAD_REQUEST");
  });

  it("keeps each workspace's keys to itself", async () => {
    const a = apiClient(stack.apiUrl, (await stack.newWorkspace("a")).apiKey);
    const b = apiClient(stack.apiUrl, (await stack.newWorkspace("b")).apiKey);
    await a.post("/v1/keys", { name: "a-only" });
    expect((await allKeys(b, 50)).map((k) => k.name)).toEqual(["default"]);
  });

  it("records last_used_at from use on either process without a write per request", async () => {
    const { apiKey } = await stack.newWorkspace("usage");
    const client = apiClient(urls[0], apiKey);
    const idle = (await client.post("/v1/keys", { name: "idle" })).body.id as string;
    const used = await client.post("/v1/keys", { name: "used" });
    const before = new Date();
    expect((await apiClient(urls[1], used.body.key as string).get("/v1/credits")).status).toBe(200);

    const keys = await eventually(
      () => allKeys(client, 50),
      (ks) => ks.find((k) => k.id === used.body.id)?.last_used_at != null,
      "last_used_at of the used key",
    );
    const usedAt = new Date(keys.find((k) => k.id === used.body.id)!.last_used_at!);
    expect(usedAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);
    expect(keys.find((k) => k.id === idle)!.last_used_at).toBeNull();
  });

  it("writes the pending last_used_at when an API process shuts down", async () => {
    const { workspaceId, apiKey } = await stack.newWorkspace("shutdown");
    // This process would not write for ten minutes on its own; only its shutdown can.
    const lazy = await stack.startApi({ API_KEY_USAGE_FLUSH_MS: "600000" });
    expect((await apiClient(`http://127.0.0.1:${lazy.port}`, apiKey).get("/v1/credits")).status).toBe(200);
    const key = await stack.prisma.apiKey.findFirstOrThrow({ where: { workspaceId } });
    expect(key.lastUsedAt).toBeNull();
    await lazy.stop("SIGTERM");
    const after = await stack.prisma.apiKey.findFirstOrThrow({ where: { workspaceId } });
    expect(after.lastUsedAt).not.toBeNull();
  });
});

describe("DELETE /v1/keys/{id}", () => {
  it("revokes a key on both API processes by the time the 204 arrives", async () => {
    const { apiKey } = await stack.newWorkspace("revoker");
    const admin = apiClient(urls[0], apiKey);
    const victim = await admin.post("/v1/keys", { name: "leaked" });
    const leaked = urls.map((url) => apiClient(url, victim.body.key as string));
    for (const client of leaked) expect((await client.get("/v1/credits")).status).toBe(200);
    // The polled job reads (the job is read in the key lookup's statement) serve the workspace's job, never another's.
    const job = await admin.post("/v1/quick/scrape", { url: "http://127.0.0.1:9/revoked", async: true });
    expect(job.status, JSON.stringify(job.body)).toBe(202);
    const jobPaths = [`/v1/jobs/${job.body.id as string}`, `/v1/jobs/${job.body.id as string}/status`];
    for (const client of leaked) for (const path of jobPaths) expect((await client.get(path)).status).toBe(200);
    const stranger = apiClient(urls[1], (await stack.newWorkspace("stranger")).apiKey);
    for (const path of jobPaths) expectError(await stranger.get(path), 404, "NOT_FOUND");

    const revoked = await admin.call("DELETE", `/v1/keys/${victim.body.id as string}`);
    expect(revoked.status).toBe(204);
    expect(revoked.body).toBeNull();
    expect(revoked.headers.get("x-ratelimit-limit")).toBe("600");
    for (const client of leaked) {
      expectError(await client.get("/v1/credits"), 401, "INVALID_API_KEY");
      expectError(await client.post("/v1/keys", { name: "escape" }), 401, "INVALID_API_KEY");
      for (const path of jobPaths) expectError(await client.get(path), 401, "INVALID_API_KEY");
    }
    for (const path of jobPaths) expect((await admin.get(path)).status).toBe(200);
    expect((await admin.get("/v1/credits")).status).toBe(200);

    // Idempotent: a retried DELETE answers 204 again and keeps the first revoked_at.
    const first = (await allKeys(admin, 50)).find((k) => k.id === victim.body.id)!.revoked_at;
    expect(first).not.toBeNull();
    expect((await apiClient(urls[1], apiKey).call("DELETE", `/v1/keys/${victim.body.id as string}`)).status).toBe(204);
    expect((await allKeys(admin, 50)).find((k) => k.id === victim.body.id)!.revoked_at).toBe(first);
  });

  it("lets a key revoke itself, even the workspace's last one", async () => {
    const { apiKey } = await stack.newWorkspace("self");
    const client = apiClient(urls[1], apiKey);
    const [self] = await allKeys(client, 50);
    expect((await client.call("DELETE", `/v1/keys/${self!.id}`)).status).toBe(204);
    expectError(await client.get("/v1/keys"), 401, "INVALID_API_KEY");
    expectError(await apiClient(urls[0], apiKey).get("/v1/keys"), 401, "INVALID_API_KEY");
  });

  it("answers 400 for a malformed id and 404 for another workspace's or an unknown key", async () => {
    const a = await stack.newWorkspace("owner");
    const b = apiClient(stack.apiUrl, (await stack.newWorkspace("intruder")).apiKey);
    const [aKey] = await allKeys(apiClient(stack.apiUrl, a.apiKey), 50);
    expectError(await b.call("DELETE", "/v1/keys/not-a-uuid"), 400, "INVALID_ID");
    expectError(await b.call("DELETE", `/v1/keys/${aKey!.id}`), 404, "NOT_FOUND");
    expectError(await b.call("DELETE", "/v1/keys/0b7a3b8e-6c1f-4d2a-9e3b-2f4c5d6e7f80"), 404, "NOT_FOUND");
    expect((await apiClient(stack.apiUrl, a.apiKey).get("/v1/credits")).status).toBe(200);
  });
});
