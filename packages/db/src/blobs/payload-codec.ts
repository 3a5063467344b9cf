/** What one item's payload holds: the formats that were asked for, each already within its bound. */
export interface PayloadContent {
  html?: string;
  text?: string;
  links?: string[];
  screenshot?: Uint8Array;
  markdown?: string;
}

export interface EncodedPayload {
  bytes: Buffer;
  /** About what the content adds to the item's JSON (screenshot as base64): results pages are planned by it. */
  sizeBytes: number;
}

// "BFP1", then the header's length (u32 BE), the header (JSON of the text formats), then the PNG's raw bytes.
// A text format added later (markdown) is one more optional header field: older blobs decode unchanged.
const MAGIC = Buffer.from("BFP1", "latin1");
const PREFIX = MAGIC.length + 4;

interface Header {
  html?: string;
  text?: string;
  links?: string[];
  markdown?: string;
  screenshot_bytes?: number;
}

export function encodePayload(content: PayloadContent): EncodedPayload {
  const header: Header = {};
  if (content.html !== undefined) header.html = content.html;
  if (content.text !== undefined) header.text = content.text;
  if (content.links !== undefined) header.links = content.links;
  if (content.markdown !== undefined) header.markdown = content.markdown;
  const png = content.screenshot === undefined ? null : Buffer.from(content.screenshot.buffer, content.screenshot.byteOffset, content.screenshot.byteLength);
  if (png !== null) header.screenshot_bytes = png.length;
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const lengths = Buffer.alloc(4);
  lengths.writeUInt32BE(json.length);
  const bytes = Buffer.concat([MAGIC, lengths, json, ...(png === null ? [] : [png])]);
  const base64 = png === null ? 0 : Math.ceil(png.length / 3) * 4 + '"screenshot_png_b64":"",'.length;
  return { bytes, sizeBytes: json.length + base64 };
}

export function decodePayload(bytes: Uint8Array): PayloadContent {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < PREFIX || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error("not a payload blob (bad magic)");
  const headerEnd = PREFIX + buf.readUInt32BE(MAGIC.length);
  const header = JSON.parse(buf.toString("utf8", PREFIX, headerEnd)) as Header;
  const content: PayloadContent = {};
  if (header.html !== undefined) content.html = header.html;
  if (header.text !== undefined) content.text = header.text;
  if (header.links !== undefined) content.links = header.links;
  if (header.markdown !== undefined) content.markdown = header.markdown;
  if (header.screenshot_bytes !== undefined) content.screenshot = buf.subarray(headerEnd, headerEnd + header.screenshot_bytes);
  if (headerEnd + (header.screenshot_bytes ?? 0) !== buf.length) throw new Error("payload blob is truncated or has trailing bytes");
  return content;
}
