import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";

export const repoRoot = join(import.meta.dirname, "..", "..");

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** The port the process announced (API port or ops port). */
  port: number;
  logs: string[];
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const READY_MESSAGES: Record<string, { msg: string; field: string }> = {
  api: { msg: "api listening", field: "port" },
  worker: { msg: "worker ready", field: "ops_port" },
  dispatcher: { msg: "dispatcher ready", field: "ops_port" },
};

/** How to run the app: its TypeScript sources through tsx (the default), or other arguments to node in another folder (the compiled build). */
export interface AppLaunch {
  args: string[];
  cwd: string;
}

/** Starts apps/<name> as a real child process and resolves once it logs that it is ready. */
export async function startApp(name: "api" | "worker" | "dispatcher", env: Record<string, string>, timeoutMs = 60_000, launch?: AppLaunch): Promise<AppProcess> {
  const child = spawn(process.execPath, launch?.args ?? ["--import", "tsx", join("apps", name, "src", "main.ts")], {
    cwd: launch?.cwd ?? repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = READY_MESSAGES[name]!;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never leave a half-started process behind a failed test or bench.
      child.kill("SIGKILL");
      reject(new Error(`${name} not ready after ${timeoutMs} ms:\n${logs.slice(-30).join("\n")}`));
    }, timeoutMs);
    const onLine = (line: string): void => {
      logs.push(line);
      if (logs.length > 2_000) logs.shift();
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === ready.msg) {
          clearTimeout(timer);
          resolve(Number(entry[ready.field]));
        }
      } catch {
        // not a JSON log line (e.g. a config error on stderr)
      }
    };
    createInterface({ input: child.stdout! }).on("line", onLine);
    createInterface({ input: child.stderr! }).on("line", onLine);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${logs.slice(-30).join("\n")}`));
    });
  });
  return {
    name,
    child,
    port,
    logs,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
