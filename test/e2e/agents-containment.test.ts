import { readdir, readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { WebSocket } from "ws";
import type { AgentBrowser } from "@browserfleet/browser";
import { lockDownBrowser } from "../../apps/worker/src/agents/cdp-policy-lockdown.ts";
import { startAgentSite, type AgentSite } from "../support/agent-site.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

type Agent = { id: string; status: string; cdp_url: string; cdp_http: string; session_id: string };
type CdpMessage = { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { code: number; message: string }; sessionId?: string };

/** A raw CDP client over `ws`: for the attempts Playwright cannot express. */
class RawCdp {
  private nextId = 1000;
  readonly events: CdpMessage[] = [];
  private readonly waiters: Array<{ match: (m: CdpMessage) => boolean; resolve: (m: CdpMessage) => void }> = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as CdpMessage;
      if (message.id === undefined) this.events.push(message);
      for (const w of [...this.waiters]) {
        if (w.match(message)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(message);
        }
      }
    });
  }

  static async open(url: string): Promise<RawCdp> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new RawCdp(socket);
  }

  next(match: (m: CdpMessage) => boolean): Promise<CdpMessage> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Sends `text` as it is (it must carry `id`), answers the reply with that id. */
  sendRaw(text: string, id: number): Promise<CdpMessage> {
    const reply = this.next((m) => m.id === id);
    this.socket.send(text);
    return reply;
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<CdpMessage> {
    const id = ++this.nextId;
    return this.sendRaw(JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) }), id);
  }

  close(): void {
    this.socket.close();
  }
}

const REFUSED = { code: -32000, message: expect.stringMatching(/^browserfleet: .*not allowed/) };

let strict: TestStack<ApiHandle>;
let loose: TestStack<ApiHandle>;
let site: AgentSite;
let strictClient: ReturnType<typeof apiClient>;
let looseClient: ReturnType<typeof apiClient>;
/** Stands for a proxy a client would point a browser context at: it must never be asked anything. */
let fakeProxy: Server;
let fakeProxyHits = 0;

