import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Page } from "playwright-core";
import puppeteer from "puppeteer-core";
import { COUNTRY_PROFILES, DETECTION_CHECK_NAMES, DETECTION_CHECK_POINTS, OS_PROFILES, type OsType } from "@browserfleet/core";
import { startAgentSite, type AgentSite } from "../support/agent-site.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

type RunningAgent = { id: string; cdp_url: string; cdp_http: string; trust_score: number | null };
type Fingerprint = {
  user_agent: string;
  platform: string;
  languages: string[];
  timezone: string;
  screen: { width: number; height: number };
  webgl_vendor: string | null;
  webgl_renderer: string | null;
  canvas_hash: string;
  audio_hash: string | null;
  hardware_concurrency: number;
  device_memory: number | null;
};
type Check = { name: string; passed: boolean; detail: string };
type Signal = { sites_tested: number; sites_passed: number; checks: Check[]; measured_at: string };
type Trust = { trust_score: number; band: string; inputs: { label: string; points: number }[] };
type Client = ReturnType<typeof apiClient>;
type ClientHints = { brands: { brand: string }[]; platform: string; mobile: boolean; fullVersionList: { brand: string; version: string }[]; platformVersion: string; architecture: string };

let stack: TestStack<ApiHandle>;
let site: AgentSite;
let client: Client;

beforeAll(async () => {
  site = await startAgentSite();
  stack = await startTestStack({ api: "in-process", workers: 1, env: { WORKER_AGENT_SLOTS: "3", AGENT_WARM_POOL: "1" } });
  const ws = await stack.newWorkspace("identity");
  client = apiClient(stack.apiUrl, ws.apiKey);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), site?.close()]);
});

