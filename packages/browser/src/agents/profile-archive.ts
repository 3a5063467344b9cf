import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { create, extract } from "tar";

/**
 * What of a Chromium user-data-dir a persistent agent keeps: everything that holds the identity
 * (Cookies, Local Storage, IndexedDB, Preferences, Local State) and nothing that is cache, lock,
 * crash dump or a file of the dead process.
 */
const SKIPPED = [
  /(^|\/)(Cache|Code Cache|GPUCache|GrShaderCache|GraphiteDawnCache|ShaderCache|DawnGraphiteCache|DawnWebGPUCache|component_crx_cache|extensions_crx_cache|Crashpad|BrowserMetrics|Safe Browsing|optimization_guide_model_store|segmentation_platform)(\/|$)/,
  /(^|\/)Service Worker\/(CacheStorage|ScriptCache)(\/|$)/,
  /(^|\/)home\/\.cache(\/|$)/,
  /(^|\/)(SingletonLock|SingletonSocket|SingletonCookie|DevToolsActivePort|lockfile|LOCK)$/,
  /(^|\/)BrowserMetrics-spare\.pma$/,
];

export class ProfileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the profile is larger than ${limit} bytes compressed (PROFILE_MAX_BYTES)`);
    this.name = "ProfileTooLargeError";
  }
}

/** The profile at `dir` as a gzipped tar, at most `maxBytes` long (else ProfileTooLargeError, read no further). */
export async function archiveProfile(dir: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = create({ gzip: true, cwd: dir, portable: true, follow: false, filter: (path) => !SKIPPED.some((re) => re.test(path.replace(/^\.\//, ""))) }, ["."]);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      throw new ProfileTooLargeError(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Unpacks a saved profile into the (empty) dir a new Chromium will use; nothing is written outside it. */
export async function extractProfile(dir: string, archive: Buffer): Promise<void> {
  await pipeline(Readable.from([archive]), extract({ cwd: dir, strict: true, preservePaths: false, noChmod: false }));
}
