import { hashApiKey, isWellFormedApiKey, type ApiError } from "@browserfleet/core";
import { describe, expect, it } from "vitest";
import {
  createApiKey,
  createWorkspace,
  createPrismaClient,
  findApiKeyByHash,
  grantCredits,
  setWorkspaceMaxConcurrency,
} from "../src/index.ts";
import { useTemporaryPrisma } from "./temporary-prisma.ts";

const MISSING = "00000000-0000-4000-8000-000000000000";
const db = useTemporaryPrisma();

async function ledgerSum(workspaceId: string): Promise<number> {
  const sum = await db.prisma.creditLedgerEntry.aggregate({ where: { workspaceId }, _sum: { delta: true } });
  return sum._sum.delta ?? 0;
}

function expectApiError(code: string) {
  return expect.objectContaining<Partial<ApiError>>({ name: "ApiError", code: code as ApiError["code"] });
}

describe("createWorkspace", () => {
  it("grants 100 signup credits, records them in the ledger and stores only the key's hash", async () => {
    const { workspace, apiKey } = await createWorkspace(db.prisma, { name: "  Acme  " });
    expect(workspace).toMatchObject({ name: "Acme", creditBalance: 100, maxConcurrency: 4 });
    expect(workspace.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const ledger = await db.prisma.creditLedgerEntry.findMany({ where: { workspaceId: workspace.id } });
    expect(ledger).toEqual([expect.objectContaining({ delta: 100, balanceAfter: 100, reason: "signup_grant" })]);
    expect(await ledgerSum(workspace.id)).toBe(workspace.creditBalance);

    expect(isWellFormedApiKey(apiKey.key)).toBe(true);
    expect(apiKey).toMatchObject({ name: "default", prefix: apiKey.key.slice(0, 14) });
    const stored = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(stored.keyHash).toBe(hashApiKey(apiKey.key));
    expect(JSON.stringify(stored)).not.toContain(apiKey.key);

    expect(await findApiKeyByHash(db.prisma, hashApiKey(apiKey.key))).toEqual({
      id: apiKey.id,
      workspaceId: workspace.id,
      revokedAt: null,
      maxConcurrency: 4,
      requestsPerMinute: 600,
      submissionsPerSecond: 30,
    });
    expect(await findApiKeyByHash(db.prisma, hashApiKey("agt_live_00000000000000000000000000000000"))).toBeNull();
  });

  it("rejects an empty name and writes nothing", async () => {
    const before = await db.prisma.workspace.count();
    await expect(createWorkspace(db.prisma, { name: "  " })).rejects.toEqual(expectApiError("BAD_REQUEST"));
    expect(await db.prisma.workspace.count()).toBe(before);
  });
});

describe("createApiKey", () => {
  it("adds a working key to an existing workspace and refuses unknown ones", async () => {
    const { workspace } = await createWorkspace(db.prisma, { name: "Keys" });
    const key = await createApiKey(db.prisma, { workspaceId: workspace.id, name: "ci", maxActiveKeys: 50 });
    expect(key.name).toBe("ci");
    expect((await findApiKeyByHash(db.prisma, hashApiKey(key.key)))?.workspaceId).toBe(workspace.id);

    await expect(createApiKey(db.prisma, { workspaceId: MISSING, name: "x", maxActiveKeys: 50 })).rejects.toEqual(expectApiError("NOT_FOUND"));
    await expect(createApiKey(db.prisma, { workspaceId: "not-a-uuid", name: "x", maxActiveKeys: 50 })).rejects.toEqual(expectApiError("INVALID_ID"));
  });

  it("never passes the cap of active keys, even for concurrent creates; revoked keys do not count", async () => {
    const { workspace } = await createWorkspace(db.prisma, { name: "Capped" });
    const cap = 5;
    // Enough connections that the creates really overlap (without the row lock, 8 to 11 of them got through here).
    const wide = createPrismaClient(db.database.url, { poolMax: 10 });
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => createApiKey(wide, { workspaceId: workspace.id, name: `k${i}`, maxActiveKeys: cap })));
    await wide.$disconnect();
    // The "default" key of the new workspace counts: four more fit.
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(cap - 1);
    for (const refused of attempts.filter((a) => a.status === "rejected")) {
      expect(refused.reason).toEqual(expectApiError("KEY_LIMIT_REACHED"));
      expect((refused.reason as ApiError).message).toMatch(/revoke one .* before creating another/);
    }
    const active = () => db.prisma.apiKey.count({ where: { workspaceId: workspace.id, revokedAt: null } });
    expect(await active()).toBe(cap);

    const victim = await db.prisma.apiKey.findFirstOrThrow({ where: { workspaceId: workspace.id, name: "default" } });
    await db.prisma.apiKey.update({ where: { id: victim.id }, data: { revokedAt: new Date() } });
    await createApiKey(db.prisma, { workspaceId: workspace.id, name: "after-revoke", maxActiveKeys: cap });
    await expect(createApiKey(db.prisma, { workspaceId: workspace.id, name: "one-too-many", maxActiveKeys: cap })).rejects.toEqual(expectApiError("KEY_LIMIT_REACHED"));
    expect(await active()).toBe(cap);
  });
});

