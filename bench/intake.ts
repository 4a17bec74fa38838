/**
 * Intake speed, on the embedded PostgreSQL in a temporary folder:
 *   1. a Shadowserver CSV of 100,000 rows → report stored, parsed, events stored, resolved and grouped
 *      (rows/s), and a raw COPY of the same event rows into a bare table in the same run (the floor);
 *   2. SMTP: 10 KB messages over 20 connections, each answered 250 only once committed (messages/s,
 *      acknowledgement latency p50/p99);
 * with the peak RSS of this process (abusedesk's side; PostgreSQL is a separate process) during each.
 * Run: node --import tsx bench/intake.ts   (ROWS=…, MESSAGES=… to change the sizes)
 */
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type pg from "pg";
import pino from "pino";
import { buildServices } from "../src/app.ts";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { loadConfig } from "../src/config.ts";
import { connect, migrate } from "../src/db/index.ts";
import { loadDemo } from "../src/demo.ts";
import { submitReport } from "../src/intake/ingest.ts";
import { startSmtp } from "../src/intake/smtp.ts";
import { importInventoryFile } from "../src/inventory/import.ts";
import { Jobs } from "../src/jobs.ts";
import { parseShadowserverCsv } from "../src/parsers/index.ts";
import { resolverFor } from "../src/resolution/resolver.ts";

const ROWS = Number(process.env.ROWS ?? 100_000);
const MESSAGES = Number(process.env.MESSAGES ?? 3000);
const CONNECTIONS = 20;

