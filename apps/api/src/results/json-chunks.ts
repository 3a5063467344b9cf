/** Bytes that a JSON answer carries as one base64 string, encoded piece by piece, never whole. */
export class Base64Bytes {
  constructor(readonly bytes: Uint8Array) {}
}

// A multiple of 3, so the base64 of consecutive pieces concatenates into the base64 of the whole.
const BASE64_PIECE = 3 * 64 * 1024;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * The JSON.stringify text of `value` in pieces: plain objects key by key, Base64Bytes in bounded
 * pieces, everything else (strings, arrays, dates) as JSON.stringify writes it. Joined, the
 * pieces are byte for byte what JSON.stringify gives for the same data.
 */
export function* jsonChunks(value: unknown): Generator<string> {
  if (value instanceof Base64Bytes) {
    yield '"';
    const { bytes } = value;
    for (let at = 0; at < bytes.byteLength; at += BASE64_PIECE) {
      yield Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.min(BASE64_PIECE, bytes.byteLength - at)).toString("base64");
    }
    yield '"';
    return;
  }
  if (isPlainObject(value)) {
    let first = true;
    yield "{";
    for (const [key, field] of Object.entries(value)) {
      if (field === undefined || typeof field === "function" || typeof field === "symbol") continue;
      yield `${first ? "" : ","}${JSON.stringify(key)}:`;
      first = false;
      yield* jsonChunks(field);
    }
    yield "}";
    return;
  }
  yield JSON.stringify(value) ?? "null";
}
