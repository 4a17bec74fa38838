/**
 * Durability, as a test: 300 messages over real SMTP from six connections while the abusedesk process is
 * killed with SIGKILL twice and started again on the same port. Senders behave like MTAs: a message without
 * a 250 is sent again. Afterwards every message that got 250 is in the database exactly once, and the
 * workers of the restarted process have processed every one of them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import nodemailer from "nodemailer";
import pg from "pg";
import { freePort, spawnCli, testDatabase, waitFor } from "./helpers.ts";

const MESSAGES = 300;
const SENDERS = 6;

function message(i: number): Buffer {
  return Buffer.from(
    `From: Feed ${i % 7} <feed${i % 7}@reporter.example>\r\nTo: abuse@x2com.nl\r\nSubject: spam complaint ${i}\r\n` +
      `Message-ID: <durability-${i}@reporter.example>\r\nDate: Mon, 2 Feb 2026 10:00:00 +0000\r\n\r\n` +
      `Spam received from 192.0.2.${i % 250} at 2026-02-02 09:59:00 UTC. marker=durability-${i}\r\n`,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("every message answered 250 survives kill -9 of abusedesk, none is stored twice", {
  timeout: 120_000,
}, async () => {
  const tdb = await testDatabase();
  const http = await freePort();
  const smtp = await freePort();
  const env = { DATABASE_URL: tdb.url, ABUSEDESK_LOG_LEVEL: "warn" };
  const args = ["start", "--http", `127.0.0.1:${http}`, "--smtp", `127.0.0.1:${smtp}`];
  let proc = spawnCli([...args, "--demo"], env);
  const client = new pg.Client({ connectionString: tdb.url });
  try {
    await proc.started;
    const acked = new Set<number>();
    let attempts = 0;
    let failures = 0;
    let next = 0;
    let abort = false;
    const deadline = Date.now() + 90_000;

    const sender = async () => {
      let transport = nodemailer.createTransport({
        host: "127.0.0.1",
        port: smtp,
        pool: true,
        maxConnections: 1,
        ignoreTLS: true,
      });
      while (next < MESSAGES && Date.now() < deadline && !abort) {
        const i = next++;
        // Like an MTA: until a 250 comes, the message is ours to deliver again.
        for (;;) {
          attempts++;
          try {
            const info = (await transport.sendMail({
              envelope: { from: `feed${i % 7}@reporter.example`, to: ["abuse@x2com.nl"] },
              raw: message(i),
            })) as { response: string };
            assert.match(info.response, /^250 /);
            acked.add(i);
            break;
          } catch {
            failures++;
            transport.close();
            if (Date.now() > deadline || abort) return;
            await sleep(100);
            transport = nodemailer.createTransport({
              host: "127.0.0.1",
              port: smtp,
              pool: true,
              maxConnections: 1,
              ignoreTLS: true,
            });
          }
        }
      }
      transport.close();
    };

    const killer = async () => {
      for (const at of [80, 180]) {
        await waitFor(async () => acked.size >= at, 60_000, `${at} acknowledged messages`);
        proc.child.kill("SIGKILL");
        await proc.exited;
        proc = spawnCli(args, env);
        await proc.started;
      }
    };

    await Promise.all([
      killer().catch((err) => {
        abort = true;
        throw err;
      }),
      ...Array.from({ length: SENDERS }, sender),
    ]);
    assert.equal(
      acked.size,
      MESSAGES,
      `all messages acknowledged in the end (${attempts} attempts, ${failures} failed)`,
    );
    assert.ok(failures > 0, "the kills interrupted some deliveries");

    await client.connect();
    const rows = await client.query<{ message_id: string; n: string }>(
      "select message_id, count(*) as n from reports where message_id like 'durability-%' group by message_id",
    );
    const counts = new Map(rows.rows.map((r) => [r.message_id, Number(r.n)]));
    for (const i of acked) {
      assert.equal(counts.get(`durability-${i}@reporter.example`), 1, `message ${i} stored exactly once`);
    }
    assert.equal(counts.size, MESSAGES);
    // Stored byte for byte.
    const sample = await client.query<{ raw: Buffer }>(
      "select raw from reports where message_id = 'durability-7@reporter.example'",
    );
    assert.equal(Buffer.compare(sample.rows[0]!.raw, message(7)), 0);

    // The restarted process's workers process what the killed one left.
    await waitFor(
      async () => {
        const r = await client.query<{ n: string }>(
          "select count(*) as n from reports where state = 'processing'",
        );
        return Number(r.rows[0]!.n) === 0;
      },
      30_000,
      "every report to be processed",
    );
    const events = await client.query<{ n: string }>(
      "select count(distinct report_id) as n from events e join reports r on r.id = e.report_id where r.message_id like 'durability-%'",
    );
    const states = await client.query(
      "select state, count(*), min(triage_reason) as reason, min(last_error) as error from reports group by state",
    );
    assert.equal(
      Number(events.rows[0]!.n),
      MESSAGES,
      `each report has its events: ${JSON.stringify(states.rows)}`,
    );
    const twice = await client.query(
      "select report_id from events group by report_id, subject_ip having count(*) > 1",
    );
    assert.equal(twice.rows.length, 0, "no report processed twice");
  } finally {
    await client.end().catch(() => {});
    proc.child.kill("SIGTERM");
    await proc.exited;
    await tdb.drop();
  }
});
