import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadConfig } from "@browserfleet/config";
import { hashApiKey } from "@browserfleet/core";
import { createPrismaClient, createWorkspace, type PrismaClient } from "@browserfleet/db";
import { createTemporaryDatabase, type TemporaryDatabase } from "@browserfleet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../../node_modules/.bin/browserfleet", import.meta.url));
const run = promisify(execFile);

let database: TemporaryDatabase;
let prisma: PrismaClient;

/** Runs the real installed binary against this file's own database. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliWithEnv({}, ...args);
}

async function cliWithEnv(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(BIN, args, { env: { ...process.env, DATABASE_URL: database.url, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

async function newWorkspace(name: string): Promise<string> {
  const { stdout } = await cli("workspace", "create", "--name", name, "--json");
  return (JSON.parse(stdout) as { workspace_id: string }).workspace_id;
}

beforeAll(async () => {
  database = await createTemporaryDatabase(loadConfig().DATABASE_URL);
  prisma = createPrismaClient(database.url, { poolMax: 2 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

describe("browserfleet CLI", () => {
  it("workspace create --json prints the id and a key that authenticates", async () => {
    const result = await cli("workspace", "create", "--name", "Acme", "--json");
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["api_key", "workspace_id"]);
    expect(body.api_key).toMatch(/^agt_live_[0-9a-f]{32}$/);

    const key = await prisma.apiKey.findUniqueOrThrow({ where: { keyHash: hashApiKey(body.api_key!) } });
    expect(key.workspaceId).toBe(body.workspace_id);
    const workspace = await prisma.workspace.findUniqueOrThrow({ where: { id: body.workspace_id! } });
    expect(workspace).toMatchObject({ name: "Acme", creditBalance: 100 });
  });

  it("workspace create without --json prints readable text including the key", async () => {
    const result = await cli("workspace", "create", "--name", "Readable");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Created workspace "Readable"/);
    expect(result.stdout).toMatch(/agt_live_[0-9a-f]{32}/);
  });

  it("key create --json mints another key for the workspace", async () => {
    const workspaceId = await newWorkspace("Keys");
    const result = await cli("key", "create", "--workspace", workspaceId, "--name", "ci", "--json");
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["created_at", "id", "key", "name", "prefix"]);
    expect(body).toMatchObject({ name: "ci", prefix: body.key!.slice(0, 14) });
    expect(new Date(body.created_at!).toISOString()).toBe(body.created_at);
    const stored = await prisma.apiKey.findUniqueOrThrow({ where: { id: body.id! } });
    expect(stored).toMatchObject({ workspaceId, keyHash: hashApiKey(body.key!) });
  });

  it("key create stops at MAX_API_KEYS_PER_WORKSPACE active keys and says to revoke one", async () => {
    // One CLI run: the workspace (and its "default" key) made directly; a cap of 1 is then already reached.
    const { workspace } = await createWorkspace(prisma, { name: "Capped" });
    const refused = await cliWithEnv({ MAX_API_KEYS_PER_WORKSPACE: "1" }, "key", "create", "--workspace", workspace.id, "--name", "second");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already has 1 active API key, the most it may hold \(1\); revoke one .* before creating another/);
    expect(await prisma.apiKey.count({ where: { workspaceId: workspace.id } })).toBe(1);
  });

  it("workspace set changes max concurrency", async () => {
    const workspaceId = await newWorkspace("Limits");
    const result = await cli("workspace", "set", workspaceId, "--max-concurrency", "7");
    expect(result.code).toBe(0);
    expect((await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).maxConcurrency).toBe(7);
  });

  it("workspace set changes max agents, alone or with the other settings, and a bad value changes nothing", async () => {
    const workspaceId = await newWorkspace("Agents");
    const read = () => prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    expect(await read()).toMatchObject({ maxAgents: 5, maxConcurrency: 4 });
    const alone = await cli("workspace", "set", workspaceId, "--max-agents", "12");
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/max concurrency 4, max agents 12,/);
    expect(await read()).toMatchObject({ maxAgents: 12, maxConcurrency: 4 });
    for (const edge of ["1", "20"]) {
      const result = await cli("workspace", "set", workspaceId, "--max-agents", edge);
      expect({ edge, code: result.code }).toEqual({ edge, code: 0 });
      expect((await read()).maxAgents).toBe(Number(edge));
    }
    const together = await cli("workspace", "set", workspaceId, "--max-concurrency", "6", "--max-agents", "3", "--requests-per-minute", "50");
    expect(together.code).toBe(0);
    expect(await read()).toMatchObject({ maxAgents: 3, maxConcurrency: 6, requestsPerMinute: 50 });
    // A bad --max-agents after a good --max-concurrency rolls both back; a bad other value keeps --max-agents from landing.
    const badAgents = await cli("workspace", "set", workspaceId, "--max-concurrency", "2", "--max-agents", "21");
    expect(badAgents.code).toBe(2);
    expect(badAgents.stderr).toMatch(/max agents must be an integer from 1 to 20, got 21/);
    const badOther = await cli("workspace", "set", workspaceId, "--max-agents", "9", "--submissions-per-second", "0");
    expect(badOther.code).toBe(2);
    expect(badOther.stderr).toMatch(/submissions per second must be an integer from 1/);
    expect(await read()).toMatchObject({ maxAgents: 3, maxConcurrency: 6, requestsPerMinute: 50 });
  });

  it("workspace set changes the rate limits, alone or with max concurrency", async () => {
    const workspaceId = await newWorkspace("RateLimits");
    const read = () => prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    expect(await read()).toMatchObject({ requestsPerMinute: 600, submissionsPerSecond: 30 });
    const one = await cli("workspace", "set", workspaceId, "--requests-per-minute", "20");
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/20 requests\/min per key, 30 job submissions\/s/);
    const all = await cli("workspace", "set", workspaceId, "--submissions-per-second", "2", "--max-concurrency", "3");
    expect(all.code).toBe(0);
    expect(await read()).toMatchObject({ requestsPerMinute: 20, submissionsPerSecond: 2, maxConcurrency: 3 });
    // A bad value anywhere changes nothing.
    const bad = await cli("workspace", "set", workspaceId, "--max-concurrency", "5", "--submissions-per-second", "0");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/submissions per second must be an integer from 1/);
    expect(await read()).toMatchObject({ requestsPerMinute: 20, submissionsPerSecond: 2, maxConcurrency: 3 });
    const none = await cli("workspace", "set", workspaceId);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/at least one of/);
  });

  it("credits grant adds to the balance and the ledger", async () => {
    const workspaceId = await newWorkspace("Credits");
    const result = await cli("credits", "grant", "--workspace", workspaceId, "--amount", "250");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/balance is now 350/);
    expect((await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).creditBalance).toBe(350);
    const ledger = await prisma.creditLedgerEntry.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" } });
    expect(ledger.map((e) => [e.delta, e.balanceAfter, e.reason])).toEqual([
      [100, 100, "signup_grant"],
      [250, 350, "grant"],
    ]);
  });

  it("rejects bad arguments and unknown workspaces with a message and a non-zero exit", async () => {
    const workspaceId = await newWorkspace("Errors");
    const cases: [string[], number, RegExp][] = [
      [["workspace", "set", workspaceId, "--max-concurrency", "9"], 2, /from 1 to 8/],
      [["workspace", "set", workspaceId, "--max-concurrency", "lots"], 2, /must be an integer/],
      [["workspace", "set", workspaceId, "--max-agents", "0"], 2, /max agents must be an integer from 1 to 20, got 0/],
      [["workspace", "set", workspaceId, "--max-agents", "21"], 2, /from 1 to 20/],
      [["workspace", "set", workspaceId, "--max-agents", "2.5"], 2, /--max-agents must be an integer/],
      [["workspace", "set", workspaceId, "--max-agents", ""], 2, /--max-agents is required/],
      [["workspace", "set", "00000000-0000-4000-8000-000000000000", "--max-agents", "3"], 1, /not found/],
      [["workspace", "set", "nope", "--max-agents", "3"], 2, /must be a UUID/],
      [["workspace", "create"], 2, /--name is required/],
      [["workspace", "create", "--name", "x", "--bogus"], 2, /Unknown option '--bogus'/],
      [["frobnicate"], 2, /unknown command/],
      [["credits", "grant", "--workspace", "00000000-0000-4000-8000-000000000000", "--amount", "5"], 1, /not found/],
      [["key", "create", "--workspace", "nope"], 2, /must be a UUID/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(...args)));
    cases.forEach(([args, code, message], i) => {
      expect({ args, code: results[i]?.code }).toEqual({ args, code });
      expect(results[i]?.stderr).toMatch(message);
      expect(results[i]?.stdout).toBe("");
    });
    expect(await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).toMatchObject({ maxConcurrency: 4, maxAgents: 5 });
  });

  it("prints usage for --help and for no arguments", async () => {
    for (const result of await Promise.all([cli("--help"), cli()])) {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/usage:/);
      expect(result.stdout).toMatch(/--max-agents <1-20>/);
    }
  });
});
