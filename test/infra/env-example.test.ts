import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { envSchema, loadConfig } from "@browserfleet/config";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./dockerfile-stages.ts";

// .env.example documents every setting the processes read (packages/config's schema) and nothing
// else: each as `KEY=value` or, for a default left alone, `# KEY=value`, under a comment saying what it does.
const lines = readFileSync(join(repoRoot, ".env.example"), "utf8").split("\n");
const SETTING = /^(#\s?)?([A-Z][A-Z0-9_]*)=(.*)$/;

interface Entry {
  key: string;
  value: string;
  commented: boolean;
  line: number;
}

const entries: Entry[] = lines.flatMap((text, line) => {
  const match = SETTING.exec(text);
  return match === null ? [] : [{ key: match[2]!, value: match[3]!, commented: match[1] !== undefined, line }];
});
const schemaKeys = Object.keys(envSchema.shape);

/** The value as a shell (or Compose) reads it: one pair of surrounding single quotes dropped. */
const unquoted = (value: string) => /^'(.*)'$/.exec(value)?.[1] ?? value;

describe(".env.example", () => {
  it("lists every setting of the schema", () => {
    const listed = new Set(entries.map((e) => e.key));
    expect(schemaKeys.filter((key) => !listed.has(key))).toEqual([]);
  });

  it("lists nothing the schema does not read, and each setting once", () => {
    const known = new Set(schemaKeys);
    expect(entries.filter((e) => !known.has(e.key)).map((e) => e.key)).toEqual([]);
    expect(entries.map((e) => e.key).filter((key, i, all) => all.indexOf(key) !== i)).toEqual([]);
  });

  it("says what each setting does in a comment just above it (or above its group)", () => {
    const undocumented = entries.filter((entry) => {
      for (let at = entry.line - 1; at >= 0; at -= 1) {
        const text = lines[at]!;
        if (SETTING.test(text)) continue;
        // A description, not a section heading ("# --- agents ---").
        return !/^#\s+\S/.test(text) || /^#\s+---/.test(text);
      }
      return true;
    });
    expect(undocumented.map((e) => e.key)).toEqual([]);
  });

  it("shows only values the schema accepts", () => {
    for (const entry of entries.filter((e) => e.value !== "")) {
      expect(() => loadConfig({ [entry.key]: unquoted(entry.value) }), `${entry.key}=${entry.value}`).not.toThrow();
    }
  });

  it("leaves the shared secrets empty, with how to generate them", () => {
    for (const key of ["FLEET_SECRET", "TASK_KEY_SECRET"]) {
      const entry = entries.find((e) => e.key === key)!;
      expect(entry.value, key).toBe("");
      const comment = lines.slice(Math.max(0, entry.line - 3), entry.line).join("\n");
      expect(comment, key).toContain("openssl rand -hex 32");
    }
  });

  it("is committed while .env stays ignored by git", () => {
    const ignored = (path: string) => spawnSync("git", ["check-ignore", "-q", path], { cwd: repoRoot }).status === 0;
    expect(ignored(".env")).toBe(true);
    expect(ignored(".env.example")).toBe(false);
  });
});
