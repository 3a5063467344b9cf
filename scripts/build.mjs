// `npm run build`: the production JavaScript of the three apps and the CLI, one bundle each.
//
// esbuild bundles our own workspace packages (their sources are TypeScript) into each app and leaves
// every npm package external, so production runs `node apps/<app>/dist/main.js` against the
// `npm ci --omit=dev` node_modules, with no tsx and no dev dependency. The build fails when a bundle
// imports a package that no production dependency list of its workspaces names (it would install
// fine here and crash in the image).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { build } from "esbuild";
import { root, say } from "./lib/prerequisites.mjs";

/** What is built: the entry, where it goes, and the workspace whose dependencies it may use. */
export const BUNDLES = [
  { entry: "apps/api/src/main.ts", outfile: "apps/api/dist/main.js", workspace: "apps/api" },
  { entry: "apps/worker/src/main.ts", outfile: "apps/worker/dist/main.js", workspace: "apps/worker" },
  { entry: "apps/dispatcher/src/main.ts", outfile: "apps/dispatcher/dist/main.js", workspace: "apps/dispatcher" },
  { entry: "packages/cli/src/bin.ts", outfile: "packages/cli/dist/browserfleet.js", workspace: "packages/cli" },
];

/** Files read at run time beside the code that reads them (new URL("./lua/…", import.meta.url)): copied next to each bundle. */
const RUNTIME_ASSETS = [{ from: "packages/queue/src/admission/lua", to: "lua" }];

const WORKSPACE_SCOPE = "@browserfleet/";

const readJson = (path) => JSON.parse(readFileSync(join(root, path), "utf8"));

/** npm package name of a bare import: "a/b/c" → "a", "@s/a/b" → "@s/a". */
function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Workspace package name → its folder, from the root package.json's workspaces globs (packages/*, apps/*). */
function workspaceFolders() {
  const folders = new Map();
  for (const glob of readJson("package.json").workspaces) {
    const parent = glob.replace(/\/\*$/, "");
    for (const name of readdirSync(join(root, parent))) {
      const manifest = join(parent, name, "package.json");
      if (existsSync(join(root, manifest))) folders.set(readJson(manifest).name, join(parent, name));
    }
  }
  return folders;
}

/** The production dependencies a workspace may use at run time: its own and, transitively, its workspace dependencies'. */
function productionDependencies(workspace, folders) {
  const allowed = new Set();
  const seen = new Set();
  const visit = (folder) => {
    if (seen.has(folder)) return;
    seen.add(folder);
    for (const dep of Object.keys(readJson(join(folder, "package.json")).dependencies ?? {})) {
      if (dep.startsWith(WORKSPACE_SCOPE) && folders.has(dep)) visit(folders.get(dep));
      else allowed.add(dep);
    }
  };
  visit(workspace);
  return allowed;
}

/** The folder of the copy of npm package `name` that Node finds from `dir` (walking up node_modules folders), or null. */
function locatePackage(dir, name) {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(at) === at) return null;
  }
}

/**
 * Keeps npm packages out of the bundle (they come from node_modules at run time) and records which our
 * sources import. A package is left external only where the bundle's own folder finds the very copy the
 * importing source finds: a workspace's nested copy (packages/tasks/node_modules/ajv beside a hoisted
 * older ajv) is bundled in instead, with everything it imports, so the bundle never runs another version.
 */
function externalPackages(imported, outdir) {
  return {
    name: "external-npm-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith(WORKSPACE_SCOPE) || args.path.startsWith("node:") || isBuiltin(args.path)) return undefined;
        if (args.resolveDir.split(sep).includes("node_modules")) return undefined;
        const name = packageName(args.path);
        imported.add(name);
        const seen = locatePackage(args.resolveDir, name);
        if (seen === null || seen !== locatePackage(outdir, name)) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}

function ensurePrismaClient() {
  if (existsSync(join(root, "packages/db/src/generated/prisma/client.ts"))) return;
  say("generating the Prisma client (offline)…");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["run", "--silent", "-w", "packages/db", "generate"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error("`npm run -w packages/db generate` failed; run it by hand to see why");
}

export async function buildAll() {
  ensurePrismaClient();
  const folders = workspaceFolders();
  const problems = [];
  for (const bundle of BUNDLES) {
    const outdir = join(root, bundle.outfile, "..");
    rmSync(outdir, { recursive: true, force: true });
    const imported = new Set();
    await build({
      entryPoints: [join(root, bundle.entry)],
      outfile: join(root, bundle.outfile),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // Conditions as in development, so workspace packages resolve to the same sources tsx runs.
      conditions: ["browserfleet-source"],
      sourcemap: true,
      logLevel: "warning",
      // Bundled CommonJS (a nested package, above) may require() Node's built-ins: give the ES module a require.
      banner: { js: 'import { createRequire as __bfCreateRequire } from "node:module"; const require = __bfCreateRequire(import.meta.url);' },
      plugins: [externalPackages(imported, outdir)],
    });
    for (const asset of RUNTIME_ASSETS) cpSync(join(root, asset.from), join(outdir, asset.to), { recursive: true });
    const allowed = productionDependencies(bundle.workspace, folders);
    const missing = [...imported].filter((name) => !allowed.has(name)).sort();
    if (missing.length > 0) problems.push(`${bundle.outfile} imports ${missing.join(", ")}, not a production dependency of ${bundle.workspace} or its workspace dependencies`);
    say(`built ${relative(root, join(root, bundle.outfile))} (${imported.size} npm packages imported by our code)`);
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildAll().catch((err) => {
    say(`build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
