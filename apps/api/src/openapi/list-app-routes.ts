import type express from "express";

export interface AppRoute {
  method: string;
  /** OpenAPI path template, e.g. `/v1/jobs/{id}`. */
  path: string;
}

interface LayerLike {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  rawPath?: string | string[];
  handle?: { stack?: LayerLike[] };
}

const toTemplate = (path: string): string => path.replace(/:(\w+)/g, "{$1}");

function walk(stack: LayerLike[], prefix: string, out: AppRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== "_all") out.push({ method, path: toTemplate(prefix + path) });
        }
      }
    } else if (layer.handle?.stack) {
      // A mounted router: its routes live under the mount path (router@2 keeps it as rawPath).
      const mount = typeof layer.rawPath === "string" && layer.rawPath !== "/" ? layer.rawPath : "";
      walk(layer.handle.stack, prefix + mount, out);
    }
  }
}

/** Every (method, path) the Express app routes, read from its router stack, so nothing can be served undocumented. */
export function listAppRoutes(app: express.Express): AppRoute[] {
  const out: AppRoute[] = [];
  walk((app.router as unknown as { stack: LayerLike[] }).stack, "", out);
  return out;
}
