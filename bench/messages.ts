/**
 * Conversation: how many messages per second the outbox renders and sends through a relay on loopback
 * (target ≥ 200/s), and how long a complaint waits from its SMTP 250 to its acknowledgement at the relay
 * (target p95 < 5 s). A whole desk runs in this process (HTTP, SMTP, workers) on a fresh database; the
 * relay is a recording SMTP server on loopback (test/recorder.ts) in a process of its own, as a real
 * relay would be.
 *
 * MESSAGES (default 2000) messages are decided in one transaction as a step would decide them (composed by
 * the senders), COMPLAINTS (default 100) complaints are sent over SMTP, CONCURRENCY (default 4) at a time.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import nodemailer from "nodemailer";
import pino from "pino";
import { type Desk, startDesk } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { messagesForStep } from "../src/messages/outbox.ts";
import { openCaseFor } from "../test/cases.fixtures.ts";
import { testDatabase } from "../test/helpers.ts";
import { startRecorder } from "../test/recorder.ts";

const MESSAGES = Number(process.env.MESSAGES ?? 2_000);
const COMPLAINTS = Number(process.env.COMPLAINTS ?? 100);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const LANES = Number(process.env.ABUSEDESK_OUTBOX_CONCURRENCY ?? 4);

const log = pino({ level: "silent" });
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** What the relay process reports: one line per message it accepted. */
interface RelayView {
  url: string;
  count(): number;
  /** When the relay had the message that answers Message-ID `id` (In-Reply-To). */
  answered: Map<string, number>;
  waitForCount(n: number, ms: number): Promise<void>;
  close(): void;
}

async function relayProcess(): Promise<RelayView> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--relay"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  let count = 0;
  const answered = new Map<string, number>();
  const waiters = new Set<() => void>();
  const url = await new Promise<string>((resolve) => {
    lines.on("line", (line) => {
      const m = JSON.parse(line) as { url?: string; inReplyTo?: string; at?: number };
      if (m.url) return resolve(m.url);
      count++;
      if (m.inReplyTo && !answered.has(m.inReplyTo)) answered.set(m.inReplyTo, m.at!);
      for (const w of [...waiters]) w();
    });
  });
  return {
    url,
    count: () => count,
    answered,
    waitForCount: (n, ms) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`relay: ${count} of ${n} messages after ${ms} ms`)),
          ms,
        );
        const w = () => {
          if (count < n) return;
          clearTimeout(timer);
          waiters.delete(w);
          resolve();
        };
        waiters.add(w);
        w();
      }),
    close: () => child.kill(),
  };
}

async function runRelay() {
  const recorder = await startRecorder({ headersOnly: true });
  let seen = 0;
  process.stdout.write(`${JSON.stringify({ url: recorder.url })}\n`);
  setInterval(() => {
    for (; seen < recorder.messages.length; seen++) {
      const m = recorder.messages[seen]!;
      const inReplyTo = m.headers.get("in-reply-to")?.replace(/[<>\s]/g, "");
      process.stdout.write(`${JSON.stringify({ inReplyTo, at: m.at })}\n`);
      recorder.messages[seen] = undefined as never;
    }
  }, 10);
}

async function throughput(desk: Desk, relay: RelayView) {
  const db = desk.conn.db;
  const caseId = await openCaseFor(db, desk.services.policies, {
    brand: "extin",
    customer: "ext-3001",
    category: "spam",
    ip: "198.51.100.7",
    count: 25,
  });
  const profile = desk.services.policies.get("extin");
  const before = relay.count();
  const t0 = performance.now();
  // One decision per message, as taking a step makes it (each its own action: one message per step).
  await db.transaction().execute(async (trx) => {
    const kase = await trx.selectFrom("cases").selectAll().where("id", "=", caseId).executeTakeFirstOrThrow();
    const actions = await trx
      .insertInto("actions")
      .values(
        Array.from({ length: MESSAGES }, () => ({
          case_id: caseId,
          step: "warn",
          actor: "bench",
          params: "{}",
        })),
      )
      .returning("id")
      .execute();
    for (const a of actions)
      await messagesForStep(trx, { kase, profile, step: "warn", actionId: a.id, actor: "bench" });
  });
  const decided = performance.now();
  await relay.waitForCount(before + MESSAGES, 600_000);
  const done = performance.now();
  const seconds = (done - decided) / 1000;
  console.log(
    `${MESSAGES} notices decided in ${((decided - t0) / 1000).toFixed(2)} s; rendered and sent through the loopback relay in ${seconds.toFixed(2)} s with ${LANES} senders`,
  );
  console.log(`messages rendered and sent per second: ${(MESSAGES / seconds).toFixed(0)} [target ≥ 200/s]`);
}

async function acknowledgementLatency(desk: Desk, relay: RelayView) {
  const waits: number[] = [];
  const ackedAt = relay.answered;
  let next = 0;
  const sender = async () => {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: desk.smtp!.port,
      pool: true,
      maxConnections: 1,
      ignoreTLS: true,
    });
    try {
      while (next < COMPLAINTS) {
        const i = next++;
        const id = `bench-${i}-${Date.now()}@reporter.example`;
        const raw = `From: Reporter ${i} <person${i}@reporter.example>\r\nTo: abuse@extin.eu\r\nSubject: Spam from 198.51.100.${10 + (i % 100)}\r\nMessage-ID: <${id}>\r\n\r\nI received unsolicited bulk mail from 198.51.100.${10 + (i % 100)} this morning at 09:00 CET, full headers follow.\r\n`;
        await transport.sendMail({
          envelope: { from: `person${i}@reporter.example`, to: ["abuse@extin.eu"] },
          raw,
        });
        const stored = Date.now();
        const until = stored + 30_000;
        while (!ackedAt.has(id) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        waits.push((ackedAt.get(id) ?? Number.POSITIVE_INFINITY) - stored);
      }
    } finally {
      transport.close();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  const sorted = waits.sort((a, b) => a - b);
  const missing = sorted.filter((w) => !Number.isFinite(w)).length;
  console.log(
    `${COMPLAINTS} complaints over SMTP, ${CONCURRENCY} at a time: from 250 to the acknowledgement at the relay p50 ${percentile(sorted, 50)} ms, p95 ${percentile(sorted, 95)} ms, max ${sorted.at(-1)} ms [target p95 < 5000 ms]${missing ? `; ${missing} not acknowledged within 30 s` : ""}`,
  );
}

export async function main() {
  const tdb = await testDatabase();
  const relay = await relayProcess();
  const config = loadConfig(
    {
      databaseUrl: tdb.url,
      http: "127.0.0.1:0",
      smtp: "127.0.0.1:0",
      demo: true,
      relay: relay.url,
      logLevel: "silent",
      outboxConcurrency: LANES,
    },
    {},
  );
  const desk = await startDesk(config, log);
  try {
    await throughput(desk, relay);
    await acknowledgementLatency(desk, relay);
  } finally {
    await desk.stop();
    relay.close();
    await tdb.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  (process.argv.includes("--relay") ? runRelay() : main()).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
