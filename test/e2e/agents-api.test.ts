import type { IncomingHttpHeaders } from "node:http";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { WebSocket } from "ws";
import { startAgentSite, type AgentSite } from "../support/agent-site.ts";
import { apiClient, type TestResponse } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

type Agent = {
  id: string;
  status: string;
  mode: string;
  cdp_url: string | null;
  cdp_http: string | null;
  live_url: string | null;
  session_id: string;
  metadata: Record<string, unknown>;
  cost_credits: number;
  expires_at: string | null;
  ended_reason: string | null;
};
type RunningAgent = Agent & { cdp_url: string; cdp_http: string; live_url: string };
type ErrorBody = { error: string; code: string; request_id: string; details?: { path: string; message: string }[] };
type Client = ReturnType<typeof apiClient>;
type LedgerEntry = { id: string; delta: number; balance_after: number; reason: string; job_id: string | null; agent_id?: string | null };

let stack: TestStack<ApiHandle>;
let site: AgentSite;

beforeAll(async () => {
  site = await startAgentSite();
  // "fixture" visits the site; "private" is an operator's recipe that points inside: refused at create like an initial_url.
  const recipes = { fixture: [`${site.origin}/warm`, `${site.origin}/page/7`], private: ["http://10.0.0.1/"] };
  stack = await startTestStack({ api: "in-process", workers: 1, env: { WORKER_AGENT_SLOTS: "3", AGENT_WARM_POOL: "1", AGENT_WARMUP_RECIPES: JSON.stringify(recipes) } });
});

afterAll(async () => {
  await Promise.all([stack?.stop(), site?.close()]);
});

const workspace = async (name: string): Promise<{ workspaceId: string; client: Client }> => {
  const ws = await stack.newWorkspace(name);
  return { workspaceId: ws.workspaceId, client: apiClient(stack.apiUrl, ws.apiKey) };
};

const createAgent = async (client: Client, body: Record<string, unknown> = {}): Promise<RunningAgent> => {
  const res = await client.post<RunningAgent>("/v1/agents", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

const deleteAgent = async (client: Client, id: string): Promise<void> => {
  expect((await client.call("DELETE", `/v1/agents/${id}`)).status).toBe(204);
};

const tokenOf = (url: string): string => new URL(url).searchParams.get("token") ?? "";

/** The error envelope of the contract; X-Request-Id is the body's request_id. */
const expectEnvelope = (res: { status: number; body: unknown; requestId: string | null }, status: number, code: string): ErrorBody => {
  const body = res.body as ErrorBody;
  expect({ status: res.status, code: body?.code }, JSON.stringify(body)).toEqual({ status, code });
  expect(typeof body.error).toBe("string");
  expect(body.request_id).toMatch(/\S/);
  expect(res.requestId).toBe(body.request_id);
  return body;
};
const envelopeOf = (res: TestResponse<unknown>) => ({ status: res.status, body: res.body, requestId: res.headers.get("x-request-id") });

/** A discovery URL under cdp_http (`/json/version`, `/json/list`), keeping its token. */
const discoveryUrl = (cdpHttp: string, path: string, token?: string): string => {
  const url = new URL(cdpHttp);
  url.pathname += path;
  if (token !== undefined) url.searchParams.set("token", token);
  return url.toString();
};

/** The gateway's socket URL for an agent id and token (both possibly wrong on purpose). */
const gatewaySocketUrl = (agentId: string, token: string | null, suffix = ""): string => {
  const url = new URL(`${stack.apiUrl.replace(/^http/, "ws")}/v1/cdp/${agentId}${suffix}`);
  if (token !== null) url.searchParams.set("token", token);
  return url.toString();
};

/** A websocket upgrade the gateway must refuse: its HTTP status (never a 101) and JSON error body. */
function refusedUpgrade(url: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on("unexpected-response", (req, res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        req.destroy();
        try {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as unknown });
        } catch {
          reject(new Error(`refused upgrade to ${url} answered ${res.statusCode} with a body that is not JSON: ${text}`));
        }
      });
    });
    socket.on("open", () => {
      socket.close();
      reject(new Error(`the upgrade to ${url} was accepted`));
    });
    socket.on("error", (err) => reject(err));
  });
}

const expectRefusedUpgrade = async (url: string, status: number, code: string): Promise<void> => {
  const refusal = await refusedUpgrade(url);
  const requestId = refusal.headers["x-request-id"];
  expectEnvelope({ status: refusal.status, body: refusal.body, requestId: typeof requestId === "string" ? requestId : null }, status, code);
};

