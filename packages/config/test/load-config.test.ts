import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/index.ts";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/browserfleet",
      REDIS_URL: "redis://127.0.0.1:6379",
      ALLOW_LOOPBACK_TARGETS: false,
      CHROMIUM_PATH: "/usr/bin/chromium",
      WORKER_CONCURRENCY: 4,
      LOG_LEVEL: "info",
      WEBHOOK_RETRY_SCALE: 1,
      CHROMIUM_EXTRA_ARGS: [],
    });
  });

  it("parses booleans, numbers and JSON arrays", () => {
    const config = loadConfig({ ALLOW_LOOPBACK_TARGETS: "true", PORT: "8080", CHROMIUM_EXTRA_ARGS: '["--a=b"]', WEBHOOK_RETRY_SCALE: "0.01" });
    expect(config.ALLOW_LOOPBACK_TARGETS).toBe(true);
    expect(config.PORT).toBe(8080);
    expect(config.CHROMIUM_EXTRA_ARGS).toEqual(["--a=b"]);
    expect(config.WEBHOOK_RETRY_SCALE).toBe(0.01);
  });

  it("names every bad variable", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", REDIS_URL: "http://x", ALLOW_LOOPBACK_TARGETS: "maybe", CHROMIUM_EXTRA_ARGS: "--flag" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ["PORT", "REDIS_URL", "ALLOW_LOOPBACK_TARGETS", "CHROMIUM_EXTRA_ARGS"]) expect(message).toContain(name);
  });
});
