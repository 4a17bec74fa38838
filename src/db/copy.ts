/**
 * `COPY … FROM STDIN` inside a Kysely transaction: the fastest way to store many rows (a feed's hundred
 * thousand events). Kysely hands the driver SQL and parameters and nothing else, so the pool's clients are
 * `CopyingClient`s: a query whose only parameter is a `CopySource` is run as a COPY through
 * pg-copy-streams on that same connection, so it takes part in the caller's transaction.
 *
 *   await copyInto(trx, "copy t (a, b) from stdin", rowsOfText())
 *
 * The rows are produced while PostgreSQL stores the ones before (the source is pulled as the socket
 * drains), so encoding and storing overlap. A failed COPY fails the statement, as an INSERT would.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CompiledQuery, type Kysely } from "kysely";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** The data of one COPY: chunks of COPY text (rows ending in "\n"), produced on demand. */
export class CopySource {
  constructor(readonly chunks: Iterable<string | Buffer> | AsyncIterable<string | Buffer>) {}
}

/** Runs `statement` (a `COPY … FROM STDIN`) with the rows of `chunks`; answers the number of rows stored. */
export async function copyInto(
  // biome-ignore lint/suspicious/noExplicitAny: any database or transaction of any schema
  db: Kysely<any>,
  statement: string,
  chunks: Iterable<string | Buffer> | AsyncIterable<string | Buffer>,
): Promise<number> {
  if (!/^\s*copy\s[\s\S]*\sfrom\s+stdin\b/i.test(statement))
    throw new Error("copyInto takes COPY … FROM STDIN");
  const result = await db.executeQuery(CompiledQuery.raw(statement, [new CopySource(chunks)]));
  return Number(result.numAffectedRows ?? 0n);
}

/** One field in COPY's text format: \N for null; backslash, tab, newline and carriage return escaped. */
export function copyField(v: string | number | bigint | null | undefined): string {
  if (v === null || v === undefined) return "\\N";
  const s = typeof v === "string" ? v : String(v);
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"))
    : s;
}

/** A pg client that runs a query with a CopySource parameter as COPY FROM STDIN. */
export class CopyingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query has many overloads; this one passes them through
  override query(...args: any[]): any {
    const [text, values] = args;
    if (typeof text === "string" && Array.isArray(values) && values[0] instanceof CopySource) {
      return this.#copy(text, values[0]);
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    return (super.query as any)(...args);
  }

  async #copy(text: string, source: CopySource) {
    const stream = (
      super.query as unknown as (s: ReturnType<typeof copyFrom>) => ReturnType<typeof copyFrom>
    )(copyFrom(text));
    await pipeline(Readable.from(source.chunks, { objectMode: false }), stream);
    // Kysely reports rowCount as the affected rows of an INSERT-like command.
    return { command: "INSERT", rowCount: stream.rowCount, rows: [] };
  }
}