const expectRefusedDiscovery = async (url: string, status: number, code: string): Promise<void> => {
  const res = await fetch(url);
  const text = await res.text();
  expectEnvelope({ status: res.status, body: JSON.parse(text) as unknown, requestId: res.headers.get("x-request-id") }, status, code);
};

const onlyPage = (browser: Browser): Page => {
  expect(browser.contexts()).toHaveLength(1);
  const pages = browser.contexts()[0]!.pages();
  expect(pages.map((p) => p.url())).toHaveLength(1);
  return pages[0]!;
};

const pageTargetUrls = async (cdpHttp: string): Promise<string[]> => {
  const res = await fetch(discoveryUrl(cdpHttp, "/json/list"));
  expect(res.status).toBe(200);
  const targets = (await res.json()) as { type: string; url: string }[];
  return targets.filter((t) => t.type === "page").map((t) => t.url);
};

const ledgerOf = async (client: Client): Promise<LedgerEntry[]> => {
  const res = await client.get<{ items: LedgerEntry[]; next_cursor: string | null }>("/v1/credits/ledger?limit=200");
  expect(res.status).toBe(200);
  expect(res.body.next_cursor).toBeNull();
  return res.body.items;
};

const balanceOf = async (client: Client): Promise<number> => (await client.get<{ balance: number }>("/v1/credits")).body.balance;

const WELL_FORMED_UNKNOWN_ID = "agt_0123456789abcdef0123";
const MALFORMED_IDS = ["agt_123", `agt_${"A".repeat(20)}`, `agt_${"g".repeat(20)}`, `agt_${"a".repeat(21)}`, "252e8eac-ea4f-415c-bd8f-242e33c78422", "ses_0123456789abcdef0123"];

