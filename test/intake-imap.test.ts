/**
 * The IMAP door against a real IMAP server (Dovecot on loopback): unseen messages become reports, and a
 * message is marked \Seen or moved only after its report is stored; a message that cannot be stored
 * stays unseen and is taken at the next poll.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ImapFlow } from "imapflow";
import { sql } from "kysely";
import { type ImapMailboxConfig, pollMailbox, startImapPollers } from "../src/intake/imap.ts";
import { type ImapServer, startDovecot } from "./dovecot.ts";
import { quietLog, startTestDesk, type TestDesk, waitFor } from "./helpers.ts";

let t: TestDesk;
let imap: ImapServer;
before(async () => {
  imap = await startDovecot();
  t = await startTestDesk({ demo: true });
});
after(async () => {
  await t?.stop();
  await imap?.stop();
});

function client(): ImapFlow {
  return new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: false,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
  });
}

/** What the mailbox holds: per message its Message-ID and flags, in a folder. */
async function mailbox(folder = "INBOX"): Promise<{ messageId: string; seen: boolean }[]> {
  const c = client();
  await c.connect();
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      const out: { messageId: string; seen: boolean }[] = [];
      for await (const m of c.fetch("1:*", { envelope: true, flags: true })) {
        out.push({ messageId: m.envelope?.messageId ?? "", seen: m.flags?.has("\\Seen") ?? false });
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

async function deliver(messages: string[], folder = "INBOX") {
  const c = client();
  await c.connect();
  try {
    for (const m of messages) await c.append(folder, Buffer.from(m));
  } finally {
    await c.logout();
  }
}

const complaint = (n: number, ip: string) =>
  `From: Reporter <reporter@example.org>\r\nTo: abuse@x2com.nl\r\nSubject: spam from ${ip}\r\nMessage-ID: <imap-${n}-${Date.now()}@example.org>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\n\r\nWe received spam from ${ip} today. Headers below.\r\n\r\nReceived: from mail.example ([${ip}]) by mx.example.org; Mon, 23 Nov 2026 09:58:00 +0100\r\n`;

const config = (over: Partial<ImapMailboxConfig> = {}): ImapMailboxConfig => ({
  name: "x2com-abuse",
  host: imap.host,
  port: imap.port,
  secure: false,
  user: imap.user,
  password: imap.password,
  mailbox: "INBOX",
  brand: "x2com-nl",
  address: "abuse@x2com.nl",
  after: "seen",
  poll_seconds: 5,
  ...over,
});

async function imapReports(): Promise<{ id: number; message_id: string; raw: Buffer; state: string }[]> {
  const { rows } = await sql<{ id: number; message_id: string; raw: Buffer; state: string }>`
    select id, message_id, raw, state from reports where channel = 'imap' order by id`.execute(
    t.desk.conn.db,
  );
  return rows;
}

test("the poller stores every unseen message as a report of the brand, then marks it seen; the worker parses it", async () => {
  const sent = [complaint(1, "192.0.2.10"), complaint(2, "192.0.2.11"), complaint(3, "198.51.100.7")];
  await deliver(sent);
  const pollers = await startImapPollers(t.desk.services, undefined, [config()]);
  try {
    const stored = await waitFor(
      async () => {
        const r = await imapReports();
        return r.length === 3 ? r : undefined;
      },
      20_000,
      "three IMAP reports",
    );
    assert.deepEqual(
      stored.map((r) => r.raw.toString()),
      sent,
      "stored byte for byte",
    );
    const box = await waitFor(
      async () => {
        const m = await mailbox();
        return m.every((x) => x.seen) ? m : undefined;
      },
      10_000,
      "the messages to be marked seen",
    );
    assert.equal(box.length, 3);
    const brands = await sql<{ brand_id: string; rcpt_to: string[] }>`
      select brand_id, rcpt_to from reports where channel = 'imap'`.execute(t.desk.conn.db);
    assert.ok(brands.rows.every((r) => r.brand_id === "x2com-nl" && r.rcpt_to[0] === "abuse@x2com.nl"));
    // The worker takes them from there.
    await waitFor(
      async () => (await imapReports()).every((r) => r.state !== "processing"),
      20_000,
      "the worker",
    );
    assert.ok((await imapReports()).every((r) => r.state === "parsed" || r.state === "triage"));
  } finally {
    await pollers.stop();
  }
});

test("a message that cannot be stored stays unseen, and is stored at the next poll; none twice", async () => {
  const db = t.desk.conn.db;
  const m = config();
  await deliver([complaint(4, "203.0.113.9")]);
  // The database refuses new reports for a while (a full disk, a failover).
  await sql`create function refuse_reports() returns trigger language plpgsql as $$
    begin raise exception 'disk full'; end $$`.execute(db);
  await sql`create trigger refuse_reports before insert on reports for each row execute function refuse_reports()`.execute(
    db,
  );
  await assert.rejects(pollMailbox(t.desk.services, m, client() as never, quietLog), /disk full/);
  const before = await mailbox();
  assert.equal(before.filter((x) => !x.seen).length, 1, "the message was not marked: it was not stored");

  await sql`drop trigger refuse_reports on reports`.execute(db);
  await sql`drop function refuse_reports()`.execute(db);
  const out = await pollMailbox(t.desk.services, m, client() as never, quietLog);
  assert.deepEqual(out, { stored: 1, duplicates: 0 });
  assert.ok((await mailbox()).every((x) => x.seen));
  // Polling again finds nothing new.
  assert.deepEqual(await pollMailbox(t.desk.services, m, client() as never, quietLog), {
    stored: 0,
    duplicates: 0,
  });
  assert.equal((await imapReports()).length, 4);
});

test("with after=move the stored message is moved to the named folder", async () => {
  const c = client();
  await c.connect();
  await c.mailboxCreate("Processed").catch(() => {});
  await c.logout();
  await deliver([complaint(5, "192.0.2.12")]);
  const out = await pollMailbox(
    t.desk.services,
    config({ after: "move", move_to: "Processed" }),
    client() as never,
    quietLog,
  );
  assert.deepEqual(out, { stored: 1, duplicates: 0 });
  assert.equal((await mailbox()).filter((x) => x.messageId.includes("imap-5-")).length, 0);
  assert.equal((await mailbox("Processed")).filter((x) => x.messageId.includes("imap-5-")).length, 1);
});
