import pg from "pg";

// pg_catalog types the schema engine reads while describing a database but @prisma/adapter-pg 7
// cannot map ("Column type 'char' could not be deserialized"): all arrive as text, so call them text.
const CATALOG_TYPE_OIDS = new Set([18, 22, 24, 28, 29, 30, 194, 1033, 2205, 2206]);
const TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] };

function relabel<T>(result: T): T {
  for (const r of (Array.isArray(result) ? result : [result]) as QueryResultLike[]) {
    for (const field of r?.fields ?? []) if (CATALOG_TYPE_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
  return result;
}

/** A pool whose clients report catalog-only column types as text; only for the schema engine. */
export function createCatalogFriendlyPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 2 });
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const last = args.at(-1);
      if (typeof last === "function") {
        args[args.length - 1] = (err: unknown, res: unknown) => last(err, res && relabel(res));
        return query(...args);
      }
      const out = query(...args);
      return out instanceof Promise ? out.then(relabel) : out;
    };
  });
  return pool;
}