describe("POST /v1/agents refuses bad input, creating and charging nothing", () => {
  it("every field out of range or of the wrong type → 400 naming it; a private initial_url → 422", async () => {
    const { workspaceId, client } = await workspace("bad-input");
    // Dozens of POSTs back to back: the 30 submissions/s per key would answer some of them 429 instead.
    await stack.prisma.workspace.update({ where: { id: workspaceId }, data: { submissionsPerSecond: 100_000 } });
    const nineKb = { blob: "x".repeat(9 * 1024) };
    // [body, the field `details` must name]
    const cases: [unknown, string][] = [
      [{ mode: "ephemeral" }, "mode"],
      [{ mode: 1 }, "mode"],
      [{ ttl: "2h" }, "ttl"],
      [{ ttl: "59s" }, "ttl"],
      [{ ttl: "0m" }, "ttl"],
      [{ ttl: "5 m" }, "ttl"],
      [{ ttl: "5min" }, "ttl"],
      [{ ttl: "300" }, "ttl"],
      [{ ttl: "" }, "ttl"],
      [{ ttl: "99999999s" }, "ttl"],
      [{ ttl: 300 }, "ttl"],
      [{ ttl_seconds: 59 }, "ttl_seconds"],
      [{ ttl_seconds: 3601 }, "ttl_seconds"],
      [{ ttl_seconds: 300.5 }, "ttl_seconds"],
      [{ ttl_seconds: "300" }, "ttl_seconds"],
      [{ ttl: "5m", ttl_seconds: 300 }, "ttl_seconds"],
      [{ initial_url: "not a url" }, "initial_url"],
      [{ initial_url: "ftp://127.0.0.1/x" }, "initial_url"],
      [{ initial_url: "javascript:alert(1)" }, "initial_url"],
      [{ initial_url: "file:///etc/passwd" }, "initial_url"],
      [{ initial_url: `${site.origin}/${"a".repeat(9000)}` }, "initial_url"],
      [{ initial_url: 5 }, "initial_url"],
      [{ idle_timeout_seconds: 9 }, "idle_timeout_seconds"],
      [{ idle_timeout_seconds: 3601 }, "idle_timeout_seconds"],
      [{ idle_timeout_seconds: "300" }, "idle_timeout_seconds"],
      [{ idle_timeout_seconds: 30.5 }, "idle_timeout_seconds"],
      [{ startup_timeout_seconds: 0 }, "startup_timeout_seconds"],
      [{ startup_timeout_seconds: 61 }, "startup_timeout_seconds"],
      [{ startup_timeout_seconds: "15" }, "startup_timeout_seconds"],
      [{ os_type: "OS_TYPE_BEOS" }, "os_type"],
      [{ os_type: "macos" }, "os_type"],
      [{ os_type: 1 }, "os_type"],
      [{ country: "zz" }, "country"],
      [{ country: "usa" }, "country"],
      [{ country: 1 }, "country"],
      [{ persona: 5 }, "persona"],
      [{ persona: "   " }, "persona"],
      [{ persona: "p".repeat(101) }, "persona"],
      [{ warmup_recipe: "Not A Recipe!" }, "warmup_recipe"],
      [{ warmup_recipe: 7 }, "warmup_recipe"],
      [{ metadata: "tags" }, "metadata"],
      [{ metadata: [1, 2] }, "metadata"],
      [{ metadata: null }, "metadata"],
      [{ metadata: { "_bf.owner": "me" } }, "metadata"],
      [{ metadata: nineKb }, "metadata"],
      [{ colour: "red" }, "colour"],
      [[], "(root)"],
      [[{ ttl: "5m" }], "(root)"],
    ];
    for (const [body, field] of cases) {
      const res = await client.post<ErrorBody>("/v1/agents", body);
      const label = JSON.stringify(body).slice(0, 80);
      expect({ label, status: res.status, code: res.body.code }).toEqual({ label, status: 400, code: "BAD_REQUEST" });
      const details = res.body.details ?? [];
      // A field's own failure is at its path; an unknown key is named in the message of the root's detail.
      const named = details.some((d) => d.path === field || (d.path === "(root)" && (field === "(root)" || d.message.includes(`"${field}"`))));
      expect({ label, named, details }).toMatchObject({ label, named: true });
      expectEnvelope(envelopeOf(res), 400, "BAD_REQUEST");
    }

    // A number too long to be a TTL is said to be out of range, in the client's own words.
    const huge = await client.post<ErrorBody>("/v1/agents", { ttl: "99999999s" });
    expect(huge.body.details).toEqual([{ path: "ttl", message: "ttl must be from 60 s to 3600 s, got 99999999s" }]);

    // Several bad fields at once: details lists every one of them.
    const several = await client.post<ErrorBody>("/v1/agents", { mode: "x", ttl_seconds: 5, country: "zz", metadata: { "_bf.k": 1 } });
    expect(several.status).toBe(400);
    expect(new Set(several.body.details?.map((d) => d.path))).toEqual(new Set(["mode", "ttl_seconds", "country", "metadata"]));

    // Bodies that are not a JSON object at all.
    for (const raw of ['"just a string"', "42", "null", "{not json"]) {
      const res = await client.call<ErrorBody>("POST", "/v1/agents", { rawBody: raw, headers: { "content-type": "application/json" } });
      expect({ raw, status: res.status, code: res.body.code }).toEqual({ raw, status: 400, code: "BAD_REQUEST" });
    }
    const notJson = await client.call<ErrorBody>("POST", "/v1/agents", { rawBody: "mode=burner", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(notJson.status).toBe(415);

    // Well-formed, but the server has no such thing: still refused before anything is written.
    for (const body of [{ warmup_recipe: "no-such-recipe" }, { mode: "burner", warmup_recipe: "nope" }]) {
      const res = await client.post<ErrorBody>("/v1/agents", body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.details?.length).toBeGreaterThan(0);
    }

    const privateRecipe = await client.post<ErrorBody>("/v1/agents", { warmup_recipe: "private", ttl_seconds: 60 });
    expect({ status: privateRecipe.status, code: privateRecipe.body.code, path: privateRecipe.body.details?.[0]?.path }).toEqual({ status: 422, code: "URL_NOT_ALLOWED", path: "warmup_recipe.0" });

    for (const url of ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:10.0.0.1]/"]) {
      const res = await client.post<ErrorBody>("/v1/agents", { initial_url: url });
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 422, code: "URL_NOT_ALLOWED" });
    }

    expect(await stack.prisma.agent.count({ where: { workspaceId } })).toBe(0);
    expect(await stack.prisma.agentSession.count({ where: { agent: { workspaceId } } })).toBe(0);
    const ledger = await stack.prisma.creditLedgerEntry.findMany({ where: { workspaceId } });
    expect(ledger.map((e) => [e.reason, e.delta])).toEqual([["signup_grant", 100]]);
    expect(await balanceOf(client)).toBe(100);
    expect((await client.get<{ items: unknown[] }>("/v1/agents")).body.items).toEqual([]);
  });

  it("list queries out of range and malformed agent ids are refused on every route", async () => {
    const { client } = await workspace("bad-queries");
    const queries: [string, string][] = [
      ["limit=0", "limit"],
      ["limit=201", "limit"],
      ["limit=1.5", "limit"],
      ["limit=ten", "limit"],
      ["status=sleeping", "status"],
      ["status=RUNNING", "status"],
      ["mode=ephemeral", "mode"],
      [`cursor=${Buffer.from('{"t":"2020-01-01","id":"x"}').toString("base64url")}`, "cursor"],
      ["cursor=not-a-cursor", "cursor"],
    ];
    for (const [query, field] of queries) {
      const res = await client.get<ErrorBody>(`/v1/agents?${query}`);
      expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code: "BAD_REQUEST" });
      expect({ query, paths: res.body.details?.map((d) => d.path) }).toEqual({ query, paths: [field] });
    }

    for (const id of MALFORMED_IDS) {
      for (const [method, path] of [
        ["GET", `/v1/agents/${id}`],
        ["DELETE", `/v1/agents/${id}`],
        ["GET", `/v1/agents/${id}/cdp`],
      ] as const) {
        const res = await client.call<ErrorBody>(method, path);
        expect({ method, path, status: res.status, code: res.body.code }).toEqual({ method, path, status: 400, code: "INVALID_ID" });
      }
      await expectRefusedDiscovery(`${stack.apiUrl}/v1/cdp/${id}/json/version?token=${"a".repeat(43)}`, 400, "INVALID_ID");
      await expectRefusedUpgrade(gatewaySocketUrl(id, "a".repeat(43)), 400, "INVALID_ID");
    }
    // Well-formed but unknown: 404 everywhere, the gateway included.
    for (const [method, path] of [
      ["GET", `/v1/agents/${WELL_FORMED_UNKNOWN_ID}`],
      ["DELETE", `/v1/agents/${WELL_FORMED_UNKNOWN_ID}`],
      ["GET", `/v1/agents/${WELL_FORMED_UNKNOWN_ID}/cdp`],
    ] as const) {
      expectEnvelope(envelopeOf(await client.call(method, path)), 404, "NOT_FOUND");
    }
    await expectRefusedUpgrade(gatewaySocketUrl(WELL_FORMED_UNKNOWN_ID, randomBytes(32).toString("base64url")), 404, "NOT_FOUND");
    await expectRefusedDiscovery(`${stack.apiUrl}/v1/cdp/${WELL_FORMED_UNKNOWN_ID}/json/version?token=${randomBytes(32).toString("base64url")}`, 404, "NOT_FOUND");
  });
});