const createAgent = async (body: Record<string, unknown>): Promise<RunningAgent> => {
  const res = await client.post<RunningAgent>("/v1/agents", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const deleteAgent = async (id: string) => expect((await client.call("DELETE", `/v1/agents/${id}`)).status).toBe(204);

const UA_TOKEN: Record<OsType, string> = { OS_TYPE_MACOS: "Macintosh; Intel Mac OS X 10_15_7", OS_TYPE_WINDOWS: "Windows NT 10.0; Win64; x64", OS_TYPE_LINUX: "X11; Linux x86_64" };

/** What the client's own page reports, in its main world. */
const pageIdentity = (page: Page) =>
  page.evaluate(async () => {
    const hints = await (navigator as unknown as { userAgentData: { getHighEntropyValues(keys: string[]): Promise<unknown> } }).userAgentData.getHighEntropyValues([
      "platform",
      "platformVersion",
      "architecture",
      "fullVersionList",
    ]);
    return {
      userAgent: navigator.userAgent,
      platform: navigator.platform,
      webdriver: navigator.webdriver,
      languages: [...navigator.languages],
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      locale: Intl.DateTimeFormat().resolvedOptions().locale,
      hints: hints as ClientHints,
    };
  });

const expectIdentity = (seen: Awaited<ReturnType<typeof pageIdentity>>, osType: OsType, country: keyof typeof COUNTRY_PROFILES) => {
  const os = OS_PROFILES[osType];
  expect(seen.userAgent).toContain(UA_TOKEN[osType]);
  expect(seen.userAgent).not.toMatch(/headless/i);
  expect(seen.platform).toBe(os.navigatorPlatform);
  expect(seen.webdriver).toBe(false);
  expect(seen.hints.platform).toBe(os.chPlatform);
  expect(seen.hints.platformVersion).toBe(os.chPlatformVersion);
  expect(seen.hints.mobile).toBe(false);
  expect(JSON.stringify([seen.hints.brands, seen.hints.fullVersionList])).not.toMatch(/headless/i);
  expect(seen.hints.fullVersionList.map((b) => b.brand)).toContain("Chromium");
  expect(seen.languages).toEqual(COUNTRY_PROFILES[country].languages);
  expect(seen.timezone).toBe(COUNTRY_PROFILES[country].timezone);
  expect(seen.locale).toBe(COUNTRY_PROFILES[country].languages[0]);
};

describe("agent identity", () => {
  const cases: { osType: OsType; country: keyof typeof COUNTRY_PROFILES }[] = [
    { osType: "OS_TYPE_MACOS", country: "us" },
    { osType: "OS_TYPE_WINDOWS", country: "de" },
    { osType: "OS_TYPE_LINUX", country: "jp" },
  ];

  for (const { osType, country } of cases) {
    it(`${osType}/${country}: fingerprint, the client's pages (navigations, new pages), trust and detection signal agree`, async () => {
      const agent = await createAgent({ os_type: osType, country, initial_url: `${site.origin}/` });
      try {
        const fp = await client.get<Fingerprint>(`/v1/agents/${agent.id}/fingerprint`);
        expect(fp.status, JSON.stringify(fp.body)).toBe(200);
        expect(fp.body.user_agent).toContain(UA_TOKEN[osType]);
        expect(fp.body.user_agent).not.toMatch(/headless/i);
        expect(fp.body.platform).toBe(OS_PROFILES[osType].navigatorPlatform);
        expect(fp.body.languages).toEqual(COUNTRY_PROFILES[country].languages);
        expect(fp.body.timezone).toBe(COUNTRY_PROFILES[country].timezone);
        expect(fp.body.canvas_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(fp.body.hardware_concurrency).toBeGreaterThan(0);
        expect(fp.body.screen.width).toBeGreaterThan(0);

        const browser = await chromium.connectOverCDP(agent.cdp_url);
        try {
          const context = browser.contexts()[0]!;
          const first = context.pages()[0]!;
          expect(first.url()).toBe(`${site.origin}/`);
          expectIdentity(await pageIdentity(first), osType, country);
          // The trap: with Playwright's session attached, a navigation must keep the platform (and the rest).
          await first.goto(`${site.origin}/page/2`);
          expectIdentity(await pageIdentity(first), osType, country);
          const second = await context.newPage();
          await second.goto(`${site.origin}/form`);
          expectIdentity(await pageIdentity(second), osType, country);
          await second.goto(`${site.origin}/page/3`);
          expectIdentity(await pageIdentity(second), osType, country);
          await second.close();
        } finally {
          await browser.close();
        }

        const trust = await client.get<Trust>(`/v1/agents/${agent.id}/trust`);
        expect(trust.status, JSON.stringify(trust.body)).toBe(200);
        expect(trust.body.inputs.reduce((sum, input) => sum + input.points, 0)).toBe(trust.body.trust_score);
        expect(trust.body.inputs.map((i) => i.label)).toEqual(DETECTION_CHECK_NAMES);
        const band = trust.body.trust_score >= 850 ? "undetected" : trust.body.trust_score >= 700 ? "suspicious" : "flagged";
        expect(trust.body.band).toBe(band);

        const signal = await client.get<{ signal: Signal | null }>(`/v1/agents/${agent.id}/detection-signal`);
        expect(signal.status).toBe(200);
        const measured = signal.body.signal!;
        expect(measured.checks.map((c) => c.name)).toEqual(DETECTION_CHECK_NAMES);
        expect(measured.sites_tested).toBe(1);
        expect(measured.sites_passed).toBe(measured.checks.every((c) => c.passed) ? 1 : 0);
        // Each input is its check's points when it passed, else 0: the score is the signal's.
        for (const check of measured.checks) {
          const input = trust.body.inputs.find((i) => i.label === check.name)!;
          expect(input.points, check.detail).toBe(check.passed ? DETECTION_CHECK_POINTS[check.name as keyof typeof DETECTION_CHECK_POINTS] : 0);
        }
        // What the identity promises holds in the check page too (reported honestly: these are the ones it controls).
        const byName = Object.fromEntries(measured.checks.map((c) => [c.name, c]));
        for (const name of ["webdriver", "headless_user_agent", "headless_client_hints", "os_consistency", "timezone", "languages", "cdp_runtime"]) {
          expect(byName[name]?.passed, `${name}: ${byName[name]?.detail}`).toBe(true);
        }
        const view = await client.get<RunningAgent>(`/v1/agents/${agent.id}`);
        expect(view.body.trust_score).toBe(trust.body.trust_score);
      } finally {
        await deleteAgent(agent.id);
      }
    });
  }

  it("puppeteer-core sees the identity too, in the first page and a new one", async () => {
    const agent = await createAgent({ os_type: "OS_TYPE_WINDOWS", country: "jp" });
    try {
      const browser = await puppeteer.connect({ browserWSEndpoint: agent.cdp_url, defaultViewport: null });
      try {
        const [first] = await browser.pages();
        await first!.goto(`${site.origin}/page/1`);
        const read = () => ({ ua: navigator.userAgent, platform: navigator.platform, webdriver: navigator.webdriver, tz: Intl.DateTimeFormat().resolvedOptions().timeZone, langs: [...navigator.languages] });
        const expected = { platform: "Win32", webdriver: false, tz: "Asia/Tokyo", langs: COUNTRY_PROFILES.jp.languages };
        expect(await first!.evaluate(read)).toMatchObject(expected);
        const fresh = await browser.newPage();
        await fresh.goto(`${site.origin}/page/2`);
        const seen = await fresh.evaluate(read);
        expect(seen).toMatchObject(expected);
        expect(seen.ua).toContain(UA_TOKEN.OS_TYPE_WINDOWS);
        await fresh.close();
      } finally {
        await browser.disconnect();
      }
    } finally {
      await deleteAgent(agent.id);
    }
  });

  it("the identity holds on the live page after a client leaves, for the worker's reads and for the next client", async () => {
    const agent = await createAgent({ os_type: "OS_TYPE_WINDOWS", country: "de", initial_url: `${site.origin}/page/1` });
    try {
      const platformNow = async () => (await client.get<Fingerprint>(`/v1/agents/${agent.id}/fingerprint`)).body.platform;
      expect(await platformNow()).toBe("Win32");
      for (let round = 0; round < 2; round++) {
        const browser = await chromium.connectOverCDP(agent.cdp_url);
        const page = browser.contexts()[0]!.pages()[0]!;
        expect(await page.evaluate(() => navigator.platform)).toBe("Win32");
        await browser.close();
        // Chromium drops the platform with the page's newest session: the worker puts its own back.
        await expect.poll(platformNow, { timeout: 5_000 }).toBe("Win32");
      }
      // The worker's own short sessions (a screenshot) detach too: the identity stays.
      expect((await client.post(`/v1/agents/${agent.id}/screenshot`, {})).status).toBe(200);
      await expect.poll(platformNow, { timeout: 5_000 }).toBe("Win32");
      const next = await puppeteer.connect({ browserWSEndpoint: agent.cdp_url, defaultViewport: null });
      try {
        const [page] = await next.pages();
        expect(await page!.evaluate(() => navigator.platform)).toBe("Win32");
      } finally {
        await next.disconnect();
      }
    } finally {
      await deleteAgent(agent.id);
    }
  });

  it("a dedicated worker carries the UA, languages and timezone; a client's own UA wins in its context, the timezone stays", async () => {
    const agent = await createAgent({ os_type: "OS_TYPE_MACOS", country: "de" });
    try {
      const browser = await chromium.connectOverCDP(agent.cdp_url);
      try {
        const page = browser.contexts()[0]!.pages()[0]!;
        await page.goto(`${site.origin}/page/4`);
        const inWorker = await page.evaluate(
          () =>
            new Promise<string[]>((resolve) => {
              const worker = new Worker(URL.createObjectURL(new Blob(["postMessage([navigator.userAgent, navigator.platform, navigator.languages.join(','), Intl.DateTimeFormat().resolvedOptions().timeZone])"], { type: "text/javascript" })));
              worker.onmessage = (e) => resolve(e.data as string[]);
            }),
        );
        expect(inWorker[0]).toContain(UA_TOKEN.OS_TYPE_MACOS);
        // A worker's navigator.platform is the real one: Chromium's platform override is a frame setting, workers have none (README "Identity").
        expect(inWorker.slice(2)).toEqual(["de-DE,de,en", "Europe/Berlin"]);
        const own = await browser.newContext({ timezoneId: "Europe/Paris", locale: "fr-FR", userAgent: "custom-agent/1.0" });
        const mine = await own.newPage();
        await mine.goto(`${site.origin}/page/5`);
        const seen = await mine.evaluate(() => ({ ua: navigator.userAgent, tz: Intl.DateTimeFormat().resolvedOptions().timeZone, lang: navigator.language, webdriver: navigator.webdriver }));
        // A UA and Accept-Language the client sets on purpose are kept; the timezone stays the agent's (one override per page: the worker's).
        expect(seen).toEqual({ ua: "custom-agent/1.0", tz: "Europe/Berlin", lang: "fr-FR", webdriver: false });
        await own.close();
      } finally {
        await browser.close();
      }
    } finally {
      await deleteAgent(agent.id);
    }
  });

  it("/trust waits for the checks; another workspace's agent is 404, a malformed id 400, a stopped agent 409 on /fingerprint", async () => {
    const agent = await createAgent({});
    // Right after the 201 the checks may still run: /trust waits for them rather than answering nothing.
    const trust = await client.get<Trust>(`/v1/agents/${agent.id}/trust`);
    expect(trust.status, JSON.stringify(trust.body)).toBe(200);
    expect(trust.body.inputs.reduce((sum, input) => sum + input.points, 0)).toBe(trust.body.trust_score);
    const started = await client.get<{ started_at: string }>(`/v1/agents/${agent.id}`);
    const signal = await client.get<{ signal: Signal }>(`/v1/agents/${agent.id}/detection-signal`);
    expect(Date.parse(signal.body.signal.measured_at) - Date.parse(started.body.started_at)).toBeLessThan(30_000);
    const other = await stack.newWorkspace("identity-other");
    const otherClient = apiClient(stack.apiUrl, other.apiKey);
    for (const path of ["fingerprint", "detection-signal", "trust"]) {
      const res = await otherClient.get<{ code: string }>(`/v1/agents/${agent.id}/${path}`);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 404, code: "NOT_FOUND" });
      const bad = await client.get<{ code: string }>(`/v1/agents/agt_nothex/${path}`);
      expect({ path, status: bad.status, code: bad.body.code }).toEqual({ path, status: 400, code: "INVALID_ID" });
    }
    await deleteAgent(agent.id);
    const gone = await client.get<{ code: string }>(`/v1/agents/${agent.id}/fingerprint`);
    expect({ status: gone.status, code: gone.body.code }).toEqual({ status: 409, code: "AGENT_NOT_RUNNING" });
  });
});
