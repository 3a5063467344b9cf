import { stringify } from "yaml";

/** YAML without anchors: shared JS objects are written out in full so every tool reads the same document. */
export function renderOpenApiYaml(document: Record<string, unknown>): string {
  return stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
}
