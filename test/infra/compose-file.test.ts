import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { envSchema } from "@browserfleet/config";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { copies, healthcheckCommand, readDockerfile, repoRoot } from "./dockerfile-stages.ts";

// docker-compose.yml, read as YAML (with the `<<` merge keys Compose understands): the services, their
// health checks and start order, one image for the apps, and a worker that any number of replicas can run.
interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  stop_grace_period?: string;
  shm_size?: string;
  container_name?: string;
  hostname?: string;
}

const compose = parse(readFileSync(join(repoRoot, "docker-compose.yml"), "utf8"), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const APPS = ["api", "worker", "dispatcher"] as const;
const ONE_SHOT = "migrate";
const BROWSERFLEET = [ONE_SHOT, ...APPS];
const runtime = readDockerfile().at(-1)!;

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((entry) => [entry.split("=")[0]!, entry.split("=").slice(1).join("=")]));
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value === null ? "" : String(value)]));
}

const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1] ?? Number.NaN);

describe("docker-compose.yml", () => {
  it("has postgres, redis, the migrate one-shot, api, worker and dispatcher", () => {
    expect(Object.keys(services).sort()).toEqual(["api", "dispatcher", "migrate", "postgres", "redis", "worker"]);
  });

  it("health-checks postgres, redis and every long-running app", () => {
    for (const name of ["postgres", "redis", ...APPS]) {
      const check = services[name]!.healthcheck;
      expect(check?.disable ?? false, `${name} healthcheck disabled`).toBe(false);
      expect(check?.test?.length ?? 0, `${name} healthcheck.test`).toBeGreaterThan(1);
    }
  });

  it("health-checks the apps with the image's own HEALTHCHECK", () => {
    const imageCheck = healthcheckCommand(runtime);
    expect(imageCheck).not.toBeNull();
    for (const name of APPS) expect(services[name]!.healthcheck!.test).toEqual(["CMD", ...imageCheck!]);
  });

  it("starts in order: migrate once postgres is healthy, the apps once migrate succeeded and redis is healthy", () => {
    expect(services[ONE_SHOT]!.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(services[ONE_SHOT]!.restart).toBe("no");
    for (const name of APPS) {
      const dependsOn = services[name]!.depends_on ?? {};
      expect(dependsOn[ONE_SHOT], `${name} after migrate`).toEqual({ condition: "service_completed_successfully" });
      expect(dependsOn.redis, `${name} after redis`).toEqual({ condition: "service_healthy" });
      expect(dependsOn.postgres, `${name} after postgres`).toEqual({ condition: "service_healthy" });
    }
  });

  it("lets the worker scale: no host port, no fixed container name or host name, shared memory for Chromium", () => {
    const worker = services.worker!;
    expect(worker.ports).toBeUndefined();
    expect(worker.container_name).toBeUndefined();
    expect(worker.hostname).toBeUndefined();
    expect(worker.shm_size).toBeDefined();
    // Unset (empty): each replica announces its own host name, which Docker's DNS resolves, not a shared service name.
    expect(environmentOf(worker).WORKER_ADVERTISE_HOST ?? "").toBe("");
  });

  it("publishes only the API (and the backing services for host development) on 127.0.0.1", () => {
    expect(services.api!.ports).toEqual(["127.0.0.1:3000:3000"]);
    for (const name of ["dispatcher", ONE_SHOT]) expect(services[name]!.ports).toBeUndefined();
    for (const name of ["postgres", "redis"]) for (const port of services[name]!.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it("runs the apps from one image built by infra/Dockerfile, with the compiled bundles it copies, never tsx", () => {
    const images = new Set(BROWSERFLEET.map((name) => services[name]!.image));
    expect([...images]).toEqual(["browserfleet:local"]);
    for (const name of BROWSERFLEET) expect(services[name]!.build?.dockerfile).toBe("infra/Dockerfile");
    expect(existsSync(join(repoRoot, "infra/Dockerfile"))).toBe(true);

    const bundled = copies(runtime).map((copy) => copy.destination);
    const commands = { api: "apps/api/dist/main.js", worker: "apps/worker/dist/main.js", dispatcher: "apps/dispatcher/dist/main.js", migrate: "packages/cli/dist/browserfleet.js" };
    for (const [name, file] of Object.entries(commands)) {
      const command = services[name]!.command!;
      expect(command[0], `${name} runs node`).toBe("node");
      expect(command, name).toContain(file);
      expect(command.join(" "), name).not.toMatch(/tsx|\.ts\b/);
      expect(bundled, `the image has ${file}`).toContain(file.replace(/\/[^/]+$/, ""));
    }
    expect(services[ONE_SHOT]!.command!.at(-1)).toBe("migrate");
  });

  it("gives a SIGTERMed app longer than its drain (SHUTDOWN_TIMEOUT_MS) before Docker kills it", () => {
    const drainSeconds = envSchema.shape.SHUTDOWN_TIMEOUT_MS.parse(undefined) / 1000;
    for (const name of APPS) expect(seconds(services[name]!.stop_grace_period ?? "10s"), name).toBeGreaterThan(drainSeconds);
  });

  it("sets only settings the processes read (packages/config's schema), and the containers' own addresses", () => {
    const known = new Set(Object.keys(envSchema.shape));
    for (const name of BROWSERFLEET) {
      const env = environmentOf(services[name]!);
      expect(Object.keys(env).filter((key) => !known.has(key)), name).toEqual([]);
      expect(env.DATABASE_URL, name).toBe("postgresql://postgres@postgres:5432/browserfleet");
      expect(env.REDIS_URL, name).toBe("redis://redis:6379");
      expect(env.HOST, name).toBe("0.0.0.0");
    }
  });

  it("is a valid Compose file to `docker compose config` where the Compose plugin exists", () => {
    const version = spawnSync("docker", ["compose", "version"], { encoding: "utf8" });
    if (version.status !== 0) {
      console.log("docker compose is not available here: `docker compose config -q` not run (the YAML checks above still ran)");
      return;
    }
    const config = spawnSync("docker", ["compose", "-f", "docker-compose.yml", "config", "-q"], { cwd: repoRoot, encoding: "utf8" });
    expect(config.status, config.stderr).toBe(0);
  });
});
