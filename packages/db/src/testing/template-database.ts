import { createHash } from "node:crypto";
import pg from "pg";
import { quoteIdentifier, withDatabase } from "../migrations/database-url.ts";
import { migrateDatabase } from "../migrations/migrate-database.ts";
import { DEFAULT_MIGRATIONS_DIR } from "../prisma-folder.ts";
import { readMigrationFolders } from "../migrations/read-migration-folders.ts";

/**
 * Advisory lock (in the `postgres` maintenance database) guarding the templates: builders and
 * droppers hold it exclusively, copiers hold it shared, so a template never vanishes mid-copy.
 */
export const TEMPLATE_LOCK_KEY = 72707370;

const TEMPLATE_PREFIX = "bf_tpl_";
/** A template of other migrations is dropped only once it is this old, so two checkouts sharing a server do not ping-pong. */
const STALE_TEMPLATE_AGE_MS = 60 * 60 * 1000;
const BUILT_AT_COMMENT = "browserfleet test template, built at ";

export interface TemplateDatabaseOptions {
  migrationsDir?: string;
}

/** The template's name: a hash of every migration's name and checksum, so a changed migration gives a new template. */
export async function templateDatabaseName(migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<string> {
  const hash = createHash("sha256");
  for (const folder of await readMigrationFolders(migrationsDir)) hash.update(`${folder.name}\0${folder.checksum}\n`);
  return `${TEMPLATE_PREFIX}${hash.digest("hex").slice(0, 16)}`;
}

/** A client on the server's maintenance database, where the template lock lives. */
export async function connectMaintenance(baseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: withDatabase(baseUrl, "postgres") });
  await client.connect();
  return client;
}

// One build per server and migrations folder per process; other processes wait on the lock and find it built.
const builds = new Map<string, Promise<string>>();

/** Name of a fully migrated template database on baseUrl's server, building it once if it is missing. */
export function ensureTemplateDatabase(baseUrl: string, options: TemplateDatabaseOptions = {}): Promise<string> {
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const key = `${withDatabase(baseUrl, "postgres")}\0${migrationsDir}`;
  let build = builds.get(key);
  if (!build) {
    build = buildTemplate(baseUrl, migrationsDir);
    builds.set(key, build);
    // A failed build is not cached: the next caller tries again.
    build.catch(() => builds.delete(key));
  }
  return build;
}

/** Forgets this process's record of built templates, e.g. after another run dropped one. */
export function forgetTemplateDatabases(): void {
  builds.clear();
}

async function buildTemplate(baseUrl: string, migrationsDir: string): Promise<string> {
  const name = await templateDatabaseName(migrationsDir);
  const client = await connectMaintenance(baseUrl);
  try {
    // The common case, without queueing on the lock: an earlier file or run built it already.
    if (await isBuiltTemplate(client, name)) return name;
    await client.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK_KEY]);
    try {
      if (!(await isBuiltTemplate(client, name))) await migrateTemplate(client, baseUrl, name, migrationsDir);
    } finally {
      // Ending the session releases the lock anyway; a failed unlock must not hide the real error.
      await client.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK_KEY]).catch(() => undefined);
    }
    return name;
  } finally {
    await client.end();
  }
}

/** Builds the template from scratch; the caller holds the lock exclusively. */
async function migrateTemplate(client: pg.Client, baseUrl: string, name: string, migrationsDir: string): Promise<void> {
  const quoted = quoteIdentifier(name);
  // Marked as a template only once fully migrated: an unmarked one is what a crashed build left behind.
  await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${quoted}`);
  try {
    // migrateDatabase closes its connection before returning; copiers retry while that backend exits.
    await migrateDatabase(withDatabase(baseUrl, name), { migrationsDir });
    await client.query(`COMMENT ON DATABASE ${quoted} IS '${BUILT_AT_COMMENT}${new Date().toISOString()}'`);
    // No connections: a stray session on a template makes every CREATE DATABASE ... TEMPLATE fail.
    await client.query(`ALTER DATABASE ${quoted} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
  } catch (err) {
    await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`).catch(() => undefined);
    throw err;
  }
  await dropStaleTemplates(client, name).catch(() => undefined);
}

async function isBuiltTemplate(client: pg.Client, name: string): Promise<boolean> {
  const found = await client.query<{ datistemplate: boolean }>("SELECT datistemplate FROM pg_database WHERE datname = $1", [name]);
  return found.rows[0]?.datistemplate === true;
}

/** Drops templates of older migrations that nobody has rebuilt for a while; the caller holds the lock exclusively. */
async function dropStaleTemplates(client: pg.Client, current: string): Promise<void> {
  const others = await client.query<{ datname: string; built: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS built FROM pg_database
      WHERE starts_with(datname, $1) AND datname <> $2`,
    [TEMPLATE_PREFIX, current],
  );
  for (const { datname, built } of others.rows) {
    const builtAt = built?.startsWith(BUILT_AT_COMMENT) ? Date.parse(built.slice(BUILT_AT_COMMENT.length)) : Number.NaN;
    if (Date.now() - builtAt < STALE_TEMPLATE_AGE_MS) continue;
    await client.query(`ALTER DATABASE ${quoteIdentifier(datname)} WITH IS_TEMPLATE false`);
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
  }
}
