/** Opaque list cursors: lists run newest first, so a cursor is "ids below this one". */
export function encodeCursor(lastId: number | undefined): string | null {
  return lastId === undefined ? null : Buffer.from(`id:${lastId}`).toString("base64url");
}

/** The id the next page starts below; undefined for a cursor we did not make. */
export function decodeCursor(cursor: string | undefined): number | undefined | "invalid" {
  if (cursor === undefined || cursor === "") return undefined;
  const m = /^id:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("latin1"));
  return m ? Number(m[1]) : "invalid";
}
