// Import rules for `npm run lint`: no cycles anywhere (type-only imports included: a type cycle is still a cycle), no Chromium
// in egress, one door to the generated Prisma client.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Modules must not import each other in a ring, directly or through other modules or packages.",
      from: {},
      to: { circular: true },
    },
    {
      name: "egress-without-browser",
      severity: "error",
      comment: "The egress proxy runs without Chromium: it must not import Playwright or the browser package.",
      from: { path: "^packages/egress/" },
      to: { path: ["node_modules/(playwright|playwright-core)/", "^packages/browser/"] },
    },
    {
      name: "generated-client-through-client-ts",
      severity: "error",
      comment: "Only packages/db/src/client.ts imports the generated Prisma client; everything else takes its names (and Db, Tx) from there.",
      from: { pathNot: "^packages/db/src/client\\.ts$" },
      to: { path: "^packages/db/src/generated/" },
    },
  ],
  options: {
    // Workspace packages resolve through their node_modules symlinks to packages/*/src, so cycles across packages show too.
    // The generated client is a leaf: seen (so the rule above can check who imports it) but not cruised.
    doNotFollow: { path: ["node_modules/(?!@browserfleet/)", "(^|/)generated/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "node", "default"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json"],
    },
    moduleSystems: ["es6", "cjs"],
  },
};
