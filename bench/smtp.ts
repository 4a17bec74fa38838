/**
 * The SMTP door under load, with hostile mail mixed in, on the embedded PostgreSQL in a temporary folder:
 *   1. the door alone (a desk with role smtp, as a scaled-out SMTP node runs): 10 KB complaints over 20
 *      connections, plain, then mixed (every HOSTILE_EVERY-th message one of the hostile corpus below: the
 *      attacks of issue #9 and those the fuzz corpus found); messages/s acknowledged (250 only once
 *      stored), acknowledgement p50/p99, and the peak RSS of the process;
 *   2. the intake workers started in the same process: the time until every report of both runs is parsed
 *      or in triage, the CPU time of the process per report, and the peak RSS (DRAIN=0 skips it).
 * Loopback is exempt from the SMTP rate limits by default, so this measures capacity, not the limits.
 * Run: node --import tsx bench/smtp.ts   (MESSAGES=…, HOSTILE_EVERY=…, DRAIN=0)
 */
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { startDesk } from "../src/app.ts";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { loadConfig } from "../src/config.ts";
import { loadDemo } from "../src/demo.ts";
import { startIntakeWorkers } from "../src/intake/worker.ts";

const MESSAGES = Number(process.env.MESSAGES ?? 3000);
const HOSTILE_EVERY = Number(process.env.HOSTILE_EVERY ?? 10);
const DRAIN = process.env.DRAIN !== "0";
const CONNECTIONS = 20;

const crlf = (lines: string[]) => lines.join("\r\n");
const head = (i: number, extra: string[] = []) =>
  crlf([
    "From: Feed <feed@reporter.example>",
    "To: abuse@x2com.nl",
    `Subject: complaint ${i}`,
    `Message-ID: <bench-${i}-${process.pid}@reporter.example>`,
    ...extra,
  ]);

function plainMail(i: number): Buffer {
  const filler = `${"evidence line of a spam complaint, padded to make the message ten kilobytes".padEnd(76, ".")}\r\n`;
  let body = `${head(i)}\r\n\r\nSpam from 192.0.2.${i % 250}\r\n`;
  while (body.length < 10 * 1024) body += filler;
  return Buffer.from(body);
}

/** The hostile corpus: each kind once in turn. */
const HOSTILE: ((i: number) => string)[] = [
  (i) =>
    `${head(i, ["Content-Type: text/plain; __proto__*0=polluted; constructor*0=x"])}\r\n\r\nspam from 192.0.2.1\r\n`,
  (i) =>
    `${head(i, ["Content-Type: text/plain; name*4000000000=x; filename*99999999=y"])}\r\n\r\nspam from 192.0.2.2\r\n`,
  (i) => {
    let body = "Content-Type: text/plain\r\n\r\nspam from 192.0.2.3\r\n";
    for (let n = 0; n < 500; n++)
      body = `Content-Type: multipart/mixed; boundary="b${n}"\r\n\r\n--b${n}\r\n${body}--b${n}--\r\n`;
    return `${head(i)}\r\n${body}`;
  },
  (i) =>
    `${head(i, ['Content-Type: multipart/mixed; boundary="p"'])}\r\n\r\n${"--p\r\nContent-Type: text/plain\r\n\r\nx\r\n".repeat(2000)}--p--\r\n`,
  (i) => `${head(i, [`Date: Thu, 8 Mar 2024 ${"(".repeat(100_000)}`])}\r\n\r\nspam from 192.0.2.5\r\n`,
  (i) => `${head(i)}\r\n\r\nspam from 192.0.2.6 ${"b".repeat(100_000)}\r\n`,
  (i) =>
    `${head(i, ["Content-Type: text/html"])}\r\n\r\n<p>phishing at http://bank-login.example.nl/</p><script>alert(1)</script><img src=x onerror=alert(1)><svg onload=alert(1)>${"<".repeat(100_000)}\r\n`,
  (i) =>
    `${head(
      i,
      Array.from({ length: 5000 }, (_, k) => `X-Junk-${k}: ${"j".repeat(50)}`),
    )}\r\n\r\nspam from 192.0.2.8\r\n`,
  (i) => {
    let m = "From: spammer@example.com\r\nReceived: from x ([192.0.2.9]) by mx\r\n\r\nbuy now\r\n";
    for (let n = 0; n < 20; n++) m = `From: a@example.nl\r\nContent-Type: message/rfc822\r\n\r\n${m}`;
    return `${head(i)}\r\n${m}`;
  },
  (i) =>
    `${head(i, ["Content-Type: text/plain; charset=x-bogus-8"])}\r\n\r\nspam\0 from 192.0.2.10 \u00e9\u00ff\0\0 =?utf-7?B?+ADw-?=\r\n`,
  (i) =>
    `${head(i, ['Content-Type: multipart/mixed; boundary="a"'])}\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nspam from 192.0.2.11\r\n--a\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.alloc(
      150 * 1024,
      7,
    )
      .toString("base64")
      .replace(/.{76}/g, "$&\r\n")}\r\n--a--\r\n`,
  (i) => `${head(i, [`From: x${" ".repeat(100_000)}<a@example.org>`])}\r\n\r\nspam from 192.0.2.12\r\n`,
];