describe("warmup recipes", () => {
  it("visits the recipe's pages before the 201, then hands over one page at initial_url with their cookies and history", async () => {
    const client = apiClient(stack.apiUrl, (await stack.newWorkspace("warmup")).apiKey);
    const before = { warm: site.hits("/warm"), seven: site.hits("/page/7") };
    const created = await client.post<RunningAgent>("/v1/agents", { warmup_recipe: "fixture", ttl_seconds: 120, initial_url: `${site.origin}/form` });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // A recipe with a TTL stays a burner (mode follows the contract's rule).
    expect(created.body.mode).toBe("burner");
    expect({ warm: site.hits("/warm") - before.warm, seven: site.hits("/page/7") - before.seven }).toEqual({ warm: 1, seven: 1 });
    const browser = await chromium.connectOverCDP(created.body.cdp_url);
    try {
      const pages = browser.contexts()[0]!.pages();
      expect(pages).toHaveLength(1);
      const page = pages[0]!;
      expect(page.url()).toBe(`${site.origin}/form`);
      expect(await page.evaluate(() => ({ cookie: document.cookie, history: history.length }))).toEqual({ cookie: "warmed=yes", history: 4 });
      await page.goBack({ waitUntil: "commit" });
      await expect.poll(() => page.url()).toBe(`${site.origin}/page/7`);
    } finally {
      await browser.close();
    }
    expect((await client.call("DELETE", `/v1/agents/${created.body.id}`)).status).toBe(204);
  });
});

