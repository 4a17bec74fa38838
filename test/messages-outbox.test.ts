/**
 * The outbox as an operator meets it: without a relay messages are held (and shown), `abusedesk outbox
 * send --relay` sends them; a broken template stops the start; and abusedesk killed with kill -9 (a real
 * child process) while 200 messages are being sent loses none and delivers none under a second
 * Message-ID at a real receiving SMTP server.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { loadPolicies, startDesk } from "../src/app.ts";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { loadConfig } from "../src/config.ts";
import { connect, migrate } from "../src/db/index.ts";
import { loadDemo } from "../src/demo.ts";
import { UserError } from "../src/errors.ts";
import { BATCH } from "../src/messages/delivery.ts";
import { sendCaseMessage } from "../src/messages/outbox.ts";
import { buildMessageDeps } from "../src/messages/setup.ts";
import { openCaseFor } from "./cases.fixtures.ts";
import { json, quietLog, runCli, spawnCli, startTestDesk, testDatabase, waitFor } from "./helpers.ts";
import { startRecorder } from "./recorder.ts";

test("without a relay a message is held and shown; `outbox send --relay` sends it; a broken template stops the start", {
  timeout: 180_000,
}, async () => {
  const t = await startTestDesk({ demo: true });
  const relay = await startRecorder();
  try {
    const caseId = await openCaseFor(t.desk.conn.db, t.desk.services.policies, {
      brand: "webxtra",
      customer: "wx-4001",
      category: "phishing",
      url: "https://fotografielens.example/portfolio/login.php",
    });
    const res = await t.api("agent", `/api/v1/cases/${caseId}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ party: "customer", template: "notice", language: "en" }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const [m] = (await json(res)).items;
    assert.equal(m.state, "held");
    assert.equal(m.language, "en");
    assert.match(m.subject, /^\[Web:\/\/Xtra abuse #\d+\] Warning: Phishing/);
    assert.match(m.body, /Dear Fotografie Lens/, "composed at once: the held message can be read");
    const held = await json(await t.api("agent", "/api/v1/messages?state=held"));
    assert.ok(held.items.some((x: { id: number }) => x.id === m.id));
    const retry = await t.api("agent", `/api/v1/messages/${m.id}/retry`, { method: "POST" });
    assert.equal(retry.status, 409);
    assert.match((await json(retry)).message, /no relay is set/);

    const env = { DATABASE_URL: t.databaseUrl, ABUSEDESK_RELAY: "" };
    const list = await runCli(["outbox", "list"], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stdout,
      new RegExp(`${m.id}\\s+held\\s+to\\s+customer\\s+studio@fotografielens\\.example`),
    );

    const none = await runCli(["outbox", "send"], env);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no relay is set, so nothing can be sent; give --relay/);

    const sent = await runCli(["outbox", "send", "--relay", relay.url], env);
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(
      sent.stdout,
      /1 held message\(s\) released; through smtp:\/\/127\.0\.0\.1:\d+: 1 sent, 0 failed/,
    );
    const got = await relay.waitFor(
      (r) => r.to.includes("studio@fotografielens.example"),
      5_000,
      "the held notice",
    );
    assert.equal(got.messageId, (await json(await t.api("agent", `/api/v1/messages/${m.id}`))).message_id);
    const after = await json(await t.api("agent", `/api/v1/messages/${m.id}`));
    assert.equal(after.state, "sent");

    const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-bad-templates-"));
    try {
      writeFileSync(
        path.join(dir, "notice.nl.md"),
        '---\nparty: customer\nsubject: "Waarschuwing"\nvariables: [customer.name]\n---\nGeachte {{ customer.naam }},\n',
      );
      const broken = loadConfig({ databaseUrl: t.databaseUrl, role: "worker", templatesDir: dir }, {});
      await assert.rejects(startDesk(broken, quietLog), (err: unknown) => {
        assert.ok(err instanceof UserError, "the CLI prints it as one line and exits 1");
        assert.match(err.message, /message templates are broken:/);
        assert.match(err.message, /notice\.nl\.md: uses customer\.naam but does not declare it/);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true });
    }
  } finally {
    await t.stop();
    await relay.close();
  }
});

const MESSAGES = 200;

test(`kill -9 while ${MESSAGES} messages are being sent loses none and delivers none under a second Message-ID`, {
  timeout: 240_000,
}, async () => {
  const tdb = await testDatabase();
  // A relay that takes a moment to answer: there are always messages in flight to kill.
  const relay = await startRecorder({ delayMs: 40 });
  const config = loadConfig({ databaseUrl: tdb.url, relay: relay.url }, {});
  const conn = await connect({ databaseUrl: tdb.url, dataDir: "unused", log: quietLog });
  let proc: ReturnType<typeof spawnCli> | undefined;
  try {
    await migrate(conn.db);
    await loadDemo(conn.db, SYSTEM);
    const policies = await loadPolicies(config);
    const deps = await buildMessageDeps(config, policies, quietLog);
    const caseId = await openCaseFor(conn.db, policies, {
      brand: "x2com-nl",
      customer: "x2c-1002",
      category: "spam",
      ip: "192.0.2.70",
    });
    const ids: number[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const r = await sendCaseMessage(conn.db, deps, SYSTEM, caseId, {
        party: "customer",
        subject: `Vraag ${i}`,
        body: `Bericht nummer ${i} over de spam vanaf 192.0.2.70.`,
      });
      assert.ok(r.ok, r.ok ? "" : r.error.message);
      ids.push(...r.value);
    }
    const rows = await conn.db
      .selectFrom("messages")
      .select(["id", "message_id"])
      .where("id", "in", ids)
      .execute();
    const expected = new Set(rows.map((r) => r.message_id));
    assert.equal(expected.size, MESSAGES);

    const env = { DATABASE_URL: tdb.url, ABUSEDESK_RELAY: relay.url, ABUSEDESK_OUTBOX_CONCURRENCY: "4" };
    proc = spawnCli(["start", "--role", "worker"], env);
    await proc.started;
    await relay.waitForCount(60, 60_000);
    proc.child.kill("SIGKILL");
    await proc.exited;
    const atKill = relay.messages.length;
    assert.ok(atKill < MESSAGES, `killed while sending (${atKill} of ${MESSAGES} received)`);
    const sentAtKill = await conn.db
      .selectFrom("messages")
      .select("message_id")
      .where("id", "in", ids)
      .where("state", "=", "sent")
      .execute();
    const received = new Set(relay.messages.map((m) => m.messageId));
    for (const r of sentAtKill)
      assert.ok(received.has(r.message_id), "nothing is recorded as sent that did not arrive");

    proc = spawnCli(["start", "--role", "worker"], env);
    await proc.started;
    await waitFor(
      async () => {
        const left = await conn.db
          .selectFrom("messages")
          .select("id")
          .where("id", "in", ids)
          .where("state", "!=", "sent")
          .execute();
        return left.length === 0;
      },
      120_000,
      "every message to be sent after the restart",
    );
    proc.child.kill("SIGTERM");
    await proc.exited;
    proc = undefined;

    const byId = new Map<string, string[]>();
    for (const m of relay.messages) {
      assert.ok(m.messageId && expected.has(m.messageId), `an unexpected Message-ID ${m.messageId}`);
      byId.set(m.messageId, [...(byId.get(m.messageId) ?? []), m.text]);
    }
    assert.equal(byId.size, MESSAGES, "none lost: every message arrived, each under its own Message-ID");
    // What was in flight at the kill may arrive twice at the SMTP level, always as the same message with the
    // same Message-ID, which a reader's mail program shows once; never more than the senders had in hand.
    const repeats = [...byId.values()].filter((texts) => texts.length > 1);
    assert.ok(
      repeats.length <= 4 * BATCH,
      `${repeats.length} messages repeated; at most the ${4 * BATCH} in flight`,
    );
    for (const texts of repeats)
      assert.ok(
        texts.every((x) => x === texts[0]),
        "a repeat is the same message",
      );
  } finally {
    if (proc) {
      proc.child.kill("SIGKILL");
      await proc.exited;
    }
    await conn.close();
    await relay.close();
    await tdb.drop();
  }
});
