import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isIgnored, readDockerignore } from "./dockerignore-rules.ts";
import { workspaceFolders } from "../support/workspace-folders.ts";
import { contextFilesIn, copies, execForm, healthcheckCommand, instructions, readDockerfile, repoRoot } from "./dockerfile-stages.ts";

// infra/Dockerfile, read as text (no Docker engine here): a build stage with dev dependencies and a
// runtime stage with production dependencies, Debian's Chromium, the bundles, a non-root user and a
// HEALTHCHECK that works (it is run below against a local server).
const stages = readDockerfile();
const runtime = stages.at(-1)!;
const build = stages.find((s) => instructions(s, "RUN").some((run) => run.includes("npm run build")));
const runs = instructions(runtime, "RUN").join("\n");

/** The outputs `npm run build` writes (scripts/build.mjs's BUNDLES): their folders are what the runtime needs. */
const bundleFolders = [...readFileSync(join(repoRoot, "scripts/build.mjs"), "utf8").matchAll(/outfile:\s*"([^"]+)"/g)].map(([, file]) => file!.replace(/\/[^/]+$/, ""));

describe("infra/Dockerfile", () => {
  it("has a build stage and a runtime stage on node:20-bookworm-slim", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build, "a stage that runs `npm run build`").toBeDefined();
    expect(build).not.toBe(runtime);
    expect(build!.image).toBe("node:20-bookworm-slim");
    expect(runtime.image).toBe("node:20-bookworm-slim");
  });

  it("builds with dev dependencies: npm ci, the Prisma client, then the bundles", () => {
    const buildRuns = instructions(build!, "RUN").join("\n");
    expect(buildRuns).toMatch(/npm ci\b/);
    expect(buildRuns).not.toMatch(/--omit=dev/);
    expect(buildRuns).toMatch(/npm run -w packages\/db generate/);
    expect(buildRuns.indexOf("generate")).toBeLessThan(buildRuns.indexOf("npm run build"));
  });

  it("runs no dependency's install script, as the root package.json's allowScripts says (npm 10 in the image would)", () => {
    const installs = stages.flatMap((stage) => instructions(stage, "RUN")).filter((run) => /npm ci\b/.test(run));
    expect(installs.length).toBe(2);
    for (const run of installs) expect(run).toContain("--ignore-scripts");
  });

  it("runs npm ci --omit=dev in the runtime stage and installs Debian's Chromium, fonts and tini from apt", () => {
    expect(runs).toMatch(/npm ci\b[^\n]*--omit=dev/);
    // Without it npm keeps @prisma/client's optional peers (the Prisma CLI, TypeScript): "devOptional" packages.
    expect(runs).toMatch(/npm ci\b[^\n]*--omit=optional/);
    expect(runs).toMatch(/apt-get install\b[^\n]*\bchromium\b/);
    for (const pkg of ["fonts-liberation", "ca-certificates", "tini"]) expect(runs).toContain(pkg);
  });

  it("copies every workspace's package.json into the runtime stage, and only files that exist", () => {
    const copied = contextFilesIn(stages, runtime);
    const folders = workspaceFolders();
    expect(folders.length).toBeGreaterThan(3);
    expect(folders.filter((folder) => !copied.includes(`${folder}/package.json`))).toEqual([]);
    for (const file of ["package.json", "package-lock.json"]) expect(copied).toContain(file);
    for (const file of copied) expect(existsSync(join(repoRoot, file)), `${file} is COPYed but does not exist`).toBe(true);
  });

  it("gives the runtime the bundles and migrations, never the sources or the build's node_modules", () => {
    const runtimeCopies = copies(runtime);
    const fromBuild = runtimeCopies.filter((copy) => copy.from === build!.name).flatMap((copy) => copy.sources);
    expect(bundleFolders.length).toBeGreaterThanOrEqual(4);
    for (const folder of [...bundleFolders, "prisma"]) expect(fromBuild).toContain(`/app/${folder}`);
    expect(fromBuild.filter((source) => source.includes("node_modules"))).toEqual([]);
    expect(runtimeCopies.filter((copy) => copy.from === null && copy.sources.includes("."))).toEqual([]);
  });

  it("runs as a non-root user with tini, and never through tsx", () => {
    const user = instructions(runtime, "USER").at(-1);
    expect(user, "USER in the runtime stage").toBeDefined();
    expect(user!.split(":")[0]).not.toMatch(/^(root|0)$/);
    expect(user).toBe("10001:10001");
    const entrypoint = execForm(instructions(runtime, "ENTRYPOINT").at(-1)!);
    const command = execForm(instructions(runtime, "CMD").at(-1)!);
    expect(entrypoint).toEqual(["tini", "--"]);
    expect([...entrypoint, ...command].join(" ")).not.toMatch(/tsx/);
    expect(command).toEqual(["node", "--enable-source-maps", "apps/api/dist/main.js"]);
    const env = instructions(runtime, "ENV").join(" ");
    for (const setting of ["NODE_ENV=production", "CHROMIUM_PATH=/usr/bin/chromium", "HOST=0.0.0.0", "CHROMIUM_SANDBOX="]) expect(env).toContain(setting);
  });
});