describe("isolation between agents and workspaces", () => {
  it("agents never see each other's targets, cookies or storage; foreign, view and ended tokens are refused at upgrade; other workspaces' agents are 404", async () => {
    const [alpha, beta] = await Promise.all([workspace("iso-alpha"), workspace("iso-beta")]);
    const [a1, a2, b1] = await Promise.all([
      createAgent(alpha.client, { initial_url: `${site.origin}/page/1` }),
      createAgent(alpha.client, { initial_url: `${site.origin}/page/2` }),
      createAgent(beta.client, { initial_url: `${site.origin}/page/3` }),
    ]);
    const own = new Map([
      [a1.id, `${site.origin}/page/1`],
      [a2.id, `${site.origin}/page/2`],
      [b1.id, `${site.origin}/page/3`],
    ]);
    const browsers = await Promise.all([a1, a2, b1].map((a) => chromium.connectOverCDP(a.cdp_url)));
    const [bA1, bA2, bB1] = browsers as [Browser, Browser, Browser];
    try {
      // Targets: each browser holds one page, at its own initial_url, whether asked over CDP or /json/list.
      for (const [agent, browser] of [
        [a1, bA1],
        [a2, bA2],
        [b1, bB1],
      ] as const) {
        expect(onlyPage(browser).url()).toBe(own.get(agent.id));
        expect(await pageTargetUrls(agent.cdp_http)).toEqual([own.get(agent.id)]);
      }
      // A page a1's client opens shows up in a1 only.
      const extra = await bA1.contexts()[0]!.newPage();
      await extra.goto(`${site.origin}/page/9`);
      expect((await pageTargetUrls(a1.cdp_http)).sort()).toEqual([`${site.origin}/page/1`, `${site.origin}/page/9`]);
      expect(await pageTargetUrls(a2.cdp_http)).toEqual([`${site.origin}/page/2`]);
      expect(await pageTargetUrls(b1.cdp_http)).toEqual([`${site.origin}/page/3`]);
      await extra.close();

      // Cookies and localStorage set in a1 (all three pages are on the same fixture origin).
      const pA1 = onlyPage(bA1);
      await bA1.contexts()[0]!.addCookies([{ name: "api_cookie", value: "a1", url: site.origin }]);
      await pA1.evaluate(() => {
        document.cookie = "doc_cookie=a1; path=/";
        localStorage.setItem("owner", "a1");
        sessionStorage.setItem("owner", "a1");
      });
      await pA1.reload();
      expect(await pA1.evaluate(() => [document.cookie.split("; ").sort().join("; "), localStorage.getItem("owner")])).toEqual(["api_cookie=a1; doc_cookie=a1", "a1"]);
      for (const browser of [bA2, bB1]) {
        const page = onlyPage(browser);
        await page.reload();
        expect(await browser.contexts()[0]!.cookies()).toEqual([]);
        expect(await page.evaluate(() => [document.cookie, localStorage.getItem("owner"), sessionStorage.getItem("owner"), localStorage.length])).toEqual(["", null, null, 0]);
      }

      // Refused at upgrade, before any 101: absent, wrong, another agent's (same and other workspace), a view token.
      const wrong = randomBytes(32).toString("base64url");
      const refusedTokens: [string, string | null][] = [
        ["absent", null],
        ["malformed", "nope"],
        ["wrong", wrong],
        ["same workspace's other agent", tokenOf(a2.cdp_url)],
        ["other workspace's agent", tokenOf(b1.cdp_url)],
        ["a1's view token", tokenOf(a1.live_url)],
      ];
      const pageTargetId = ((await (await fetch(discoveryUrl(a1.cdp_http, "/json/list"))).json()) as { id: string; type: string }[]).find((t) => t.type === "page")!.id;
      for (const [, token] of refusedTokens) {
        await expectRefusedUpgrade(gatewaySocketUrl(a1.id, token), 401, "UNAUTHORIZED");
        await expectRefusedUpgrade(gatewaySocketUrl(a1.id, token, "/devtools/browser/x"), 401, "UNAUTHORIZED");
        await expectRefusedUpgrade(gatewaySocketUrl(a1.id, token, `/devtools/page/${pageTargetId}`), 401, "UNAUTHORIZED");
        for (const path of ["/json/version", "/json/version/", "/json/list", "/json"]) {
          const url = new URL(`${stack.apiUrl}/v1/cdp/${a1.id}${path}`);
          if (token !== null) url.searchParams.set("token", token);
          await expectRefusedDiscovery(url.toString(), 401, "UNAUTHORIZED");
        }
      }
      // A token is bound to its agent: b1's own URL works for b1, a1's token on b1's path does not.
      await expectRefusedUpgrade(gatewaySocketUrl(b1.id, tokenOf(a1.cdp_url)), 401, "UNAUTHORIZED");
      // A well-formed agent id no one has, with a working token of another agent: 404.
      await expectRefusedUpgrade(gatewaySocketUrl(WELL_FORMED_UNKNOWN_ID, tokenOf(a1.cdp_url)), 404, "NOT_FOUND");

      // Another workspace's agent is 404 on every route, and listing never shows it; it is left running.
      for (const [client, foreign] of [
        [alpha.client, b1],
        [beta.client, a1],
      ] as const) {
        for (const [method, path] of [
          ["GET", `/v1/agents/${foreign.id}`],
          ["DELETE", `/v1/agents/${foreign.id}`],
          ["GET", `/v1/agents/${foreign.id}/cdp`],
        ] as const) {
          expectEnvelope(envelopeOf(await client.call(method, path)), 404, "NOT_FOUND");
        }
      }
      const alphaList = await alpha.client.get<{ items: Agent[] }>("/v1/agents");
      expect(alphaList.body.items.map((a) => a.id).sort()).toEqual([a1.id, a2.id].sort());
      const betaList = await beta.client.get<{ items: Agent[] }>("/v1/agents");
      expect(betaList.body.items.map((a) => a.id)).toEqual([b1.id]);
      expect((await alpha.client.get<Agent>(`/v1/agents/${a1.id}`)).body.status).toBe("running");
      expect((await beta.client.get<Agent>(`/v1/agents/${b1.id}`)).body.status).toBe("running");

      // An ended agent's token: 409 at upgrade and on discovery; the other agents go on.
      const a2Gone = new Promise<void>((resolve) => bA2.on("disconnected", () => resolve()));
      await deleteAgent(alpha.client, a2.id);
      await a2Gone;
      await expectRefusedUpgrade(a2.cdp_url, 409, "AGENT_NOT_RUNNING");
      await expectRefusedDiscovery(discoveryUrl(a2.cdp_http, "/json/version"), 409, "AGENT_NOT_RUNNING");
      await expectRefusedDiscovery(discoveryUrl(a2.cdp_http, "/json/version/"), 409, "AGENT_NOT_RUNNING");
      // …and an ended agent's token opens no other agent either.
      await expectRefusedUpgrade(gatewaySocketUrl(a1.id, tokenOf(a2.cdp_url)), 401, "UNAUTHORIZED");

      // Nothing above disturbed the agents that are still running.
      expect(await pA1.title()).toBe("Page 1");
      expect(await onlyPage(bB1).title()).toBe("Page 3");
      const again = await chromium.connectOverCDP(a1.cdp_url);
      try {
        expect(onlyPage(again).url()).toBe(`${site.origin}/page/1`);
      } finally {
        await again.close();
      }
    } finally {
      await Promise.all(browsers.map((b) => b.close().catch(() => undefined)));
      await deleteAgent(alpha.client, a1.id);
      await deleteAgent(alpha.client, a2.id);
      await deleteAgent(beta.client, b1.id);
    }
  });
});

