export * from "./route-doc.ts";
export * from "./api-route-docs.ts";
export * from "./build-openapi-document.ts";
export * from "./render-openapi-yaml.ts";
export * from "./job-schemas.ts";
export * from "./common-schemas.ts";
export type { ComponentNames } from "./schema-components.ts";
