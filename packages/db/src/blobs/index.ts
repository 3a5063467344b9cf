export * from "./blob-store.ts";
export * from "./blob-stores.ts";
export * from "./payload-codec.ts";
export * from "./postgres-blob-store.ts";
export * from "./s3-blob-store.ts";
