import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { migratedDatabase } from "../../test/helpers.ts";
import { copyField, copyInto } from "./copy.ts";
import type { DB } from "./index.ts";

let env: Awaited<ReturnType<typeof migratedDatabase>>;
let db: DB;

before(async () => {
  env = await migratedDatabase();
  db = env.conn.db;
  await sql`create table copy_probe (n integer, t text, j json)`.execute(db);
});
after(() => env.close());

test("copyField writes COPY's text format: null, and backslash, tab, newline, return escaped", () => {
  assert.equal(copyField(null), "\\N");
  assert.equal(copyField(undefined), "\\N");
  assert.equal(copyField(42), "42");
  assert.equal(copyField("a\tb\nc\rd\\e"), "a\\tb\\nc\\rd\\\\e");
  assert.equal(copyField("\\N"), "\\\\N", "the text \\N is not null");
});

test("every awkward value survives a COPY and reads back the same", async () => {
  const values = [
    "plain",
    "tab\there",
    "two\nlines\r\nand a return",
    "back\\slash and \\N and \\t",
    "ünïcødé ✓ 𝕏 — '; drop table events; --",
    "",
  ];
  const json = { s: 'quote " and \\ and \n', n: [1, 2] };
  await db.transaction().execute(async (trx) => {
    const rows = values.map((t, i) => [i, t, JSON.stringify(json)].map(copyField).join("\t"));
    // Rows split over chunks at odd places: COPY's data is a stream, not a list of rows.
    const text = `${rows.join("\n")}\n${[values.length, null, null].map(copyField).join("\t")}\n`;
    const chunks = [text.slice(0, 7), text.slice(7, 50), text.slice(50)];
    assert.equal(await copyInto(trx, "copy copy_probe (n, t, j) from stdin", chunks), values.length + 1);
  });
  const { rows } = await sql<{ n: number; t: string | null; j: unknown }>`
    select n, t, j from copy_probe order by n`.execute(db);
  assert.deepEqual(
    rows.map((r) => r.t),
    [...values, null],
  );
  assert.deepEqual(rows[0]!.j, json);
});

test("a COPY that fails fails its statement, and the connection serves the next query", async () => {
  await assert.rejects(
    db.transaction().execute((trx) => copyInto(trx, "copy copy_probe (n) from stdin", ["1\nnot a number\n"])),
    /invalid input syntax for type integer/,
  );
  // The pool's clients are still good (each is asked once in a burst).
  const answers = await Promise.all(
    Array.from({ length: 12 }, () => sql<{ one: number }>`select 1 as one`.execute(db)),
  );
  assert.ok(answers.every((a) => a.rows[0]!.one === 1));
});

test("copyInto refuses anything but COPY … FROM STDIN", async () => {
  await assert.rejects(copyInto(db, "delete from copy_probe", ["x"]), /COPY … FROM STDIN/);
});