beforeAll(async () => {
  const agentEnv = { WORKER_AGENT_SLOTS: "3", AGENT_WARM_POOL: "1" };
  [strict, loose, site] = await Promise.all([
    startTestStack({ api: "in-process", workers: 1, env: { ...agentEnv, ALLOW_LOOPBACK_TARGETS: "false" } }),
    startTestStack({ api: "in-process", workers: 1, env: agentEnv }),
    startAgentSite(),
  ]);
  fakeProxy = createServer((_req, res) => {
    fakeProxyHits += 1;
    res.end("proxied");
  });
  fakeProxy.on("connect", (_req, socket) => {
    fakeProxyHits += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => fakeProxy.listen(0, "127.0.0.1", resolve));
  strictClient = apiClient(strict.apiUrl, (await strict.newWorkspace("containment")).apiKey);
  looseClient = apiClient(loose.apiUrl, (await loose.newWorkspace("containment-loopback")).apiKey);
});

afterAll(async () => {
  await Promise.all([strict?.stop(), loose?.stop(), site?.close(), new Promise((resolve) => (fakeProxy ? fakeProxy.close(resolve) : resolve(undefined)))]);
});

const createAgent = async (client: ReturnType<typeof apiClient>, body: Record<string, unknown> = {}): Promise<Agent> => {
  const res = await client.post<Agent>("/v1/agents", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

/** Navigates and says what happened: an error, or the status and text of what loaded. */
const attempt = async (page: Page, url: string): Promise<{ error?: string; status?: number; text: string }> => {
  try {
    const response = await page.goto(url, { timeout: 30_000 });
    return { status: response?.status(), text: await page.locator("body").innerText().catch(() => "") };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err), text: await page.locator("body").innerText().catch(() => "") };
  }
};

/** A flat session on the agent's first page, over a raw client through the gateway. */
const attachToFirstPage = async (raw: RawCdp): Promise<string> => {
  const targets = await raw.send("Target.getTargets");
  const page = (targets.result!.targetInfos as Array<{ targetId: string; type: string }>).find((t) => t.type === "page");
  const attached = await raw.send("Target.attachToTarget", { targetId: page!.targetId, flatten: true });
  return attached.result!.sessionId as string;
};

describe("containment with loopback targets off", () => {
  let agent: Agent;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    agent = await createAgent(strictClient);
    browser = await chromium.connectOverCDP(agent.cdp_url);
    page = browser.contexts()[0]!.pages()[0]!;
  });

  afterAll(async () => {
    await browser?.close();
    if (agent) await strictClient.call("DELETE", `/v1/agents/${agent.id}`);
  });

  it("navigation to private, metadata and loopback addresses is refused by the egress proxy: an error page, 0 hits", async () => {
    for (const url of ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", `${site.origin}/page/7`, `http://localhost:${new URL(site.origin).port}/page/8`]) {
      const outcome = await attempt(page, url);
      expect(outcome.error !== undefined || (outcome.status ?? 0) >= 400, `${url}: ${JSON.stringify(outcome)}`).toBe(true);
      expect(outcome.text).not.toMatch(/Page \d/);
    }
    expect(site.hits("/page/7")).toBe(0);
    expect(site.hits("/page/8")).toBe(0);
  });

  it("a page's fetch() to the same addresses fails, 0 hits", async () => {
    await page.goto("data:text/html,<title>fetcher</title>");
    for (const url of ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", `${site.origin}/page/9`, "file:///etc/passwd", "file:///proc/self/environ"]) {
      const outcome = await page.evaluate(async (target) => {
        try {
          const res = await fetch(target, { mode: "no-cors" });
          return { status: res.status, text: await res.text() };
        } catch (err) {
          return { error: String(err) };
        }
      }, url);
      // no-cors hides the body of what answered (status 0, ""); a proxy refusal or a blocked scheme throws.
      expect("error" in outcome || (outcome.status === 0 && outcome.text === "") || outcome.status! >= 400, `${url}: ${JSON.stringify(outcome)}`).toBe(true);
      if ("text" in outcome) expect(outcome.text).not.toMatch(/root:|Page 9|PATH=/);
    }
    expect(site.hits("/page/9")).toBe(0);
  });

  it("file: pages are refused by the policy (Page.navigate, Target.createTarget, escaped method names, the legacy session channel)", async () => {
    // Playwright's goto is a Page.navigate.
    const viaGoto = await attempt(page, "file:///etc/passwd");
    expect(viaGoto.error).toMatch(/browserfleet: Page.navigate to this URL is not allowed/);

    const raw = await RawCdp.open(agent.cdp_url);
    try {
      const sessionId = await attachToFirstPage(raw);
      for (const url of ["file:///etc/passwd", "file:///proc/self/environ", "FILE:///etc/passwd", " file:///etc/passwd", "view-source:file:///etc/passwd", "chrome://version", "devtools://devtools/bundled/inspector.html", "about:srcdoc"]) {
        expect(await raw.send("Page.navigate", { url }, sessionId), url).toMatchObject({ error: REFUSED, sessionId });
        expect(await raw.send("Target.createTarget", { url }), url).toMatchObject({ error: REFUSED });
      }
      // JSON escapes are decoded before the policy looks: "\u0050age.navigate" is Page.navigate.
      const escaped = await raw.sendRaw(`{"id":7,"method":"\\u0050age.navigate","params":{"url":"\\u0066ile:///etc/passwd"},"sessionId":"${sessionId}"}`, 7);
      expect(escaped).toMatchObject({ id: 7, error: REFUSED, sessionId });
      // A duplicate params key: JSON.parse and Chromium both keep the last one.
      const duplicate = await raw.sendRaw(`{"id":8,"method":"Target.createTarget","params":{"url":"about:blank","url":"file:///etc/passwd"}}`, 8);
      expect(duplicate).toMatchObject({ id: 8, error: REFUSED });
      // The non-flat session channel carries a command inside a string.
      const pageTargetId = ((await raw.send("Target.getTargetInfo", {}, sessionId)).result!.targetInfo as { targetId: string }).targetId;
      const legacy = await raw.send("Target.attachToTarget", { targetId: pageTargetId, flatten: false });
      const legacySession = legacy.result!.sessionId as string;
      const carried = await raw.send("Target.sendMessageToTarget", { sessionId: legacySession, message: JSON.stringify({ id: 1, method: "Page.navigate", params: { url: "file:///etc/passwd" } }) });
      expect(carried).toMatchObject({ error: REFUSED });
      const targets = (await raw.send("Target.getTargets")).result!.targetInfos as Array<{ url: string }>;
      expect(targets.map((t) => t.url).filter((u) => u.startsWith("file:"))).toEqual([]);
    } finally {
      raw.close();
    }
  });

  it("a page cannot navigate itself to file: (Chromium refuses it): its content never shows", async () => {
    await page.goto("data:text/html,<title>start</title><p>start</p>");
    for (const target of ["file:///etc/passwd", "file:///proc/self/environ"]) {
      const refused = page.waitForEvent("console", (m) => m.text().includes("Not allowed to load local resource"));
      await page.evaluate((url) => {
        location.href = url;
      }, target);
      await refused;
      expect(page.url()).toMatch(/^data:/);
      expect(await page.locator("body").innerText()).not.toMatch(/root:|PATH=/);
    }
    const popups: Page[] = [];
    browser.contexts()[0]!.on("page", (p) => popups.push(p));
    const refusedPopup = page.waitForEvent("console", (m) => m.text().includes("Not allowed to load local resource"));
    await page.evaluate(() => void window.open("file:///etc/passwd"));
    await refusedPopup;
    for (const p of popups) expect(await p.content()).not.toMatch(/root:/);
  });

  it("a browser context with its own proxy is refused; one without works", async () => {
    const raw = await RawCdp.open(agent.cdp_url);
    try {
      const before = ((await raw.send("Target.getBrowserContexts")).result!.browserContextIds as string[]).length;
      const fake = `http://127.0.0.1:${(fakeProxy.address() as AddressInfo).port}`;
      for (const params of [{ proxyServer: fake }, { proxyServer: "direct://" }, { proxyBypassList: "*" }, { proxyServer: fake, proxyBypassList: "<-loopback>" }, { originsWithUniversalNetworkAccess: ["http://example.com"] }]) {
        expect(await raw.send("Target.createBrowserContext", params), JSON.stringify(params)).toMatchObject({ error: REFUSED });
      }
      expect(((await raw.send("Target.getBrowserContexts")).result!.browserContextIds as string[]).length).toBe(before);
    } finally {
      raw.close();
    }
    expect(fakeProxyHits).toBe(0);
    // Playwright's newContext (Target.createBrowserContext without a proxy, then Browser.setDownloadBehavior) still works, and stays behind the egress proxy.
    const context = await browser.newContext();
    try {
      const fresh = await context.newPage();
      const outcome = await attempt(fresh, `${site.origin}/page/10`);
      expect(outcome.error !== undefined || (outcome.status ?? 0) >= 400, JSON.stringify(outcome)).toBe(true);
      expect(site.hits("/page/10")).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("request rewriting to another scheme, network resource loads and the other escape hatches are refused", async () => {
    const raw = await RawCdp.open(agent.cdp_url);
    try {
      const sessionId = await attachToFirstPage(raw);
      await raw.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] }, sessionId);
      const navigating = raw.send("Page.navigate", { url: "http://10.0.0.1/intercepted" }, sessionId);
      const paused = await raw.next((m) => m.method === "Fetch.requestPaused");
      const requestId = paused.params!.requestId as string;
      expect(await raw.send("Fetch.continueRequest", { requestId, url: "file:///etc/passwd" }, sessionId)).toMatchObject({ error: REFUSED, sessionId });
      expect(await raw.send("Network.continueInterceptedRequest", { interceptionId: requestId, url: "file:///etc/passwd" }, sessionId)).toMatchObject({ error: REFUSED });
      await raw.send("Fetch.failRequest", { requestId, errorReason: "Aborted" }, sessionId);
      await navigating;
      await raw.send("Fetch.disable", {}, sessionId);
      const frameId = ((await raw.send("Page.getFrameTree", {}, sessionId)).result!.frameTree as { frame: { id: string } }).frame.id;
      for (const url of ["file:///etc/passwd", "data:text/plain,x"]) {
        expect(await raw.send("Network.loadNetworkResource", { frameId, url, options: { disableCache: true, includeCredentials: false } }, sessionId), url).toMatchObject({ error: REFUSED });
      }
      expect(await raw.send("Target.exposeDevToolsProtocol", { targetId: frameId })).toMatchObject({ error: REFUSED });
      expect(await raw.send("Target.setRemoteLocations", { locations: [{ host: "127.0.0.1", port: 1 }] })).toMatchObject({ error: REFUSED });
      expect(await raw.send("Tethering.bind", { port: 9999 })).toMatchObject({ error: REFUSED });
      expect(await raw.send("Page.addCompilationCache", { url: "http://x/", data: "AAAA" }, sessionId)).toMatchObject({ error: REFUSED });
      expect(await raw.send("Input.dispatchDragEvent", { type: "drop", x: 1, y: 1, data: { items: [], files: ["/etc/passwd"], dragOperationsMask: 1 } }, sessionId)).toMatchObject({ error: REFUSED });
    } finally {
      raw.close();
    }
  });

  it("Chromium's own targets (WebUI, the PDF viewer extension) never give the client a session: not by attach, auto-attach or page endpoint", async () => {
    const PDF = "JVBERi0xLjAKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZy9QYWdlcyAyIDAgUj4+ZW5kb2JqIDIgMCBvYmo8PC9UeXBlL1BhZ2VzL0tpZHNbMyAwIFJdL0NvdW50IDE+PmVuZG9iaiAzIDAgb2JqPDwvVHlwZS9QYWdlL01lZGlhQm94WzAgMCAzIDNdPj5lbmRvYmoKdHJhaWxlcjw8L1Jvb3QgMSAwIFI+Pg==";
    const raw = await RawCdp.open(agent.cdp_url);
    try {
      const all = (await raw.send("Target.getTargets", { filter: [{}] })).result!.targetInfos as Array<{ targetId: string; type: string; url: string }>;
      const webUi = all.find((t) => t.type === "browser_ui");
      expect(webUi, JSON.stringify(all.map((t) => t.type))).toBeDefined();
      // An explicit attach: Chromium's answer names a session, but the relay detached it and refuses it.
      const attached = await raw.send("Target.attachToTarget", { targetId: webUi!.targetId, flatten: true });
      const uiSession = attached.result?.sessionId as string | undefined;
      if (uiSession !== undefined) {
        expect(await raw.send("Runtime.evaluate", { expression: "typeof chrome.send" }, uiSession)).toMatchObject({ error: { message: expect.stringMatching(/^browserfleet: .*not allowed/) } });
        expect(await raw.send("Target.sendMessageToTarget", { sessionId: uiSession, message: JSON.stringify({ id: 1, method: "Runtime.evaluate", params: { expression: "1" } }) })).toMatchObject({ error: REFUSED });
      } else expect(attached.error).toBeDefined();
      // Auto-attach with a filter that lets everything through, then a page embedding a PDF (the viewer is an extension frame).
      await raw.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: false, flatten: true, filter: [{}] });
      const pageSession = await attachToFirstPage(raw);
      await raw.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: false, flatten: true, filter: [{}] }, pageSession);
      await raw.send("Page.navigate", { url: `data:text/html,<embed src="data:application/pdf;base64,${PDF}" width=200 height=200>` }, pageSession);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const attachedInfos = raw.events.filter((e) => e.method === "Target.attachedToTarget").map((e) => e.params!.targetInfo as { type: string; url: string });
      expect(attachedInfos.filter((t) => t.type === "browser_ui" || /^(chrome|chrome-extension|chrome-untrusted|devtools):/.test(t.url))).toEqual([]);
      expect(attachedInfos.some((t) => t.type === "page")).toBe(true);
      // The extension frame exists (Chromium shows the PDF) but no client session reached it.
      const now = (await raw.send("Target.getTargets", { filter: [{}] })).result!.targetInfos as Array<{ targetId: string; type: string; url: string }>;
      const viewer = now.find((t) => t.url.startsWith("chrome-extension://"));
      if (viewer) {
        const onViewer = await raw.send("Target.attachToTarget", { targetId: viewer.targetId, flatten: true });
        if (onViewer.result?.sessionId) expect(await raw.send("Runtime.evaluate", { expression: "1" }, onViewer.result.sessionId as string)).toMatchObject({ error: { message: expect.stringMatching(/^browserfleet:/) } });
      }
      // A page endpoint on a WebUI target is refused before the upgrade.
      const endpoint = agent.cdp_url.replace(/\?token=/, `/devtools/page/${webUi!.targetId}?token=`);
      const status = await new Promise<number>((resolve) => {
        const socket = new WebSocket(endpoint);
        socket.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        socket.once("open", () => {
          socket.close();
          resolve(101);
        });
        socket.once("error", () => resolve(-1));
      });
      expect(status).toBe(404);
    } finally {
      raw.close();
    }
  });

  it("DOM.setFileInputFiles of /etc/passwd is refused: the input stays empty", async () => {
    await page.goto("data:text/html,<input type=file id=f>");
    const raw = await RawCdp.open(agent.cdp_url);
    try {
      const sessionId = await attachToFirstPage(raw);
      const doc = await raw.send("DOM.getDocument", {}, sessionId);
      const input = await raw.send("DOM.querySelector", { nodeId: (doc.result!.root as { nodeId: number }).nodeId, selector: "#f" }, sessionId);
      const answer = await raw.send("DOM.setFileInputFiles", { files: ["/etc/passwd"], nodeId: input.result!.nodeId }, sessionId);
      expect(answer).toMatchObject({ error: REFUSED, sessionId });
    } finally {
      raw.close();
    }
    expect(await page.evaluate(() => (document.getElementById("f") as HTMLInputElement).files?.length)).toBe(0);
  });

  it("downloads: the client cannot allow them, and with the worker's lockdown held a download is cancelled, nothing written", async () => {
    const row = await strict.prisma.agentSession.findUniqueOrThrow({ where: { id: agent.session_id } });
    const version = (await (
      await fetch(`${row.workerUrl}/agents/${row.id}/json/version`, { headers: { "x-browserfleet-fleet-secret": strict.env.FLEET_SECRET! } })
    ).json()) as { webSocketDebuggerUrl: string };
    // What the worker does at handover (lockDownBrowser), done here on the worker's Chromium directly.
    let browserGone!: () => void;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => (browserGone = () => resolve({ code: 0, signal: null })));
    await lockDownBrowser({ browserWsUrl: version.webSocketDebuggerUrl, exited, close: () => Promise.resolve(), pid: row.browserPid!, port: 0, userDataDir: "" } as AgentBrowser);
    // Watches downloads (deny as well: a watcher's own setting must not let one through).
    const watcher = await RawCdp.open(version.webSocketDebuggerUrl);
    try {
      await watcher.send("Browser.setDownloadBehavior", { behavior: "deny", eventsEnabled: true });
      const client = await browser.newBrowserCDPSession();
      const downloadPath = `/tmp/bf-containment-${agent.id}`;
      for (const behavior of ["allow", "allowAndName", "default", "deny"]) {
        // Answered as done (Playwright sends allowAndName on every connect) but never forwarded.
        await expect(client.send("Browser.setDownloadBehavior", { behavior: behavior as "allow", downloadPath })).resolves.toEqual({});
      }
      await client.detach();
      const pageSession = await page.context().newCDPSession(page);
      await expect(pageSession.send("Page.setDownloadBehavior", { behavior: "allow", downloadPath })).rejects.toThrow(/browserfleet: .*not allowed/);
      await pageSession.detach();

      await page.goto(`data:text/html,<a id=d download="loot.txt" href="data:text/plain,LOOT">get</a>`);
      await page.click("#d");
      const cancelled = await watcher.next((m) => m.method === "Browser.downloadProgress" && m.params!.state === "canceled");
      expect(cancelled.params!.state).toBe("canceled");
      expect(watcher.events.some((m) => m.method === "Browser.downloadProgress" && m.params!.state === "completed")).toBe(false);
      await expect(stat(downloadPath)).rejects.toThrow();
      const home = (await readFile(`/proc/${row.browserPid}/environ`, "utf8")).split("\0").find((v) => v.startsWith("HOME="))!.slice(5);
      const downloads = await readdir(join(home, "Downloads")).catch(() => []);
      expect(downloads).toEqual([]);
    } finally {
      watcher.close();
      browserGone();
    }
  });

  it("Chromium's environment holds no secret of the worker", async () => {
    const row = await strict.prisma.agentSession.findUniqueOrThrow({ where: { id: agent.session_id } });
    expect(row.browserPid).toBeGreaterThan(0);
    const environ = await readFile(`/proc/${row.browserPid}/environ`, "utf8");
    const names = environ.split("\0").map((v) => v.split("=")[0]);
    for (const secret of ["DATABASE_URL", "REDIS_URL", "FLEET_SECRET"]) expect(names).not.toContain(secret);
    for (const value of [strict.env.DATABASE_URL!, strict.env.REDIS_URL!, strict.env.FLEET_SECRET!]) expect(environ).not.toContain(value);
  });
});

