// The published document is usable by the tools people actually use: types generated from the served
// /openapi.yaml by openapi-typescript name the components, a client on openapi-fetch compiles against them
// under `strict`, and that compiled client makes real calls to the running stack.
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

/** The names a new user of the API finds in the generated types (a rename is a breaking change for them). */
const NAMED = ["JobEnvelope", "ResultItem", "ErrorEnvelope", "Webhook", "Agent", "AgentSession", "TaskStep", "PageResult", "Credits", "ErrorCode"];
const NAMED_BODIES = ["QuickScrapeBody", "CreateTaskBody", "CreateWebhookBody", "CreateAgentBody"];

/** A small client, as a user would write it: typed by the generated `paths` and `components` only. */
const CLIENT = `import createClient from "openapi-fetch";
import type { components, paths } from "./openapi.js";

type Schemas = components["schemas"];
type Body<Name extends keyof components["requestBodies"]> = components["requestBodies"][Name]["content"]["application/json"];
export type Named = [${NAMED.map((n) => `Schemas["${n}"]`).join(", ")}, ${NAMED_BODIES.map((n) => `Body<"${n}">`).join(", ")}];

const [baseUrl, apiKey, pageUrl] = process.argv.slice(2) as [string, string, string];
const client = createClient<paths>({ baseUrl, headers: { "X-API-Key": apiKey } });

const credits = await client.GET("/v1/credits");
if (!credits.data) throw new Error("GET /v1/credits answered " + credits.response.status);
const view: Schemas["Credits"] = credits.data;
const balance: number = view.balance;

// Fields with a default (timeout_ms, wait_until, …) may be left out.
const body: Body<"QuickScrapeBody"> = { url: pageUrl, formats: ["html", "text"] };
// @ts-expect-error wait_until takes only the documented values
const refusedByTypes: Body<"QuickScrapeBody"> = { url: pageUrl, wait_until: "never" };
void refusedByTypes;
const scraped = await client.POST("/v1/quick/scrape", { body });
const answer = scraped.data;
// 200 is the page, 202 the job envelope: the page is the one with a title.
if (!answer || !("title" in answer)) throw new Error("POST /v1/quick/scrape answered " + scraped.response.status);
const page: Schemas["PageResult"] = answer;
const title: string | null = page.title;
const status: Schemas["ItemStatus"] = page.status;
const job = await client.GET("/v1/jobs/{id}", { params: { path: { id: page.job_id } } });
const envelope: Schemas["JobEnvelope"] | undefined = job.data;

const refused = await client.POST("/v1/quick/scrape", { body: { url: "not a url" } });
const code: Schemas["ErrorCode"] | undefined = refused.error?.code;

console.log(JSON.stringify({
  balance,
  currency: view.currency,
  scrapeStatus: scraped.response.status,
  title,
  status,
  text: page.text ?? null,
  jobKind: envelope?.kind ?? null,
  jobStatus: envelope?.status ?? null,
  refusedStatus: refused.response.status,
  code: code ?? null,
}));
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    types: ["node"],
    outDir: "out",
  },
  files: ["openapi.ts", "client.ts"],
};

const ctx = useStackWithSite({ api: "in-process", workers: 1 });
let dir: string;
let apiKey: string;
let types: string;

beforeAll(async () => {
  apiKey = (await ctx.stack.newWorkspace("generated-client")).apiKey;
  dir = await mkdtemp(join(tmpdir(), "browserfleet-openapi-client-"));
  // The scratch project sees only the client library and Node's types, as a user's project would.
  await mkdir(join(dir, "node_modules", "@types"), { recursive: true });
  await symlink(packageDir("openapi-fetch"), join(dir, "node_modules", "openapi-fetch"), "dir");
  await symlink(packageDir("@types/node"), join(dir, "node_modules", "@types", "node"), "dir");
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "scratch-client", private: true, type: "module" }));
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  await writeFile(join(dir, "client.ts"), CLIENT);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a client generated from /openapi.yaml", () => {
  it("gets named component types from openapi-typescript", async () => {
    const served = await (await fetch(`${ctx.stack.apiUrl}/openapi.yaml`)).text();
    console.log(`GET /openapi.yaml: ${Buffer.byteLength(served)} bytes`);
    const cli = join(packageDir("openapi-typescript"), "bin", "cli.js");
    await run(process.execPath, [cli, `${ctx.stack.apiUrl}/openapi.yaml`, "--output", join(dir, "openapi.ts")], { cwd: dir });
    types = await readFile(join(dir, "openapi.ts"), "utf8");
    const schemasBlock = types.slice(types.indexOf("    schemas: {"), types.indexOf("    responses:", types.indexOf("    schemas: {")));
    for (const name of NAMED) expect(schemasBlock, name).toMatch(new RegExp(`^ {8}${name}: (\\{|")`, "m"));
    const bodiesBlock = types.slice(types.indexOf("    requestBodies: {"), types.indexOf("    headers:", types.indexOf("    requestBodies: {")));
    for (const name of NAMED_BODIES) expect(bodiesBlock, name).toMatch(new RegExp(`^ {8}${name}: \\{`, "m"));
    // Operations use the named types instead of repeating their shapes.
    expect(types).toContain(`requestBody: components["requestBodies"]["QuickScrapeBody"]`);
    expect(types).toContain(`"application/json": components["schemas"]["JobEnvelope"]`);
  });

  it("compiles a client program against them under strict", async () => {
    expect(types).toBeDefined();
    const tsc = join(packageDir("typescript"), "bin", "tsc");
    const compiled = await run(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { cwd: dir }).catch((e: { stdout?: string; stderr?: string }) => {
      throw new Error(`tsc failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    });
    expect(compiled.stdout).toBe("");
  });

  it("makes real, typed calls with openapi-fetch", async () => {
    const { stdout } = await run(process.execPath, [join(dir, "out", "client.js"), ctx.stack.apiUrl, apiKey, `${ctx.site.origin}/simple`], { cwd: dir });
    const seen = JSON.parse(stdout.trim()) as Record<string, unknown>;
    expect(seen).toMatchObject({
      currency: "credits",
      scrapeStatus: 200,
      title: "Fixture Simple",
      status: "completed",
      jobKind: "scrape",
      jobStatus: "completed",
      refusedStatus: 400,
      code: "BAD_REQUEST",
    });
    expect(typeof seen.balance).toBe("number");
    expect(seen.text).toContain("The quick brown fox");
  });
});