function shadowserverCsv(rows: number, seed: number): Buffer {
  const header =
    '"timestamp","protocol","src_ip","src_port","src_asn","src_geo","src_region","src_city","src_hostname","src_naics","src_sector","device_vendor","device_type","device_model","dst_ip","dst_port","dst_asn","dst_geo","dst_region","dst_city","dst_hostname","dst_naics","dst_sector","public_source","infection","family","tag","application","version","event_id","http_url","http_host","http_agent","forwarded_by","ssl_cipher","http_referer"';
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const ip = `${10 + seed}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    lines.push(
      `"2026-03-04 00:${String(i % 60).padStart(2, "0")}:00","tcp","${ip}",${1024 + (i % 60000)},134707,"NL","NOORD-HOLLAND","AMSTERDAM",,517311,"Communications, Service Provider, and Hosting Service",,,,"184.105.1.2",80,6939,"US","CALIFORNIA","FREMONT",,518210,"Communications, Service Provider, and Hosting Service",,,"andromeda","avalanche-andromeda",,,,,"differentia.ru",,,,`,
    );
  }
  return Buffer.from(`${lines.join("\n")}\n`);
}

/** Peak RSS while `fn` runs, sampled every 20 ms. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakMb: Math.round(peak / 1024 / 1024) };
  } finally {
    clearInterval(timer);
  }
}

/** COPY … FROM STDIN through pg's query interface (pg-copy-streams is not a dependency). */
function copyFrom(client: pg.PoolClient, statement: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const submittable = {
      submit(connection: { query(text: string): void }) {
        connection.query(statement);
      },
      handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }) {
        for (let i = 0; i < data.length; i += 1 << 20)
          connection.sendCopyFromChunk(data.subarray(i, i + (1 << 20)));
        connection.endCopyFrom();
      },
      handleCommandComplete() {},
      handleReadyForQuery() {
        resolve();
      },
      handleError(err: Error) {
        reject(err);
      },
    };
    (client as unknown as { query(s: unknown): void }).query(submittable);
  });
}

function copyText(v: string | number | null): string {
  if (v === null) return "\\N";
  return String(v).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

/** A minimal SMTP client on one connection: sends messages one after another, timing each 250. */
async function smtpSender(port: number, messages: Buffer[], latencies: number[]): Promise<void> {
  const socket = net.connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  let buffer = "";
  const waiting: ((line: string) => void)[] = [];
  socket.on("data", (d) => {
    buffer += d.toString("latin1");
    for (let nl = buffer.indexOf("\r\n"); nl >= 0; nl = buffer.indexOf("\r\n")) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 2);
      if (/^\d{3}-/.test(line)) continue; // continuation of a multi-line reply
      waiting.shift()?.(line);
    }
  });
  const reply = () => new Promise<string>((resolve) => waiting.push(resolve));
  const expect = async (code: string) => {
    const line = await reply();
    if (!line.startsWith(code)) throw new Error(`SMTP: expected ${code}, got ${line}`);
  };
  await new Promise((r) => socket.once("connect", r));
  await expect("220");
  socket.write("EHLO bench.example\r\n");
  await expect("250");
  for (const msg of messages) {
    socket.write("MAIL FROM:<feed@reporter.example>\r\n");
    await expect("250");
    socket.write("RCPT TO:<abuse@x2com.nl>\r\n");
    await expect("250");
    socket.write("DATA\r\n");
    await expect("354");
    const t0 = process.hrtime.bigint();
    socket.write(msg);
    socket.write(".\r\n");
    await expect("250");
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  socket.write("QUIT\r\n");
  socket.end();
}

function mail10k(i: number): Buffer {
  const head = `From: Feed <feed@reporter.example>\r\nTo: abuse@x2com.nl\r\nSubject: complaint ${i}\r\nMessage-ID: <bench-${i}-${Date.now()}@reporter.example>\r\n\r\nSpam from 192.0.2.${i % 250}\r\n`;
  const filler = `${"evidence line of a spam complaint, padded to make the message ten kilobytes".padEnd(76, ".")}\r\n`;
  let body = head;
  while (body.length < 10 * 1024) body += filler;
  return Buffer.from(body);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-bench-intake-"));
  const log = pino({ level: "silent" });
  const config = loadConfig({ dataDir: dir, logLevel: "silent", smtp: "127.0.0.1:0" }, {});
  const conn = await connect({ dataDir: dir, log, takeOwnership: true, poolSize: 24 });
  const jobs = await Jobs.start(conn.url, log, { supervise: false });
  const built = await buildServices(config, log, conn, jobs);
  const { services } = built;
  try {
    await migrate(conn.db);
    await loadDemo(conn.db, SYSTEM);
    // A feed reports on the provider's own network: 2,000 customers with a /26 each cover the rows.
    const inventory = ["customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to"];
    for (const first of [10, 11])
      for (let c = 0; c < 2000; c++) {
        const n = c * 64;
        const ip = `${first}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}/26`;
        inventory.push(
          `bench-${first}-${c},Bench customer ${c},x2com-nl,noc${c}@bench.example,ip,${ip},2020-01-01,`,
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
    console.log(`intake benchmark on the embedded PostgreSQL in ${dir}`);

    // 1. Shadowserver CSV → events.
    const filename = "2026-03-04-event4_sinkhole_http-nl-asn.csv";
    for (const [run, seed] of [
      ["warm-up", 0],
      ["measured", 1],
    ] as const) {
      const csv = shadowserverCsv(run === "warm-up" ? 10_000 : ROWS, seed);
      const t0 = performance.now();
      const { value: detail, peakMb } = await withPeakRss(() =>
        submitReport(
          services,
          { raw: csv, channel: "file", contentType: "text/csv", filename },
          { eventLimit: 0 },
        ),
      );
      const ms = performance.now() - t0;
      if (detail.row.state !== "parsed")
        throw new Error(`CSV ended in ${detail.row.state}: ${detail.row.triage_reason}`);
      if (run === "measured") {
        const rate = detail.eventCount / (ms / 1000);
        console.log(
          `CSV → events (rows about 2,000 customers, resolved and grouped into cases): ${detail.eventCount.toLocaleString("en")} rows (${(csv.length / 1024 / 1024).toFixed(1)} MB) in ${Math.round(ms)} ms = ${Math.round(rate).toLocaleString("en")} rows/s (target ≥ 25,000); peak RSS ${peakMb} MB`,
        );

        // The floor: COPY of the same event rows into a bare table (rows prepared before the clock starts).
        const parsed = parseShadowserverCsv(csv, "event4_sinkhole_http");
        const lines: string[] = [];
        for (const e of parsed.events) {
          lines.push(
            [
              copyText(detail.row.id),
              copyText(e.category),
              copyText(e.kind),
              copyText(e.subject.ip ?? null),
              copyText(e.subject.port ?? null),
              copyText(e.occurredAt ? e.occurredAt.toISOString() : null),
              copyText(detail.row.received_at.toISOString()),
              copyText(JSON.stringify(e.details)),
            ].join("\t"),
          );
        }
        const data = Buffer.from(`${lines.join("\n")}\n`);
        const client = await conn.pool.connect();
        try {
          await client.query(
            "create table if not exists copy_bench (report_id bigint, category text, kind text, subject_ip inet, subject_port integer, occurred_at timestamptz, received_at timestamptz, details jsonb)",
          );
          await client.query("truncate copy_bench");
          const c0 = performance.now();
          await copyFrom(
            client,
            "copy copy_bench (report_id, category, kind, subject_ip, subject_port, occurred_at, received_at, details) from stdin",
            data,
          );
          const copyMs = performance.now() - c0;
          const copyRate = parsed.events.length / (copyMs / 1000);
          console.log(
            `raw COPY of the same rows into a bare table: ${Math.round(copyMs)} ms = ${Math.round(copyRate).toLocaleString("en")} rows/s; intake runs at ${((rate / copyRate) * 100).toFixed(0)}% of COPY (${(copyRate / rate).toFixed(1)}× slower, including parsing, reporter, resolution and grouping)`,
          );
        } finally {
          client.release();
        }
      }
    }

    // 2. SMTP: 10 KB messages over 20 connections.
    const listener = await startSmtp(services, { tls: undefined, maxClients: 100 });
    try {
      const perConnection = Math.ceil(MESSAGES / CONNECTIONS);
      const batches = Array.from({ length: CONNECTIONS }, (_, c) =>
        Array.from({ length: perConnection }, (_, k) => mail10k(c * perConnection + k)),
      );
      // Warm-up: one message per connection.
      await Promise.all(
        batches.map((_b, c) => smtpSender(listener.address.port, [mail10k(1_000_000 + c)], [])),
      );
      const latencies: number[] = [];
      const t0 = performance.now();
      const { peakMb } = await withPeakRss(() =>
        Promise.all(batches.map((b) => smtpSender(listener.address.port, b, latencies))),
      );
      const secs = (performance.now() - t0) / 1000;
      const sorted = latencies.sort((a, b) => a - b);
      const stored = await conn.db
        .selectFrom("reports")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("channel", "=", "smtp")
        .executeTakeFirstOrThrow();
      console.log(
        `SMTP: ${latencies.length.toLocaleString("en")} messages of 10 KB over ${CONNECTIONS} connections in ${secs.toFixed(1)} s = ${Math.round(latencies.length / secs)} messages/s (target ≥ 300); acknowledgement p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms; ${Number(stored.n)} stored; peak RSS ${peakMb} MB`,
      );
    } finally {
      await listener.close();
    }
  } finally {
    await built.close();
    await jobs.stop();
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
