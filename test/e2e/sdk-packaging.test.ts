import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { repoRoot } from "../support/app-process.ts";

// The two published packages as a user gets them: `npm pack`, installed from the tarballs into a
// scratch project, then imported both ways, type-checked under strict, and the MCP bin started.
const scratch = mkdtempSync(join(tmpdir(), "browserfleet-pack-"));
const project = join(scratch, "project");
const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const run = (command: string, args: string[], cwd: string) => execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("packaging: @browserfleet/sdk and @browserfleet/mcp from their tarballs", () => {
  it("pack, install offline into a scratch project, import (ESM) and require (CJS) the SDK, compile its types under strict, start `npx browserfleet-mcp`", async () => {
    run("npm", ["pack", "--silent", "--pack-destination", scratch, "-w", "packages/sdk", "-w", "packages/mcp"], repoRoot);
    execFileSync("mkdir", [project]);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "scratch", version: "1.0.0", private: true }));
    const tarballs = [join(scratch, "browserfleet-sdk-0.1.0.tgz"), join(scratch, "browserfleet-mcp-0.1.0.tgz")];
    // From npm's cache; only the first run on a machine may have to read the MCP SDK's metadata from the registry.
    const offline = spawnSync("npm", ["install", "--offline", "--no-audit", "--no-fund", ...tarballs], { cwd: project, encoding: "utf8" });
    if (offline.status !== 0) run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs], project);

    writeFileSync(
      join(project, "esm.mjs"),
      `import { Client, verifyWebhook, NotFoundError, BrowserfleetError } from "@browserfleet/sdk";
const c = new Client({ apiKey: "agt_live_x" });
console.log(JSON.stringify([typeof c.waitForJob, typeof verifyWebhook, new NotFoundError("x", { code: "NOT_FOUND", status: 404 }) instanceof BrowserfleetError]));`,
    );
    writeFileSync(
      join(project, "cjs.cjs"),
      `const { Client, verifyWebhook, NotFoundError, BrowserfleetError } = require("@browserfleet/sdk");
const c = new Client({ apiKey: "agt_live_x" });
console.log(JSON.stringify([typeof c.waitForJob, typeof verifyWebhook, new NotFoundError("x", { code: "NOT_FOUND", status: 404 }) instanceof BrowserfleetError]));`,
    );
    expect(JSON.parse(run(process.execPath, ["esm.mjs"], project))).toEqual(["function", "function", true]);
    expect(JSON.parse(run(process.execPath, ["cjs.cjs"], project))).toEqual(["function", "function", true]);

    writeFileSync(
      join(project, "typed.mts"),
      `import { Client, type JobEnvelope, type ResultItem } from "@browserfleet/sdk";
const c = new Client({ apiKey: "agt_live_x" });
export async function run(): Promise<string> {
  const job: JobEnvelope = await c.batch({ urls: ["https://example.com"] });
  const items: ResultItem[] = [];
  for await (const item of c.iterResults(job.id)) items.push(item);
  // @ts-expect-error the url must be a string
  await c.scrape({ url: 1 });
  return job.status + items.length;
}`,
    );
    writeFileSync(
      join(project, "typed.cts"),
      `import { Client } from "@browserfleet/sdk";
export async function credits(): Promise<number> { return (await new Client({ apiKey: "agt_live_x" }).getCredits()).balance; }`,
    );
    const compiled = spawnSync(
      process.execPath,
      [tsc, "--strict", "--noEmit", "--skipLibCheck", "false", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node", "--typeRoots", join(repoRoot, "node_modules", "@types"), "typed.mts", "typed.cts"],
      { cwd: project, encoding: "utf8" },
    );
    expect(compiled.status, compiled.stdout + compiled.stderr).toBe(0);

    const transport = new StdioClientTransport({ command: "npx", args: ["--offline", "browserfleet-mcp"], cwd: project, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", BROWSERFLEET_API_KEY: "agt_live_00000000000000000000000000000000" } });
    const client = new Client({ name: "pack-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain("run_task");
    } finally {
      await client.close();
    }
  });
});
