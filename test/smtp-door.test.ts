/**
 * The SMTP door against strangers, over real SMTP to a started desk: a header that once polluted
 * Object.prototype and stopped the process, a four-billion RFC 2231 section number, rate limits per client
 * address answered 421/450 (the sender retries; nothing acknowledged is lost), and our own greeting.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, test } from "node:test";
import nodemailer from "nodemailer";
import { loadConfig, machineFqdn } from "../src/config.ts";
import { isExempt, rateKeyOf, type SmtpListener, startSmtp } from "../src/intake/smtp.ts";
import { json, startTestDesk, type TestDesk, waitFor } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

interface Sent {
  response: string;
}

async function send(raw: string | Buffer, port = t.smtpPort): Promise<Sent> {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
  try {
    return (await transport.sendMail({
      envelope: { from: "reporter@example.org", to: ["abuse@x2com.nl"] },
      raw,
    })) as Sent;
  } finally {
    transport.close();
  }
}

const idOf = (s: Sent) => Number(/stored as report (\d+)/.exec(s.response)?.[1]);

async function processed(id: number) {
  return waitFor(
    async () => {
      const r = await t.desk.conn.db
        .selectFrom("reports")
        .select(["id", "state", "triage_reason", "format"])
        .where("id", "=", id)
        .executeTakeFirst();
      return r && r.state !== "processing" ? r : undefined;
    },
    30_000,
    `report ${id} to be processed`,
  );
}

const protoKeys = () => Reflect.ownKeys(Object.prototype).map(String).sort();

/** A plain SMTP conversation on one socket: each call sends a line (or nothing) and reads one reply. */
async function converse(port: number) {
  const socket = net.connect(port, "127.0.0.1");
  let buffer = "";
  const replies: string[] = [];
  const waiting: ((reply: string) => void)[] = [];
  socket.on("data", (d) => {
    buffer += d.toString("latin1");
    for (let m = /^(\d{3}) .*\r\n/m.exec(buffer); m; m = /^(\d{3}) .*\r\n/m.exec(buffer)) {
      const reply = buffer.slice(0, m.index + m[0].length);
      buffer = buffer.slice(m.index + m[0].length);
      const w = waiting.shift();
      if (w) w(reply);
      else replies.push(reply);
    }
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("error", () => {});
  const next = () =>
    new Promise<string>((resolve) => {
      const r = replies.shift();
      if (r !== undefined) resolve(r);
      else waiting.push(resolve);
    });
  return {
    greeting: next(),
    say: (line: string) => {
      socket.write(`${line}\r\n`);
      return next();
    },
    closed,
    end: () => socket.destroy(),
  };
}

test("the __proto__ continuation sent over SMTP leaves Object.prototype clean, and the desk still takes and stores reports", async () => {
  const before = protoKeys();
  const polluting = [
    "From: Attacker <attacker@example.org>",
    "To: abuse@x2com.nl",
    "Subject: spam from 192.0.2.31",
    "Message-ID: <proto-1@example.org>",
    "Content-Type: text/plain; __proto__*0=polluted; constructor*0=x; charset=utf-8",
    "Content-Disposition: inline; __proto__*0*=utf-8''polluted",
  ].join("\r\n");
  const sent = await send(`${polluting}\r\n\r\nspam from 192.0.2.31\r\n`);
  const first = await processed(idOf(sent));
  assert.equal(first.state, "parsed");
  assert.deepEqual(protoKeys(), before);
  assert.equal(([] as unknown[])[0], undefined);

  // Afterwards: the next report is taken, stored and parsed, and the metrics still render.
  const next = await send(
    "From: r@example.org\r\nTo: abuse@x2com.nl\r\nSubject: phishing\r\nMessage-ID: <proto-2@example.org>\r\n\r\nphishing at http://bank-login.example/ on 192.0.2.32\r\n",
  );
  const second = await processed(idOf(next));
  assert.equal(second.state, "parsed");
  const report = await json(await t.api("agent", `/api/v1/reports/${second.id}`));
  assert.ok(report.events.length > 0);
  const metrics = await fetch(`${t.baseUrl}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(await metrics.text(), /abusedesk_smtp_messages_total\{result="stored"\}/);
});

test("a four-billion RFC 2231 section number over SMTP is parsed at once", async () => {
  // The hand-written reader walked a sparse array that long: about 95 s of CPU in the desk's process.
  const raw = [
    "From: r@example.org",
    "To: abuse@x2com.nl",
    "Subject: malware",
    "Message-ID: <huge-section@example.org>",
    'Content-Type: multipart/mixed; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain",
    "",
    "malware at http://drop.bad-host.example/a.exe",
    "--b",
    "Content-Type: application/octet-stream; name*4000000000=x; name*0=sample.bin",
    "Content-Disposition: attachment; filename*99999999999=y",
    "",
    "MZ",
    "--b--",
    "",
  ].join("\r\n");
  const r = await processed(idOf(await send(raw)));
  assert.equal(r.state, "parsed");
  assert.equal((await fetch(`${t.baseUrl}/healthz`)).status, 200);
});

async function limitedListener(
  limits: { connections: number; messages: number; exempt: string },
  now: () => number,
): Promise<SmtpListener> {
  const services = t.desk.services;
  const config = loadConfig(
    {
      smtp: "127.0.0.1:0",
      smtpName: "abuse-mx.example.nl",
      smtpConnectionsPerMinute: limits.connections,
      smtpMessagesPerMinute: limits.messages,
      smtpRateExempt: limits.exempt,
    },
    {},
  );
  const smtp = {
    smtp: config.smtp,
    smtpName: config.smtpName,
    smtpConnectionsPerMinute: config.smtpConnectionsPerMinute,
    smtpMessagesPerMinute: config.smtpMessagesPerMinute,
    smtpRateExempt: config.smtpRateExempt,
  };
  return startSmtp({ ...services, config: { ...services.config, ...smtp } }, { now });
}

async function stored(subjectLike: string): Promise<number> {
  const rows = await t.desk.conn.db
    .selectFrom("reports")
    .select("id")
    .where("subject", "like", `%${subjectLike}%`)
    .execute();
  return rows.length;
}

test("messages over the per-address limit are answered 450 before DATA; after the minute the sender's retry is stored", async () => {
  let clock = Date.now();
  const listener = await limitedListener({ connections: 100, messages: 3, exempt: "" }, () => clock);
  try {
    const port = listener.address.port;
    for (let i = 1; i <= 3; i++) {
      const sent = await send(
        `From: r@example.org\r\nSubject: limited ${i}\r\n\r\nspam from 192.0.2.40\r\n`,
        port,
      );
      assert.match(sent.response, /^250 /);
    }
    await assert.rejects(
      send("From: r@example.org\r\nSubject: limited 4\r\n\r\nspam from 192.0.2.40\r\n", port),
      (err: { responseCode?: number; response?: string }) => {
        assert.equal(err.responseCode, 450, err.response);
        assert.match(
          err.response ?? "",
          /4\.7\.1 too many messages from 127\.0\.0\.1 this minute; try again in \d+ seconds/,
        );
        return true;
      },
    );
    assert.equal(await stored("limited 4"), 0, "refused, so not acknowledged and not stored");
    clock += 61_000; // the sender retries after the minute
    const retried = await send(
      "From: r@example.org\r\nSubject: limited 4\r\n\r\nspam from 192.0.2.40\r\n",
      port,
    );
    assert.match(retried.response, /^250 /);
    assert.equal(await stored("limited "), 4);
  } finally {
    await listener.close();
  }
});

test("connections over the per-address limit are answered 421 and closed; the exempt relays are not limited", async () => {
  const clock = Date.now();
  const listener = await limitedListener({ connections: 2, messages: 1, exempt: "" }, () => clock);
  const open: Awaited<ReturnType<typeof converse>>[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const c = await converse(listener.address.port);
      open.push(c);
      assert.match(await c.greeting, /^220 abuse-mx\.example\.nl ESMTP/);
    }
    const third = await converse(listener.address.port);
    assert.match(
      await third.greeting,
      /^421 4\.7\.0 abuse-mx\.example\.nl too many connections from 127\.0\.0\.1 this minute; try again in \d+ seconds/,
    );
    await third.closed;
  } finally {
    for (const c of open) c.end();
    await listener.close();
  }

  const relay = await limitedListener(
    { connections: 1, messages: 1, exempt: "127.0.0.0/8, ::1" },
    () => clock,
  );
  try {
    for (let i = 1; i <= 3; i++) {
      const sent = await send(
        `From: r@example.org\r\nSubject: relayed ${i}\r\n\r\nspam from 192.0.2.41\r\n`,
        relay.address.port,
      );
      assert.match(sent.response, /^250 /);
    }
  } finally {
    await relay.close();
  }
});

test("a client is counted by its IPv4 address or its IPv6 /64; exempt networks match by prefix", () => {
  assert.equal(rateKeyOf("192.0.2.7"), "192.0.2.7");
  assert.equal(rateKeyOf("::ffff:192.0.2.7"), "192.0.2.7");
  assert.equal(rateKeyOf("2001:db8:1:2:3::1"), rateKeyOf("2001:db8:1:2:ffff::9"));
  assert.notEqual(rateKeyOf("2001:db8:1:2::1"), rateKeyOf("2001:db8:1:3::1"));
  const exempt = loadConfig({ smtpRateExempt: "10.0.0.0/8, 2001:db8::/32, 192.0.2.1" }, {}).smtpRateExempt;
  assert.ok(isExempt("10.20.30.40", exempt));
  assert.ok(isExempt("::ffff:10.1.1.1", exempt));
  assert.ok(isExempt("2001:db8:5::1", exempt));
  assert.ok(isExempt("192.0.2.1", exempt));
  assert.ok(!isExempt("192.0.2.2", exempt));
  assert.ok(!isExempt("127.0.0.1", exempt));
  assert.ok(isExempt("127.0.0.1", loadConfig({}, {}).smtpRateExempt), "loopback is exempt by default");
});

test("the greeting and the EHLO answer are ours: the configured host name and abusedesk, not the library's", async () => {
  const clock = Date.now();
  const listener = await limitedListener({ connections: 100, messages: 100, exempt: "" }, () => clock);
  try {
    const c = await converse(listener.address.port);
    assert.equal(await c.greeting, "220 abuse-mx.example.nl ESMTP abusedesk abuse intake\r\n");
    const ehlo = await c.say("EHLO client.example.org");
    assert.match(ehlo, /^250-abuse-mx\.example\.nl abusedesk abuse intake, hello /);
    assert.doesNotMatch(ehlo, /Nice to meet you/);
    const helo = await c.say("HELO client.example.org");
    assert.match(helo, /^250 abuse-mx\.example\.nl abusedesk abuse intake, hello /);
    await c.say("QUIT");
    c.end();
  } finally {
    await listener.close();
  }
  // The started desk, configured with nothing, greets with the machine's fully qualified name.
  const d = await converse(t.smtpPort);
  assert.equal(await d.greeting, `220 ${machineFqdn()} ESMTP abusedesk abuse intake\r\n`);
  d.end();
});

test("the SMTP settings come from flags or ABUSEDESK_SMTP_* variables, and a bad one says what to write", () => {
  const env = {
    ABUSEDESK_SMTP_NAME: "mx1.abuse.example.nl",
    ABUSEDESK_SMTP_CONNECTIONS_PER_MINUTE: "30",
    ABUSEDESK_SMTP_MESSAGES_PER_MINUTE: "90",
    ABUSEDESK_SMTP_RATE_EXEMPT: "198.51.100.0/24",
  };
  const fromEnv = loadConfig({}, env);
  assert.equal(fromEnv.smtpName, "mx1.abuse.example.nl");
  assert.equal(fromEnv.smtpConnectionsPerMinute, 30);
  assert.equal(fromEnv.smtpMessagesPerMinute, 90);
  assert.ok(isExempt("198.51.100.9", fromEnv.smtpRateExempt));
  const flags = loadConfig({ smtpName: "mx2.example.nl", smtpMessagesPerMinute: "10" }, env);
  assert.equal(flags.smtpName, "mx2.example.nl", "a flag wins over the environment");
  assert.equal(flags.smtpMessagesPerMinute, 10);
  const defaults = loadConfig({}, {});
  assert.equal(defaults.smtpName, undefined);
  assert.equal(defaults.smtpConnectionsPerMinute, 60);
  assert.equal(defaults.smtpMessagesPerMinute, 120);
  assert.throws(
    () => loadConfig({ smtpName: "mx.example.nl\r\n250 injected" }, {}),
    /ABUSEDESK_SMTP_NAME` must be a host name such as/,
  );
  assert.throws(
    () => loadConfig({ smtpRateExempt: "10.0.0.0/8, nonsense" }, {}),
    /"nonsense" is not an address or network/,
  );
  assert.throws(() => loadConfig({ smtpMessagesPerMinute: "0" }, {}), /ABUSEDESK_SMTP_MESSAGES_PER_MINUTE/);
});