describe("listing, reading and fresh CDP URLs", () => {
  it("lists newest first with paging and filters; GET has no cdp_url; /cdp mints a working URL while the old one works; /cdp on a destroyed agent → 409", async () => {
    const { client } = await workspace("listing");
    // metadata of exactly 8 KB as JSON is allowed (9 KB is not, above).
    const metadata = { blob: "m".repeat(8_192 - JSON.stringify({ blob: "" }).length) };
    expect(Buffer.byteLength(JSON.stringify(metadata))).toBe(8_192);
    const first = await createAgent(client, { metadata });
    const second = await createAgent(client, { initial_url: `${site.origin}/page/2`, ttl: "10m" });
    const third = await createAgent(client, { ttl_seconds: 120 });
    await deleteAgent(client, first.id);
    const ids = [third.id, second.id, first.id];

    const all = await client.get<{ items: Agent[]; next_cursor: string | null }>("/v1/agents");
    expect(all.status).toBe(200);
    expect(all.body.items.map((a) => a.id)).toEqual(ids);
    expect(all.body.next_cursor).toBeNull();
    for (const item of all.body.items) expect(item).toMatchObject({ cdp_url: null, cdp_http: null, live_url: null, mode: "burner" });
    expect(all.body.items.map((a) => a.status)).toEqual(["running", "running", "destroyed"]);
    expect(all.body.items[2]!.metadata).toEqual(metadata);

    // limit 1 pages through all three with next_cursor, and the last page says there is no more.
    const paged: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 4; i++) {
      const query: string = `/v1/agents?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await client.get<{ items: Agent[]; next_cursor: string | null }>(query);
      expect(page.status).toBe(200);
      paged.push(...page.body.items.map((a) => a.id));
      cursor = page.body.next_cursor;
      if (!cursor) break;
    }
    expect(paged).toEqual(ids);
    expect(cursor).toBeNull();

    const filtered = async (query: string): Promise<string[]> => {
      const res = await client.get<{ items: Agent[] }>(`/v1/agents?${query}`);
      expect(res.status).toBe(200);
      return res.body.items.map((a) => a.id);
    };
    expect(await filtered("status=running")).toEqual([third.id, second.id]);
    expect(await filtered("status=destroyed")).toEqual([first.id]);
    expect(await filtered("status=failed")).toEqual([]);
    expect(await filtered("mode=burner")).toEqual(ids);
    expect(await filtered("mode=persistent")).toEqual([]);
    expect(await filtered("mode=burner&status=running&limit=1")).toEqual([third.id]);
    const runningPage = await client.get<{ items: Agent[]; next_cursor: string }>("/v1/agents?status=running&limit=1");
    expect(await filtered(`status=running&limit=1&cursor=${encodeURIComponent(runningPage.body.next_cursor)}`)).toEqual([second.id]);

    // GET: the create answer's fields, without the token-bearing URLs.
    const got = await client.get<Agent>(`/v1/agents/${second.id}`);
    expect(got.status).toBe(200);
    // bytes_up/bytes_down move with the agent's traffic, trust_score is set once the detection checks ran; the rest is as created.
    const { cdp_url: _c, cdp_http: _h, live_url: _l, bytes_up: _u, bytes_down: _d, trust_score: _t, ...stable } = second as RunningAgent & { bytes_up: number; bytes_down: number; trust_score: number | null };
    expect(got.body).toMatchObject({ ...stable, cdp_url: null, cdp_http: null, live_url: null });

    // /cdp: fresh tokens; the new URL and the old one both attach, at once.
    const fresh = await client.get<{ cdp_url: string; cdp_http: string; live_url: string; profile_id: string | null; expires_at: string | null }>(`/v1/agents/${second.id}/cdp`);
    expect(fresh.status).toBe(200);
    expect(Object.keys(fresh.body).sort()).toEqual(["cdp_http", "cdp_url", "expires_at", "live_url", "profile_id"]);
    expect(fresh.body).toMatchObject({ profile_id: null, expires_at: second.expires_at });
    expect(tokenOf(fresh.body.cdp_url)).not.toBe(tokenOf(second.cdp_url));
    expect(tokenOf(fresh.body.live_url)).not.toBe(tokenOf(second.live_url));
    expect(fresh.body.cdp_url.split("?")[0]).toBe(second.cdp_url.split("?")[0]);
    expect(tokenOf(fresh.body.cdp_http)).toBe(tokenOf(fresh.body.cdp_url));
    const viaFresh = await chromium.connectOverCDP(fresh.body.cdp_url);
    const viaOld = await chromium.connectOverCDP(second.cdp_url);
    const viaFreshHttp = await chromium.connectOverCDP(fresh.body.cdp_http);
    try {
      for (const browser of [viaFresh, viaOld, viaFreshHttp]) expect(await onlyPage(browser).title()).toBe("Page 2");
      await onlyPage(viaFresh).click("a");
      await expect.poll(() => onlyPage(viaOld).title()).toBe("Page 3");
    } finally {
      await Promise.all([viaFresh.close(), viaOld.close(), viaFreshHttp.close()]);
    }
    // The fresh view token drives nothing either.
    await expectRefusedUpgrade(gatewaySocketUrl(second.id, tokenOf(fresh.body.live_url)), 401, "UNAUTHORIZED");

    expectEnvelope(envelopeOf(await client.get(`/v1/agents/${first.id}/cdp`)), 409, "AGENT_NOT_RUNNING");
    await deleteAgent(client, second.id);
    await deleteAgent(client, third.id);
    expectEnvelope(envelopeOf(await client.get(`/v1/agents/${second.id}/cdp`)), 409, "AGENT_NOT_RUNNING");
    await expectRefusedUpgrade(fresh.body.cdp_url, 409, "AGENT_NOT_RUNNING");
    expect(await filtered("status=destroyed")).toEqual(ids);
    expect(await filtered("status=running")).toEqual([]);
  });
});

describe("idempotent creates", () => {
  it("the same Idempotency-Key twice: a byte-identical replay, one agent", async () => {
    const ws = await stack.newWorkspace("idempotent");
    const client = apiClient(stack.apiUrl, ws.apiKey);
    const key = `agent-${randomBytes(6).toString("hex")}`;
    const body = JSON.stringify({ initial_url: `${site.origin}/page/4`, ttl: "5m", metadata: { run: key } });
    const post = async (payload: string) => {
      const res = await fetch(`${stack.apiUrl}/v1/agents`, { method: "POST", headers: { "x-api-key": ws.apiKey, "content-type": "application/json", "idempotency-key": key }, body: payload });
      return { status: res.status, headers: res.headers, text: await res.text() };
    };
    const first = await post(body);
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get("idempotent-replay")).toBeNull();
    const replay = await post(body);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replay")).toBe("true");
    expect(replay.text).toBe(first.text);
    expect(replay.headers.get("content-type")).toBe(first.headers.get("content-type"));

    const conflict = await post(JSON.stringify({ initial_url: `${site.origin}/page/5`, ttl: "5m" }));
    expect(conflict.status).toBe(409);
    expect((JSON.parse(conflict.text) as ErrorBody).code).toBe("IDEMPOTENCY_CONFLICT");

    const agent = JSON.parse(first.text) as RunningAgent;
    const list = await client.get<{ items: Agent[] }>("/v1/agents");
    expect(list.body.items.map((a) => a.id)).toEqual([agent.id]);
    expect(await stack.prisma.agent.count({ where: { workspaceId: ws.workspaceId } })).toBe(1);
    // The replayed answer's URL is the agent's: it attaches.
    const browser = await chromium.connectOverCDP((JSON.parse(replay.text) as RunningAgent).cdp_url);
    try {
      expect(onlyPage(browser).url()).toBe(`${site.origin}/page/4`);
    } finally {
      await browser.close();
    }
    // One reservation only.
    expect(await balanceOf(client)).toBe(99);
    await deleteAgent(client, agent.id);
  });
});

describe("credits of an agent", () => {
  it("reserves ceil(ttl/600) blocks at create, charges the one started block at DELETE, and every entry carries agent_id", async () => {
    const { workspaceId, client } = await workspace("credits");
    const agent = await createAgent(client, { ttl_seconds: 1_201 });
    expect(await balanceOf(client)).toBe(100 - 3);
    const reserved = await ledgerOf(client);
    expect(reserved.map((e) => [e.reason, e.delta, e.balance_after])).toEqual([
      ["agent_reserve", -3, 97],
      ["signup_grant", 100, 100],
    ]);
    expect(reserved[0]).toMatchObject({ agent_id: agent.id, job_id: null });

    await deleteAgent(client, agent.id);
    const ended = await client.get<Agent>(`/v1/agents/${agent.id}`);
    expect(ended.body).toMatchObject({ status: "destroyed", ended_reason: "client", cost_credits: 1 });
    expect(await balanceOf(client)).toBe(100 - 1);
    const ledger = await ledgerOf(client);
    expect(ledger.map((e) => [e.reason, e.delta, e.balance_after])).toEqual([
      ["agent_release", 2, 99],
      ["agent_reserve", -3, 97],
      ["signup_grant", 100, 100],
    ]);
    for (const entry of ledger.slice(0, 2)) expect(entry).toMatchObject({ agent_id: agent.id, job_id: null });
    expect(ledger[2]).toMatchObject({ job_id: null });
    expect(ledger.reduce((sum, e) => sum + e.delta, 0)).toBe(99);
    const rows = await stack.prisma.creditLedgerEntry.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.reason, r.agentId, r.jobId])).toEqual([
      ["signup_grant", null, null],
      ["agent_reserve", agent.id, null],
      ["agent_release", agent.id, null],
    ]);
    // A second DELETE moves nothing.
    await deleteAgent(client, agent.id);
    expect(await ledgerOf(client)).toHaveLength(3);
    expect(await balanceOf(client)).toBe(99);
  });
});