describe("setWorkspaceMaxConcurrency", () => {
  it("accepts 1 to 8 only", async () => {
    const { workspace } = await createWorkspace(db.prisma, { name: "Limits" });
    expect((await setWorkspaceMaxConcurrency(db.prisma, workspace.id, 8)).maxConcurrency).toBe(8);
    expect((await setWorkspaceMaxConcurrency(db.prisma, workspace.id, 1)).maxConcurrency).toBe(1);
    for (const bad of [0, 9, 2.5]) {
      await expect(setWorkspaceMaxConcurrency(db.prisma, workspace.id, bad)).rejects.toEqual(expectApiError("BAD_REQUEST"));
    }
    await expect(setWorkspaceMaxConcurrency(db.prisma, MISSING, 2)).rejects.toEqual(expectApiError("NOT_FOUND"));
    expect((await db.prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id } })).maxConcurrency).toBe(1);
  });
});

describe("grantCredits", () => {
  it("adds to the balance and records the balance each grant produced", async () => {
    const { workspace } = await createWorkspace(db.prisma, { name: "Credits" });
    const granted = await grantCredits(db.prisma, { workspaceId: workspace.id, amount: 50 });
    expect(granted.balance).toBe(150);
    expect(granted.entry).toMatchObject({ delta: 50, balanceAfter: 150, reason: "grant" });

    // Concurrent grants must neither lose an increment nor record a stale balance_after.
    await Promise.all(Array.from({ length: 10 }, () => grantCredits(db.prisma, { workspaceId: workspace.id, amount: 5, reason: "promo" })));
    const balance = (await db.prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id } })).creditBalance;
    expect(balance).toBe(200);
    expect(await ledgerSum(workspace.id)).toBe(balance);
    const afters = (await db.prisma.creditLedgerEntry.findMany({ where: { workspaceId: workspace.id, reason: "promo" } }))
      .map((e) => e.balanceAfter)
      .sort((a, b) => a - b);
    expect(afters).toEqual([155, 160, 165, 170, 175, 180, 185, 190, 195, 200]);
  });

  it("rejects non-positive amounts and unknown workspaces", async () => {
    const { workspace } = await createWorkspace(db.prisma, { name: "Refusals" });
    for (const bad of [0, -5, 1.5]) {
      await expect(grantCredits(db.prisma, { workspaceId: workspace.id, amount: bad })).rejects.toEqual(expectApiError("BAD_REQUEST"));
    }
    await expect(grantCredits(db.prisma, { workspaceId: MISSING, amount: 5 })).rejects.toEqual(expectApiError("NOT_FOUND"));
    expect(await ledgerSum(workspace.id)).toBe(100);
  });
});