function message(i: number, mixed: boolean): Buffer {
  if (mixed && i % HOSTILE_EVERY === 0)
    return Buffer.from(HOSTILE[(i / HOSTILE_EVERY) % HOSTILE.length]!(i), "latin1");
  return plainMail(i);
}

/** Peak RSS while `fn` runs, sampled every 20 ms. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const value = await fn();
    return { value, peakMb: Math.round(Math.max(peak, process.memoryUsage.rss()) / 1024 / 1024) };
  } finally {
    clearInterval(timer);
  }
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
      if (/^\d{3}-/.test(line)) continue;
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
    // Dot-stuffing: a line that starts with "." gets another (none of the corpus has one, but be correct).
    socket.write(
      msg
        .toString("latin1")
        .replace(/\r\n\./g, "\r\n..")
        .replace(/\r?\n?$/, "\r\n"),
      "latin1",
    );
    socket.write(".\r\n");
    await expect("250");
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  socket.write("QUIT\r\n");
  socket.end();
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-bench-smtp-"));
  const log = pino({ level: "silent" });
  const config = loadConfig({ dataDir: dir, logLevel: "silent", smtp: "127.0.0.1:0", role: "smtp" }, {});
  const desk = await startDesk(config, log);
  try {
    await loadDemo(desk.conn.db, SYSTEM);
    const port = desk.smtp!.port;
    console.log(`SMTP benchmark on the embedded PostgreSQL in ${dir}`);
    // Warm-up: one message per connection.
    await Promise.all(
      Array.from({ length: CONNECTIONS }, (_, c) => smtpSender(port, [plainMail(9_000_000 + c)], [])),
    );
    for (const [run, mixed] of [
      ["plain", false],
      ["mixed", true],
    ] as const) {
      const base = run === "plain" ? 0 : 1_000_000;
      const per = Math.ceil(MESSAGES / CONNECTIONS);
      const numbers = Array.from({ length: CONNECTIONS }, (_, c) =>
        Array.from({ length: per }, (_, k) => base + c * per + k),
      );
      const batches = numbers.map((ns) => ns.map((i) => message(i, mixed)));
      const hostile = mixed ? numbers.flat().filter((i) => i % HOSTILE_EVERY === 0).length : 0;
      const bytes = batches.flat().reduce((n, b) => n + b.length, 0);
      const latencies: number[] = [];
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const { peakMb } = await withPeakRss(() =>
        Promise.all(batches.map((b) => smtpSender(port, b, latencies))),
      );
      const secs = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const sorted = latencies.sort((a, b) => a - b);
      console.log(
        `door, ${run}: ${latencies.length.toLocaleString("en")} messages${mixed ? ` (${hostile} hostile, every ${HOSTILE_EVERY}th)` : ""}, ${(bytes / 1024 / 1024).toFixed(0)} MB, over ${CONNECTIONS} connections in ${secs.toFixed(1)} s = ${Math.round(latencies.length / secs)} messages/s (target ≥ 800 on a quiet machine); acknowledgement p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms; ${((cpu.user + cpu.system) / 1000 / latencies.length).toFixed(2)} ms CPU of this process per message; peak RSS ${peakMb} MB`,
      );
    }
    if (DRAIN) {
      const count = async (state: string) =>
        Number(
          (
            await desk.conn.db
              .selectFrom("reports")
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .where("state", "=", state as "processing")
              .executeTakeFirstOrThrow()
          ).n,
        );
      const waiting = await count("processing");
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const { peakMb } = await withPeakRss(async () => {
        const stop = await startIntakeWorkers({
          conn: desk.conn,
          jobs: desk.jobs,
          log,
          services: desk.services,
        });
        try {
          while ((await count("processing")) > 0) await new Promise((r) => setTimeout(r, 50));
        } finally {
          await stop();
        }
      });
      const secs = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      console.log(
        `workers: ${waiting.toLocaleString("en")} reports parsed or in triage in ${secs.toFixed(1)} s = ${Math.round(waiting / secs)} reports/s; ${((cpu.user + cpu.system) / 1000 / waiting).toFixed(1)} ms CPU of this process per report; peak RSS ${peakMb} MB; now ${await count("parsed")} parsed, ${await count("triage")} in triage`,
      );
    }
  } finally {
    await desk.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