describe("the image's HEALTHCHECK", () => {
  const command = healthcheckCommand(runtime);
  let healthy: Server;
  let unhealthy: Server;
  let closedPort: number;

  const listen = async (status: number): Promise<Server> => {
    const server = createServer((req, res) => {
      res.statusCode = req.url === "/healthz" ? status : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return server;
  };
  const portOf = (server: Server) => (server.address() as AddressInfo).port;

  /** Runs the check as Docker would, in an environment naming the three apps' ports; its exit code. */
  const check = (ports: { PORT: number; WORKER_PORT: number; DISPATCHER_PORT: number }) =>
    new Promise<number | null>((resolve, reject) => {
      const [file, ...args] = command!;
      const child = spawn(file === "node" ? process.execPath : file!, args, {
        env: { PATH: process.env.PATH ?? "", PORT: String(ports.PORT), WORKER_PORT: String(ports.WORKER_PORT), DISPATCHER_PORT: String(ports.DISPATCHER_PORT) },
        stdio: "ignore",
      });
      child.on("error", reject);
      child.on("exit", (code) => resolve(code));
    });

  beforeAll(async () => {
    healthy = await listen(200);
    unhealthy = await listen(503);
    const probe = await listen(200);
    closedPort = portOf(probe);
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(async () => {
    await Promise.all([healthy, unhealthy].map((server) => new Promise((resolve) => server?.close(resolve))));
  });

  it("is a node command (the image has no curl) hitting /healthz", () => {
    expect(command?.[0]).toBe("node");
    expect(command!.join(" ")).toContain("/healthz");
  });

  it("passes when the app of any of the three ports answers /healthz with 200", async () => {
    expect(await check({ PORT: portOf(healthy), WORKER_PORT: closedPort, DISPATCHER_PORT: closedPort })).toBe(0);
    expect(await check({ PORT: closedPort, WORKER_PORT: portOf(healthy), DISPATCHER_PORT: closedPort })).toBe(0);
    expect(await check({ PORT: closedPort, WORKER_PORT: closedPort, DISPATCHER_PORT: portOf(healthy) })).toBe(0);
  });

  it("fails when nothing answers, or the app answers anything but 200", async () => {
    expect(await check({ PORT: closedPort, WORKER_PORT: closedPort, DISPATCHER_PORT: closedPort })).toBe(1);
    expect(await check({ PORT: closedPort, WORKER_PORT: portOf(unhealthy), DISPATCHER_PORT: closedPort })).toBe(1);
  });
});

describe(".dockerignore", () => {
  const rules = readDockerignore();

  it("keeps dependencies, git, secrets and local build outputs out of the build context", () => {
    for (const path of [
      "node_modules/zod/package.json",
      "packages/tasks/node_modules/ajv/package.json",
      ".git/HEAD",
      ".env",
      "apps/api/dist/main.js",
      "packages/cli/dist/browserfleet.js",
      "packages/db/src/generated/prisma/client.ts",
      "coverage/index.html",
      "sdks/python/src/browserfleet/__pycache__/client.cpython-311.pyc",
      "test/e2e/production-build.test.ts",
    ]) {
      expect(isIgnored(rules, path), `${path} must stay out of the build context`).toBe(true);
    }
  });

  it("sends everything the Dockerfile copies and the build reads", () => {
    const needed = [
      ...stages.flatMap((stage) => copies(stage).filter((copy) => copy.from === null).flatMap((copy) => copy.sources)),
      "scripts/build.mjs",
      "prisma.config.ts",
      "prisma/schema.prisma",
      "packages/queue/src/admission/index.ts",
      "packages/sdk/src/generated/openapi.ts",
    ].filter((path) => path !== ".");
    expect(needed.filter((path) => isIgnored(rules, path))).toEqual([]);
  });
});
