import { defineConfig } from "vitest/config";

// Tiers, by what a file needs. `unit`: no Postgres, Redis or Chromium and no app process; listed one by one,
// so a new test lands in a slower tier until someone checks it needs nothing. Everything else under the
// packages' and apps' test folders is `integration`; test/e2e splits into `chaos` (by file name) and `e2e`.
const unit = [
  "packages/core/test/**/*.test.ts",
  "packages/runtime/test/within.test.ts",
  "packages/config/test/load-config.test.ts",
  "apps/api/test/json-chunks.test.ts",
  "apps/api/test/idempotent-routes.test.ts",
  "apps/worker/test/context-lanes.test.ts",
  "apps/worker/test/plan-crawl-page.test.ts",
  "apps/worker/test/privileged-targets.test.ts",
  "apps/worker/test/descendant-memory.test.ts",
  "test/docs/**/*.test.ts",
  "packages/sdk/test/**/*.test.ts",
  "packages/mcp/test/**/*.test.ts",
  // Rendered manifests, compose file, Dockerfile and .env.example: files and kubectl only.
  "test/infra/**/*.test.ts",
];
// Outages, crashes, exactly-once, drain, fuzz and process lifecycles: slow, and they kill processes on purpose.
const chaos = ["test/e2e/**/*{outage,crash,exactly-once,drain,fuzz,process-lifecycle}*.test.ts"];

// Each test file isolates itself (own database, own queue prefix), so files run in parallel.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // For the whole run: every project's files share these two workers.
    maxWorkers: 2,
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: unit,
          // Points the services at closed ports, so a unit test that reaches one fails instead of passing here.
          setupFiles: ["test/support/unit-setup.ts"],
        },
      },
      {
        extends: true,
        test: { name: "integration", include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"], exclude: unit },
      },
      { extends: true, test: { name: "e2e", include: ["test/**/*.test.ts"], exclude: [...unit, ...chaos] } },
      { extends: true, test: { name: "chaos", include: chaos } },
    ],
  },
});
