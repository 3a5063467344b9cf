import { ApiError, decodeListCursor, type ListCursor } from "@browserfleet/core";

/** The `cursor` query parameter of a newest-first list: undefined for the first page, 400 if forged. */
export function listCursorParam(raw: string | undefined): ListCursor | undefined {
  if (raw === undefined) return undefined;
  const cursor = decodeListCursor(raw);
  if (cursor === null) throw new ApiError("BAD_REQUEST", "cursor is not one this API issued", { details: [{ path: "cursor", message: "invalid cursor" }] });
  return cursor;
}
