import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

type SchemaEngineClass = typeof SchemaEngine;

// The wasm glue keeps its instance in module state, so it may be instantiated only once per process.
let loading: Promise<SchemaEngineClass> | undefined;

/**
 * Instantiates @prisma/schema-engine-wasm by hand: its entry file imports the .wasm as an ES module,
 * which Node 20 only allows behind --experimental-wasm-modules.
 */
export function loadSchemaEngine(): Promise<SchemaEngineClass> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return glue.SchemaEngine;
  })();
  return loading;
}
