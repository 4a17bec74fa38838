/**
 * Inventory benchmark (issue 4): how long a desk process takes to load its resolution index from
 * 1,000,000 resources in PostgreSQL (read + build), and how long a catch-up of 10,000 changes takes.
 * Uses DATABASE_URL's server (ABUSEDESK_TEST_DATABASE_URL) or the embedded test PostgreSQL, in a
 * database of its own that is dropped afterwards.
 *
 *   node --import tsx bench/inventory.ts [--resources N]
 */
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import pino from "pino";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { SEED_BRANDS, saveBrand } from "../src/brands.ts";
import { connect, migrate } from "../src/db/index.ts";
import { recordInventoryChanges } from "../src/inventory/inventory.store.ts";
import { createResolver } from "../src/resolution/resolver.ts";
import { testDatabase } from "../test/helpers.ts";

export interface InventoryBenchResult {
  resources: number;
  insertMs: number;
  loadAndBuildMs: number;
  catchUpMs: number;
  rssBytes: number;
}

export async function main(
  opts: { resources?: number; log?: (line: string) => void } = {},
): Promise<InventoryBenchResult> {
  const n = opts.resources ?? 1_000_000;
  const say = opts.log ?? ((line: string) => console.log(line));
  const log = pino({ level: "silent" });
  const tdb = await testDatabase();
  const conn = await connect({ databaseUrl: tdb.url, dataDir: "unused", log });
  try {
    await migrate(conn.db);
    for (const b of SEED_BRANDS) await saveBrand(conn.db, SYSTEM, b);
    const started = performance.now();
    await sql`insert into customers (id, brand_id, name)
              select 'b-' || g, 'extin', 'Bench ' || g from generate_series(1, ${Math.ceil(n / 10)}) g`.execute(
      conn.db,
    );
    // 70% IPv4 /28 in 10/8, 30% IPv6 /48; one in five closed (history)
    await sql`insert into resources (customer_id, kind, value, ip, valid_from, valid_to)
      select 'b-' || (1 + g % ${Math.ceil(n / 10)}), 'ip', v, v::cidr,
             timestamptz '2020-01-01' + (g % 1000) * interval '1 day',
             case when g % 5 = 0 then timestamptz '2026-01-01' end
        from (select g, case when g % 10 < 7
                then host(inet '10.0.0.0' + (g::bigint * 16) % 16777216) || '/28'
                else format('2001:%s:%s::/48', to_hex(1 + g / 65536), to_hex(g % 65536)) end as v
                from generate_series(1, ${n}) g) s`.execute(conn.db);
    const insertMs = Math.round(performance.now() - started);
    say(`inventory: ${n.toLocaleString("en")} resources inserted in ${insertMs} ms`);

    const t0 = performance.now();
    const resolver = await createResolver(conn.db, log, { listen: false, rdapUrl: null, pollMs: 3_600_000 });
    await resolver.lookup({ ip: "10.0.0.17" }, new Date());
    const loadAndBuildMs = Math.round(performance.now() - t0);
    const stats = resolver.stats();
    say(
      `inventory: index loaded from the database and built in ${loadAndBuildMs} ms (${stats.assignments.toLocaleString("en")} assignments); RSS ${(process.memoryUsage().rss / 1048576).toFixed(1)} MB`,
    );

    const { rows } = await sql<{ id: number }>`select id from resources order by id limit 10000`.execute(
      conn.db,
    );
    await conn.db.transaction().execute(async (trx) => {
      await sql`update resources set valid_to = now() where id = any(${rows.map((r) => r.id)}::bigint[]) and valid_to is null`.execute(
        trx,
      );
      await recordInventoryChanges(
        trx,
        "end",
        rows.map((r) => r.id),
      );
    });
    const t1 = performance.now();
    await resolver.catchUp();
    const catchUpMs = Math.round(performance.now() - t1);
    say(`inventory: catch-up of 10,000 changes in ${catchUpMs} ms`);
    await resolver.close();
    return { resources: n, insertMs, loadAndBuildMs, catchUpMs, rssBytes: process.memoryUsage().rss };
  } finally {
    await conn.close();
    await tdb.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--resources");
  const resources = i > 0 ? Number(process.argv[i + 1]) : undefined;
  await main(resources ? { resources } : {});
}
