/**
 * Parser throughput: a Shadowserver event4_sinkhole_http CSV of 200,000 rows built in memory, through the
 * fast path (parseShadowserverCsv) and, for comparison, csv-parse/sync alone. Prints rows/s.
 * Run: node --import tsx bench/parsers.ts
 */
import { parse as csvParse } from "csv-parse/sync";
import { parseShadowserverCsv } from "../src/parsers/index.ts";

const ROWS = Number(process.env.ROWS ?? 200_000);
const header =
  '"timestamp","protocol","src_ip","src_port","src_asn","src_geo","src_region","src_city","src_hostname","src_naics","src_sector","device_vendor","device_type","device_model","dst_ip","dst_port","dst_asn","dst_geo","dst_region","dst_city","dst_hostname","dst_naics","dst_sector","public_source","infection","family","tag","application","version","event_id","http_url","http_host","http_agent","forwarded_by","ssl_cipher","http_referer"';
const lines = [header];
for (let i = 0; i < ROWS; i++) {
  const ip = `${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}.${(i % 200) + 1}`;
  lines.push(
    `"2021-03-04 00:${String(i % 60).padStart(2, "0")}:00","tcp","${ip}",${1024 + (i % 60000)},134707,"NL","NOORD-HOLLAND","AMSTERDAM",,517311,"Communications, Service Provider, and Hosting Service",,,,"184.105.1.2",80,6939,"US","CALIFORNIA","FREMONT",,518210,"Communications, Service Provider, and Hosting Service",,,"andromeda","avalanche-andromeda",,,,,"differentia.ru",,,,`,
  );
}
const csv = `${lines.join("\n")}\n`;
const bytes = Buffer.from(csv);
console.log(`CSV: ${ROWS} rows, ${(bytes.length / 1024 / 1024).toFixed(1)} MB`);

function time(label: string, fn: () => number): void {
  fn(); // warm-up
  const runs = 3;
  let best = Number.POSITIVE_INFINITY;
  let n = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    n = fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    best = Math.min(best, ms);
  }
  console.log(
    `${label}: ${n} rows in ${best.toFixed(0)} ms = ${Math.round((n / best) * 1000).toLocaleString("en")} rows/s`,
  );
}

time(
  "parseShadowserverCsv (events)",
  () => parseShadowserverCsv(bytes, "event4_sinkhole_http").events.length,
);
time(
  "csv-parse/sync (arrays only, no events)",
  () => (csvParse(csv, { relax_column_count: true }) as unknown[]).length - 1,
);