describe("containment with loopback targets on", () => {
  it("a redirect to a private address is refused by the egress proxy: the first hop is hit, nothing after it", async () => {
    const agent = await createAgent(looseClient, { initial_url: `${site.origin}/page/1` });
    const browser = await chromium.connectOverCDP(agent.cdp_url);
    try {
      const page = browser.contexts()[0]!.pages()[0]!;
      expect(await page.title()).toBe("Page 1");
      const before = site.hits("/redirect-private");
      const outcome = await attempt(page, `${site.origin}/redirect-private`);
      expect(site.hits("/redirect-private")).toBe(before + 1);
      expect(outcome.error !== undefined || (outcome.status ?? 0) >= 400, JSON.stringify(outcome)).toBe(true);
      expect(page.url()).not.toBe(`${site.origin}/page/1`);

      // 0.0.0.0 is refused even with loopback allowed; were it reached, it would land on this fixture.
      const target = `http://0.0.0.0:${new URL(site.origin).port}/page/99`;
      const hop = await attempt(page, `${site.origin}/redirect-to?to=${encodeURIComponent(target)}`);
      expect(hop.error !== undefined || (hop.status ?? 0) >= 400, JSON.stringify(hop)).toBe(true);
      expect(site.hits("/redirect-to")).toBe(1);
      expect(site.hits("/page/99")).toBe(0);
      // The policy lets ordinary pages through.
      expect((await attempt(page, `${site.origin}/page/2`)).status).toBe(200);
      expect((await attempt(page, "data:text/html,<title>d</title>ok")).text).toBe("ok");
      expect((await attempt(page, "about:blank")).error).toBeUndefined();
    } finally {
      await browser.close();
      await looseClient.call("DELETE", `/v1/agents/${agent.id}`);
    }
  });
});
