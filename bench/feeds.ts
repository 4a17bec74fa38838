/**
 * Feeds of any size (src/intake/feeds.ts), on the embedded PostgreSQL in a temporary folder: a Shadowserver
 * CSV of 100,000, 1,000,000 and 5,000,000 rows (written to disk row by row, never held in memory) is
 * imported as `abusedesk ingest` does: stored in chunks, parsed as a stream, resolved, grouped and stored in
 * batches. For each size: rows/s from the first byte read to the report finished, and the peak RSS of this
 * process (abusedesk's side; PostgreSQL is a separate process).
 * Targets (issue 10): ≥ 25,000 rows/s at every size, within 20 % of each other; peak RSS under 1 GB.
 * Run: node --import tsx bench/feeds.ts   (SIZES=100000,1000000 to choose the sizes)
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { buildServices } from "../src/app.ts";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { loadConfig } from "../src/config.ts";
import { connect, migrate } from "../src/db/index.ts";
import { loadDemo } from "../src/demo.ts";
import { ingestFile } from "../src/intake/files.ts";
import { importInventoryFile } from "../src/inventory/import.ts";
import { Jobs } from "../src/jobs.ts";
import { resolverFor } from "../src/resolution/resolver.ts";

const SIZES = (process.env.SIZES ?? "100000,1000000,5000000").split(",").map(Number);

/**
 * Writes a scan_ntp feed of `rows` rows about the bench customers' /26s (4,000 customers, 256,000 addresses,
 * again and again for the larger sizes), a line at a time.
 */
export async function writeFeed(file: string, rows: number, seed: number): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((resolve) => out.once("drain", () => resolve()));
  await write(
    '"timestamp","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","sector","version"\n',
  );
  let buf = "";
  for (let i = 0; i < rows; i++) {
    // Addresses in order, as in bench/intake.ts: a feed's rows about one network come together.
    const n = (i + seed * 4099) % (2 * 2000 * 64);
    const first = n < 2000 * 64 ? 10 : 11;
    const m = n % (2000 * 64);
    buf += `"2026-03-04 00:${String(i % 60).padStart(2, "0")}:00","${first}.${(m >> 16) & 255}.${(m >> 8) & 255}.${m & 255}","udp",123,,"ntp",1136,"NL","NOORD-HOLLAND","AMSTERDAM",517311,"Communications, Service Provider, and Hosting Service",4\n`;
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = "";
    }
  }
  await write(buf);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return statSync(file).size;
}

/**
 * A desk on the embedded PostgreSQL in a temporary folder, with the demo and 4,000 bench customers (the
 * /26s writeFeed's rows are about). Every feed goes the streamed way (by default only files over 32 MB
 * do), so that sizes compare. Shared with bench/purge.ts.
 */
export async function feedBenchDesk(prefix: string) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const log = pino({ level: "silent" });
  const config = loadConfig(
    {
      dataDir: dir,
      logLevel: "silent",
      smtp: "127.0.0.1:0",
      streamThreshold: 1024,
      ...(process.env.BATCH ? { streamBatchRows: process.env.BATCH } : {}),
    },
    {},
  );
  const conn = await connect({ dataDir: dir, log, takeOwnership: true, poolSize: 8 });
  const jobs = await Jobs.start(conn.url, log, { supervise: false });
  const built = await buildServices(config, log, conn, jobs);
  const { services } = built;
  const close = async () => {
    await built.close();
    await jobs.stop();
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await migrate(conn.db);
    await loadDemo(conn.db, SYSTEM);
    const inventory = ["customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to"];
    for (const first of [10, 11])
      for (let c = 0; c < 2000; c++) {
        const n = c * 64;
        inventory.push(
          `bench-${first}-${c},Bench customer ${c},x2com-nl,noc${c}@bench.example,ip,${first}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}/26,2020-01-01,`,
        );
      }
    const imported = await importInventoryFile(
      { db: conn.db, log, resolver: await resolverFor(conn.db, log), group: services.pipeline.group },
      SYSTEM,
      inventory.join("\n"),
      {},
    );
    if (!imported.ok)
      throw new Error(`bench inventory refused: ${JSON.stringify(imported.error).slice(0, 300)}`);
  } catch (err) {
    await close();
    throw err;
  }
  return { dir, config, conn, services, close };
}

export async function main(): Promise<void> {
  const { dir, config, services, close } = await feedBenchDesk("abusedesk-bench-feeds-");
  const results: { rows: number; rate: number; peakMb: number }[] = [];
  try {
    console.log(
      `feeds benchmark on the embedded PostgreSQL in ${dir} (batches of ${config.streamBatchRows} rows)`,
    );
    for (const [i, rows] of SIZES.entries()) {
      const file = path.join(dir, `2026-03-04-scan_ntp-bench-${rows}.csv`);
      const bytes = await writeFeed(file, rows, i + 1);
      global.gc?.();
      let peak = process.memoryUsage.rss();
      const timer = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss());
      }, 50);
      const t0 = performance.now();
      const result = await ingestFile(services, file, { brand: "x2com-nl" });
      const ms = performance.now() - t0;
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      rmSync(file);
      const r = result.reports[0];
      if (!r) throw new Error(`feed of ${rows} rows: ${result.error ?? "not stored"}`);
      if (r.state !== "parsed" || result.kind !== "feed")
        throw new Error(`feed of ${rows} rows: ${r.state} ${r.triageReason ?? ""} (${result.kind})`);
      const rate = r.events / (ms / 1000);
      const peakMb = Math.round(peak / 1024 / 1024);
      results.push({ rows, rate, peakMb });
      console.log(
        `${rows.toLocaleString("en")} rows (${(bytes / 1024 / 1024).toFixed(0)} MB): stored in chunks, parsed, resolved, grouped and stored in ${(ms / 1000).toFixed(1)} s = ${Math.round(rate).toLocaleString("en")} rows/s; ${r.cases.length.toLocaleString("en")} cases; peak RSS ${peakMb} MB`,
      );
    }
    const rates = results.map((r) => r.rate);
    const spread = rates.length > 1 ? (Math.max(...rates) - Math.min(...rates)) / Math.max(...rates) : 0;
    console.log(
      `rows/s from ${Math.round(Math.min(...rates)).toLocaleString("en")} to ${Math.round(Math.max(...rates)).toLocaleString("en")} (spread ${(spread * 100).toFixed(0)} %, target ≤ 20 %, each ≥ 25,000); peak RSS at most ${Math.max(...results.map((r) => r.peakMb))} MB (target < 1,024)`,
    );
  } finally {
    await close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
