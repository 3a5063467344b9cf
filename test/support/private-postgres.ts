import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sparePort } from "./private-redis.ts";

const run = promisify(execFile);

/** A Postgres cluster of the test's own on a spare port, which the test may stop and start again. */
export interface PrivatePostgres {
  /** URL of its maintenance database (`postgres`), user postgres, trust auth. */
  url: string;
  port: number;
  /** A fast shutdown: open sessions are terminated (57P01), new connects refused. Data is kept. No-op if stopped. */
  stop(): Promise<void>;
  /** No-op if running. */
  start(): Promise<void>;
  /** Stops it and deletes its files. */
  destroy(): Promise<void>;
}

export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";

/** initdb and pg_ctl refuse to run as root: as root they run as the postgres user. */
function asServerUser(binary: string, args: string[]): [string, string[]] {
  const path = join(POSTGRES_BIN, binary);
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", path, ...args]] : [path, args];
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(join(tmpdir(), "bf-pg-"));
  await chmod(dir, 0o777);
  const data = join(dir, "data");
  const port = await sparePort();
  const pgCtl = async (...args: string[]): Promise<void> => {
    const [cmd, argv] = asServerUser("pg_ctl", ["-D", data, ...args]);
    await run(cmd, argv, { timeout: 60_000 });
  };
  const [initCmd, initArgs] = asServerUser("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  await run(initCmd, initArgs, { timeout: 120_000 });
  // Only TCP on 127.0.0.1 (the socket directory is the cluster's own), fsync off: a test's throwaway data.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off -c max_connections=200`;
  let running = false;
  const start = async (): Promise<void> => {
    if (running) return;
    await pgCtl("start", "-w", "-t", "60", "-l", join(dir, "server.log"), "-o", options);
    running = true;
  };
  const stop = async (): Promise<void> => {
    if (!running) return;
    await pgCtl("stop", "-m", "fast", "-w", "-t", "60");
    running = false;
  };
  await start();
  let destroyed = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
