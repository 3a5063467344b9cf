import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startApp, type AppProcess } from "../support/app-process.ts";
import { startFixtureSite, type FixtureSite } from "../support/fixture-site.ts";
import { apiClient } from "../support/http-client.ts";
import { allResults, waitForJob } from "../support/job-polling.ts";
import { localFleetEnv } from "../support/test-stack.ts";
import { workspaceFolders } from "../support/workspace-folders.ts";

// README's production path, as an image would run it: `npm run build`, then only what the runtime
// stage copies (the lockfile, every workspace's package.json, the bundles, prisma/) installed with
// `npm ci --omit=dev` into a scratch folder, migrated by the compiled CLI, and the three apps started
// with `node apps/<app>/dist/main.js`: no tsx, no TypeScript, no dev dependency anywhere.
const scratch = mkdtempSync(join(tmpdir(), "browserfleet-prod-"));
const databaseName = `bf_prod_${randomBytes(6).toString("hex")}`;
const maintenanceUrl = "postgresql://postgres@127.0.0.1:5432/postgres";
const databaseUrl = `postgresql://postgres@127.0.0.1:5432/${databaseName}`;
const apps: AppProcess[] = [];
let site: FixtureSite;

const run = (command: string, args: string[], cwd: string, env: Record<string, string> = {}): string =>
  execFileSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });

function copy(relativePath: string): void {
  mkdirSync(dirname(join(scratch, relativePath)), { recursive: true });
  cpSync(join(repoRoot, relativePath), join(scratch, relativePath), { recursive: true });
}

async function dropDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  site = await startFixtureSite();
  run("npm", ["run", "--silent", "build"], repoRoot);
  for (const file of ["package.json", "package-lock.json", ".npmrc", "prisma"]) copy(file);
  for (const folder of workspaceFolders()) copy(join(folder, "package.json"));
  for (const bundle of ["apps/api/dist", "apps/worker/dist", "apps/dispatcher/dist", "packages/cli/dist"]) copy(bundle);
  // --omit=optional too: @prisma/client's optional peers (the prisma CLI, TypeScript) are "devOptional" to npm, which
  // --omit=dev alone keeps; the only optional production packages are msgpackr's native speed-up and pg-cloudflare.
  // From npm's cache (the repo's own install filled it); only a machine that never installed them would need the registry.
  const install = ["ci", "--omit=dev", "--omit=optional", "--no-audit", "--no-fund"];
  const offline = spawnSync("npm", [...install, "--offline"], { cwd: scratch, encoding: "utf8" });
  if (offline.status !== 0) run("npm", [...install, "--prefer-offline"], scratch);
}, 600_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await site?.close();
  await dropDatabase();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the production build: compiled bundles on --omit=dev dependencies", () => {
  it("has no dev dependency and no TypeScript sources of the apps to fall back on", () => {
    for (const devOnly of ["tsx", "typescript", "vitest", "esbuild", "prisma", "eslint", "playwright"]) {
      expect(existsSync(join(scratch, "node_modules", devOnly)), `${devOnly} must not be installed`).toBe(false);
    }
    for (const app of ["api", "worker", "dispatcher"]) expect(existsSync(join(scratch, "apps", app, "src"))).toBe(false);
  });

  it("migrates with the compiled CLI, starts api, worker and dispatcher with node dist/main.js, answers /readyz, and renders a page", async () => {
    const cli = (...args: string[]) => run(process.execPath, ["packages/cli/dist/browserfleet.js", ...args], scratch, { DATABASE_URL: databaseUrl });
    expect(cli("migrate")).toMatch(/applied \d+ migration/);
    const created = JSON.parse(cli("workspace", "create", "--name", "production-build", "--json")) as { workspace_id: string; api_key: string };
    cli("credits", "grant", "--workspace", created.workspace_id, "--amount", "10");

    const env = { ...localFleetEnv({ databaseUrl, redisUrl: "redis://127.0.0.1:6379" }), NODE_ENV: "production", LOG_FORMAT: "json" };
    const compiled = (name: "api" | "worker" | "dispatcher") =>
      startApp(name, env, 90_000, { args: ["--enable-source-maps", join("apps", name, "dist", "main.js")], cwd: scratch });
    const [api, worker, dispatcher] = await Promise.all([compiled("api"), compiled("worker"), compiled("dispatcher")]);
    apps.push(api, worker, dispatcher);

    for (const app of apps) {
      const ready = await fetch(`http://127.0.0.1:${app.port}/readyz`);
      expect(ready.status, `${app.name} /readyz: ${await ready.clone().text()}`).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready" });
    }

    const client = apiClient(`http://127.0.0.1:${api.port}`, created.api_key);
    const submitted = await client.post<{ id: string }>("/v1/quick/batch", { urls: [`${site.origin}/page/1`, `${site.origin}/page/2`], formats: ["markdown", "html"] });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const done = await waitForJob(client, submitted.body.id, { timeoutMs: 60_000 });
    expect(done).toMatchObject({ status: "completed", progress_done: 2, progress_failed: 0, credits_charged: 2 });
    const results = await allResults(client, submitted.body.id);
    expect(results.map((r) => r.status)).toEqual(["completed", "completed"]);
    // The markdown converter's libraries are read from node_modules at run time: they must be there too.
    expect(JSON.stringify(results[0])).toContain("# Fixture page");
    // Each process drains and exits cleanly from the compiled code too.
    for (const app of apps.splice(0)) {
      await app.stop("SIGTERM");
      expect(app.child.exitCode, `${app.name} exit:\n${app.logs.slice(-10).join("\n")}`).toBe(0);
    }
  });
});
