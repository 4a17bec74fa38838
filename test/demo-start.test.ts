import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { sql } from "kysely";
import pino from "pino";
import { startDesk } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { testDatabase } from "./helpers.ts";

test("start --demo loads the demo into an empty desk once; later starts leave the desk as it is", async () => {
  const tdb = await testDatabase();
  const lines: string[] = [];
  const log = pino(
    { level: "info" },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const config = loadConfig(
    { databaseUrl: tdb.url, http: "127.0.0.1:0", smtp: "127.0.0.1:0", role: "web", demo: true },
    {},
  );
  try {
    const first = await startDesk(config, log);
    const count = async (table: "reports" | "brands" | "customers") =>
      Number(
        (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(first.conn.db))
          .rows[0]!.n,
      );
    const before = { brands: await count("brands"), reports: await count("reports") };
    assert.equal(before.brands, 4);
    assert.ok(before.reports >= 8, `demo reports (${before.reports})`);
    assert.ok(lines.some((l) => l.includes("demo data loaded")));
    // An operator renames a demo customer; a restart must not undo it.
    await sql`update customers set name = 'Renamed by the operator' where id = 'x2c-1001'`.execute(
      first.conn.db,
    );
    await first.stop();

    lines.length = 0;
    const second = await startDesk(config, log);
    try {
      const name = await sql<{ name: string }>`select name from customers where id = 'x2c-1001'`.execute(
        second.conn.db,
      );
      assert.equal(name.rows[0]!.name, "Renamed by the operator");
      assert.ok(lines.some((l) => l.includes("demo data not loaded again")));
      assert.ok(!lines.some((l) => l.includes("demo data loaded")));
    } finally {
      await second.stop();
    }
  } finally {
    await tdb.drop();
  }
});
