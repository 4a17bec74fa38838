/**
 * Who gets what, against a started desk and a recording relay on loopback: nothing to the customer of a
 * gagged case, no acknowledgement to feedback loops, a request for what a report lacks (and the case
 * waits for the reporter), a notice forwarded without the notifier, replies recognised by the case
 * reference only from the case's own parties, bounces (RFC 3464) and refusals that flag the case, and the
 * messages the measures part asks for (measure done, order carried out, escalation).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import nodemailer from "nodemailer";
import { createUser, SYSTEM } from "../src/auth/auth.store.ts";
import { createMessageNotifier, messagesForStep } from "../src/messages/outbox.ts";
import { createPortalLink } from "../src/portal/links.ts";
import { openCaseFor } from "./cases.fixtures.ts";
import { json, startTestDesk, type TestDesk, waitFor } from "./helpers.ts";
import { assertNoReporterIdentity } from "./leaks.ts";
import { type Recorder, startRecorder } from "./recorder.ts";

let t: TestDesk;
let relay: Recorder;

before(async () => {
  relay = await startRecorder({ refuse: (rcpt) => (rcpt.endsWith("@refused.example") ? 550 : undefined) });
  t = await startTestDesk({ demo: true, config: { relay: relay.url } });
});
after(async () => {
  await t.stop();
  await relay.close();
});

const db = () => t.desk.conn.db;
const deps = () => t.desk.services.messages!;

async function sendMail(raw: string, to: string, from: string) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: t.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({
      envelope: { from, to: [to] },
      raw: raw.replace(/\r?\n/g, "\r\n"),
    });
    return Number(/stored as report (\d+)/.exec(String(info.response))?.[1]);
  } finally {
    transport.close();
  }
}

async function processed(id: number) {
  return waitFor(
    async () => {
      const r = await db().selectFrom("reports").selectAll().where("id", "=", id).executeTakeFirst();
      return r && r.state !== "processing" && r.acknowledgement !== null ? r : undefined;
    },
    20_000,
    `report ${id} to be processed and its acknowledgement decided`,
  );
}

const post = (path: string, body: unknown) =>
  t.api("agent", path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function caseView(id: number) {
  return json(await t.api("agent", `/api/v1/cases/${id}`));
}

async function settled(id: number) {
  return waitFor(
    async () => {
      const m = await db().selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirst();
      return m && m.state !== "queued" ? m : undefined;
    },
    20_000,
    `message ${id} to be sent or to fail`,
  );
}

test("nothing of any kind goes to the customer of a gagged case: not a step's message, not an agent's, not the portal", async () => {
  const gagged = await openCaseFor(db(), t.desk.services.policies, {
    brand: "extin",
    customer: "ext-3002",
    category: "spam",
    ip: "198.51.100.130",
  });
  const open = await openCaseFor(db(), t.desk.services.policies, {
    brand: "extin",
    customer: "ext-3002",
    category: "phishing",
    url: "http://nieuwsbriefcentrale.example/login",
  });
  await sql`update cases set gag = true where id = ${gagged}`.execute(db());

  const step = await post(`/api/v1/cases/${gagged}/actions`, { step: "warn", reason: "test" });
  assert.equal(step.status, 201);
  const rows = await db()
    .selectFrom("messages")
    .select(["party", "state"])
    .where("case_id", "=", gagged)
    .execute();
  assert.deepEqual(
    rows.filter((r) => r.party === "customer"),
    [],
  );
  const c = await caseView(gagged);
  assert.ok(
    c.timeline.some(
      (e: { action: string; summary: string }) =>
        e.action === "message.withheld" && /forbids telling the customer/.test(e.summary),
    ),
  );

  const own = await post(`/api/v1/cases/${gagged}/messages`, {
    party: "customer",
    subject: "Hallo",
    body: "Een vraag.",
  });
  assert.equal(own.status, 409);
  assert.match((await json(own)).message, /forbids telling the customer \(gag\)/);
  const templ = await post(`/api/v1/cases/${gagged}/messages`, { party: "customer", template: "reminder" });
  assert.equal(templ.status, 409);

  // A message decided before the order came is withheld when it would go out.
  const decided = await db()
    .transaction()
    .execute(async (trx) => {
      const kase = await trx.selectFrom("cases").selectAll().where("id", "=", open).executeTakeFirstOrThrow();
      const ids = await messagesForStep(trx, {
        kase,
        profile: t.desk.services.policies.get("extin"),
        step: "warn",
        actionId: (
          await trx
            .insertInto("actions")
            .values({ case_id: open, step: "warn", actor: "test", params: "{}" })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id,
        actor: "test",
      });
      await sql`update cases set gag = true where id = ${open}`.execute(trx);
      return ids;
    });
  assert.equal(decided.length, 1);
  const withheld = await settled(decided[0]!);
  assert.equal(withheld.state, "failed");
  assert.equal(withheld.failure, "withheld");
  assert.ok(
    !relay.messages.some((m) => m.to.includes("postmaster@nieuwsbriefcentrale.example")),
    "nothing reached the customer",
  );

  // The portal does not show a gagged case either.
  await sql`update cases set gag = false where id = ${open}`.execute(db());
  const link = await db()
    .transaction()
    .execute((trx) =>
      createPortalLink(trx, {
        publicUrl: t.baseUrl,
        kind: "customer",
        brandId: "extin",
        customerId: "ext-3002",
        messageId: decided[0]!,
        language: "en",
        days: 1,
      }),
    );
  const cookie = (await fetch(link, { redirect: "manual" })).headers.get("set-cookie")!.split(";")[0]!;
  const html = await (await fetch(`${t.baseUrl}/portal/?lang=en`, { headers: { cookie } })).text();
  assert.match(html, new RegExp(`Extin abuse #${open}\\]`));
  assert.ok(!html.includes(`Extin abuse #${gagged}]`), "the gagged case is not listed");
  const answer = await fetch(`${t.baseUrl}/portal/cases/${gagged}/answer`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1]!, text: "x" }),
  });
  assert.equal(answer.status, 404);
});

test("a feedback loop's report gets no acknowledgement; a person's incomplete report gets a request for what it lacks and the case waits for the reporter", async () => {
  const arf = `From: FBL <fbl@isp.example>
To: abuse@extin.eu
Subject: FW: complaint
Message-ID: <fbl-1@isp.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="x"

--x
Content-Type: text/plain

This is an email abuse report for an email message received from IP 198.51.100.20.
--x
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
Source-IP: 198.51.100.20
Arrival-Date: Tue, 1 Dec 2026 09:00:00 +0100

--x
Content-Type: text/rfc822-headers

Received: from mail.webwinkeltulp.example ([198.51.100.20]) by mx.isp.example; Tue, 1 Dec 2026 09:00:00 +0100
From: a@webwinkeltulp.example
Subject: hi
--x--
`;
  const fbl = await processed(await sendMail(arf, "abuse@extin.eu", "fbl@isp.example"));
  assert.equal(fbl.format, "arf");
  assert.equal(fbl.acknowledgement, "not_needed");

  const terse = `From: Piet Pieters <piet.pieters@klager.example>
To: abuse@extin.eu
Subject: phishing
Message-ID: <terse-1@klager.example>

198.51.100.40
`;
  const report = await processed(await sendMail(terse, "abuse@extin.eu", "piet.pieters@klager.example"));
  assert.equal(report.acknowledgement, "written");
  assert.ok(report.missing.includes("description"), JSON.stringify(report.missing));
  const ask = await relay.waitFor((m) => m.to.includes("piet.pieters@klager.example"), 20_000, "the request");
  assert.match(ask.subject, /er ontbreekt informatie/);
  assert.match(
    ask.text,
    /een beschrijving van het probleem: wat er is gebeurd en wanneer/,
    "names exactly what is missing",
  );
  const caseId = Number(/#(\d+)\]/.exec(ask.subject)![1]);
  const c = await caseView(caseId);
  assert.equal(c.state, "waiting_reporter");
  assert.ok(c.deadlines.find((d: { name: string }) => d.name === "acknowledge_receipt"));

  // The reporter answers the request: the case stops waiting.
  const answer = `From: Piet Pieters <piet.pieters@klager.example>
To: abuse@extin.eu
Subject: Re: ${ask.subject}
In-Reply-To: ${ask.headers.get("message-id")}
Message-ID: <terse-2@klager.example>

The page imitates my bank's login since this morning 08:00 CET.
`;
  const reply = await processed(await sendMail(answer, "abuse@extin.eu", "piet.pieters@klager.example"));
  assert.equal(reply.format, "reply");
  const after = await caseView(caseId);
  assert.equal(after.state, "in_review");
  assert.ok(
    after.messages.some(
      (m: { direction: string; party: string }) => m.direction === "in" && m.party === "reporter",
    ),
  );
});

test("a notice (NTD) is forwarded to the content provider without the notifier's identity", async () => {
  const notifier = {
    name: "Jan de Vries",
    email: "jan.devries@rechthebbende.example",
    org: "Rechthebbende Films BV",
  };
  const ntd = `From: ${notifier.name} <${notifier.email}>
To: abuse@extin.eu
Subject: Copyright infringement notice
Message-ID: <ntd-1@rechthebbende.example>

Dear Extin,

I am ${notifier.name} of ${notifier.org}, the rights holder of the film "Tulpenkoorts".
The film is offered without permission at http://webwinkeltulp.example/films/tulpenkoorts.mp4
This infringes our copyright; please remove it.
You can reach me at ${notifier.email}.

${notifier.name}
${notifier.org}
`;
  const report = await processed(await sendMail(ntd, "abuse@extin.eu", notifier.email));
  assert.equal(report.state, "parsed", report.triage_reason ?? "");
  const ev = await db()
    .selectFrom("events")
    .select(["case_id", "kind"])
    .where("report_id", "=", report.id)
    .executeTakeFirstOrThrow();
  assert.equal(ev.kind, "ntd");
  const res = await post(`/api/v1/cases/${ev.case_id}/actions`, { step: "request_information" });
  assert.equal(res.status, 201, await res.clone().text());
  const forwarded = await relay.waitFor(
    (m) => m.to.includes("klantenservice@webwinkeltulp.example") && /Verzoek om reactie/.test(m.subject),
    20_000,
    "the forwarded notice",
  );
  assertNoReporterIdentity(forwarded.raw.toString("latin1"), notifier, "forwarded notice");
  assertNoReporterIdentity(forwarded.text, notifier, "forwarded notice (decoded)");
  assert.match(forwarded.text, /tulpenkoorts\.mp4/, "what the notice is about");
  assert.match(forwarded.text, /Auteursrechtinbreuk/);
  // The notifier's own words are not forwarded: a signature can name them in ways no desk recognises.
  assert.ok(!/rights holder/.test(forwarded.text));
  assert.match(forwarded.text, /De identiteit van de melder delen wij niet met u/);
  assert.match(forwarded.text, /uiterlijk \d+ \w+ \d{4}/, "the 14 days to react");
});

test("a reply recognised only by the case reference in its subject is threaded when it comes from the case's party, not from a stranger", async () => {
  const caseId = await openCaseFor(db(), t.desk.services.policies, {
    brand: "extin",
    customer: "ext-3003",
    category: "port_scan",
    ip: "198.51.100.200",
  });
  const sent = await post(`/api/v1/cases/${caseId}/messages`, {
    party: "customer",
    subject: "Vraag over poortscans",
    body: "Kunt u uitleggen wat er op uw server draait?",
  });
  assert.equal(sent.status, 201, await sent.clone().text());
  const [m] = (await json(sent)).items;
  assert.equal(m.to[0], "noc@servermeesters.example");
  assert.ok(m.subject.startsWith(`[Extin abuse #${caseId}] `));
  await relay.waitFor((r) => r.to.includes("noc@servermeesters.example"), 20_000, "the question");

  const fromCustomer = await processed(
    await sendMail(
      `From: NOC <noc@servermeesters.example>\nTo: abuse@extin.eu\nSubject: Antwoord [Extin abuse #${caseId}]\nMessage-ID: <sm-1@servermeesters.example>\n\nHet was een kwetsbaarheidsscan in opdracht van een klant.\n`,
      "abuse@extin.eu",
      "noc@servermeesters.example",
    ),
  );
  assert.equal(fromCustomer.format, "reply");
  const fromStranger = await processed(
    await sendMail(
      `From: Someone <someone@elsewhere.example>\nTo: abuse@extin.eu\nSubject: [Extin abuse #${caseId}] more spam\nMessage-ID: <x-1@elsewhere.example>\n\nSpam from 198.51.100.201, received today 10:00 CET; headers below.\n`,
      "abuse@extin.eu",
      "someone@elsewhere.example",
    ),
  );
  assert.notEqual(fromStranger.format, "reply", "a stranger's mail is a report of its own");
  const c = await caseView(caseId);
  const inbound = c.messages.filter((x: { direction: string }) => x.direction === "in");
  assert.equal(inbound.length, 1);
  assert.equal(inbound[0].from, "noc@servermeesters.example");
});

test("a bounce (RFC 3464) for a notice marks it failed and flags the case; a relay's 550 does the same", async () => {
  const caseId = await openCaseFor(db(), t.desk.services.policies, {
    brand: "extin",
    customer: "ext-3001",
    category: "malware",
    url: "http://webwinkeltulp.example/x.exe",
  });
  const res = await post(`/api/v1/cases/${caseId}/messages`, { party: "customer", template: "reminder" });
  assert.equal(res.status, 201, await res.clone().text());
  const [m] = (await json(res)).items;
  const sent = await settled(m.id);
  assert.equal(sent.state, "sent");
  const dsn = `From: Mail Delivery System <MAILER-DAEMON@mx.webwinkeltulp.example>
To: abuse@extin.eu
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.webwinkeltulp.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="d"

--d
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.
--d
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.webwinkeltulp.example

Final-Recipient: rfc822; klantenservice@webwinkeltulp.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 mailbox unknown

--d
Content-Type: text/rfc822-headers

From: Extin abuse desk <abuse@extin.eu>
To: klantenservice@webwinkeltulp.example
Subject: ${sent.subject}
Message-ID: <${sent.message_id}>
--d--
`;
  const bounce = await processed(await sendMail(dsn, "abuse@extin.eu", ""));
  assert.equal(bounce.format, "dsn");
  assert.equal(bounce.acknowledgement, "inbound", "no acknowledgement to a mailer daemon");
  const c = await caseView(caseId);
  const failed = c.messages.find((x: { id: number }) => x.id === m.id);
  assert.equal(failed.state, "failed");
  assert.equal(failed.failure, "bounced");
  assert.match(failed.error, /5\.1\.1/);
  assert.equal(c.contact_problems.length, 1);
  assert.equal(c.contact_problems[0].party, "customer");
  assert.ok(
    c.timeline.some(
      (e: { action: string; summary: string }) =>
        e.action === "message.bounced" && /address does not work/.test(e.summary),
    ),
  );

  // The relay refuses an address with 550: failed at once, no retries.
  await sql`update customers set contact_emails = '{nobody@refused.example}' where id = 'ext-3003'`.execute(
    db(),
  );
  const other = await openCaseFor(db(), t.desk.services.policies, {
    brand: "extin",
    customer: "ext-3003",
    category: "malware",
    url: "http://servermeesters.example/y.exe",
  });
  const r2 = await post(`/api/v1/cases/${other}/messages`, { party: "customer", template: "reminder" });
  const [m2] = (await json(r2)).items;
  const refused = await settled(m2.id);
  assert.equal(refused.state, "failed");
  assert.equal(refused.failure, "refused");
  assert.equal(refused.attempts, 1);
  assert.equal((await caseView(other)).contact_problems[0].failure, "refused");
});

test("the measures' seam: a measure done, an order carried out and an escalation each write their message in the caller's transaction", async () => {
  const supervisor = await createUser(db(), SYSTEM, { email: "chef@extin.example", role: "supervisor" });
  assert.ok(supervisor.ok);
  const caseId = await openCaseFor(db(), t.desk.services.policies, {
    brand: "extin",
    customer: "ext-3001",
    category: "phishing",
    url: "http://webwinkeltulp.example/bank/",
  });
  const gagged = await openCaseFor(db(), t.desk.services.policies, {
    brand: "extin",
    customer: "ext-3001",
    category: "fraud",
    url: "http://webwinkeltulp.example/fraud/",
  });
  await sql`update cases set gag = true where id = ${gagged}`.execute(db());
  const notifier = createMessageNotifier(deps());
  const at = new Date("2026-12-01T10:00:00Z");
  const kase = (id: number) => ({
    id,
    brand: "extin",
    kind: "abuse",
    customer: { id: "ext-3001", name: "Webwinkel Tulp BV" },
  });
  await db()
    .transaction()
    .execute(async (trx) => {
      await notifier.measureDone(trx, [
        { case: kase(caseId), action: { id: 1, step: "suspend", connector: "webhook", at, note: null } },
        { case: kase(gagged), action: { id: 2, step: "suspend", connector: null, at, note: null } },
      ]);
      await notifier.orderExecuted(trx, {
        order: {
          id: 7,
          authority: "Openbaar Ministerie",
          reference: "OM-2026-0042",
          legal_basis: "art. 125p Sv",
          contact: { email: "bevelen@om.example" },
          received_at: new Date("2026-12-01T09:00:00Z"),
          due_at: new Date("2026-12-01T21:00:00Z"),
        },
        executed_at: at,
        took_seconds: 3600,
        deadline_met: true,
        actions: [{ id: 1, case_id: caseId, step: "suspend", done_at: at }],
      });
      await notifier.escalated(trx, {
        notification: 1,
        kind: "supervisor_escalation",
        case: kase(caseId),
        details: { deadline: "reply_to_reporter", due_at: at.toISOString(), source: "X2com Abuse Policy §6" },
      });
    });
  const taken = await relay.waitFor((m) => /Maatregel uitgevoerd/.test(m.subject), 20_000, "measure taken");
  assert.deepEqual(taken.to, ["klantenservice@webwinkeltulp.example"]);
  assert.match(taken.text, /het opschorten van de dienst/);
  const order = await relay.waitFor((m) => m.to.includes("bevelen@om.example"), 20_000, "order confirmation");
  assert.match(order.text, /OM-2026-0042/);
  assert.match(order.text, /1 uur na ontvangst/);
  assert.match(order.text, /de termijn is gehaald/);
  const escalation = await relay.waitFor((m) => m.to.includes("chef@extin.example"), 20_000, "escalation");
  assert.match(escalation.subject, new RegExp(`\\[Extin abuse #${caseId}\\] Escalation`));
  const gaggedRows = await db().selectFrom("messages").select("id").where("case_id", "=", gagged).execute();
  assert.equal(gaggedRows.length, 0, "nothing about a measure in a gagged case");
});
