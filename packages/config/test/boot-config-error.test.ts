import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Apart from load-config.test.ts (a unit test): this one starts every app as a process.
const root = join(import.meta.dirname, "..", "..", "..");

describe("a bad setting at boot", () => {
  it("stops a process at boot with a message naming the bad setting", () => {
    for (const app of ["api", "worker", "dispatcher"]) {
      const run = spawnSync(process.execPath, ["--import", "tsx", join("apps", app, "src", "main.ts")], {
        cwd: root,
        env: { PATH: process.env.PATH, WORKER_CONCURRENCY: "lots" },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(run.status, app).not.toBe(0);
      expect(run.stderr, app).toContain("WORKER_CONCURRENCY");
    }
  });
});
