/**
 * The conversation of issue 11, through the real doors: a complaint over SMTP to a started desk, the
 * acknowledgement at a real recording SMTP server on loopback, a warning to the customer with the evidence
 * and without the reporter, the customer's reply over SMTP threaded into its case, and the portal link:
 * an answer and an uploaded file that show on the case.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import nodemailer from "nodemailer";
import { MAX_UPLOAD_BYTES } from "../src/portal/portal.ts";
import { PORTAL_LIMITS } from "../src/portal/routes.ts";
import { json, startTestDesk, type TestDesk, waitFor } from "./helpers.ts";
import { assertNoReporterIdentity } from "./leaks.ts";
import { type Received, type Recorder, startRecorder } from "./recorder.ts";

let t: TestDesk;
let relay: Recorder;

const reporter = { name: "Jan de Vries", email: "jan.devries@brandprotect.example", org: "BrandProtect BV" };
const customer = { name: "Webwinkel Tulp BV", email: "klantenservice@webwinkeltulp.example" };

before(async () => {
  relay = await startRecorder();
  t = await startTestDesk({ demo: true, config: { relay: relay.url } });
});
after(async () => {
  await t.stop();
  await relay.close();
});

async function sendMail(raw: string, to = "abuse@extin.eu", from = reporter.email) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: t.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({ envelope: { from, to: [to] }, raw });
    return Number(/stored as report (\d+)/.exec(String(info.response))?.[1]);
  } finally {
    transport.close();
  }
}

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
    20_000,
    `report ${id} to be processed`,
  );
}

const complaint = (id: string, ip = "198.51.100.7") =>
  `From: ${reporter.name} <${reporter.email}>
To: abuse@extin.eu
Subject: Spam from your network (${id})
Message-ID: <${id}@brandprotect.example>
Date: Tue, 1 Dec 2026 10:00:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Hello,

I received the spam below from one of your customers. Please make it stop.

Regards,
${reporter.name}
${reporter.org}

--b1
Content-Type: message/rfc822

Received: from mail.webwinkeltulp.example (mail.webwinkeltulp.example [${ip}]) by mx.brandprotect.example (Postfix) with ESMTP id 4F2A1 for <${reporter.email}>; Tue, 1 Dec 2026 09:12:00 +0100
From: Tulp Aanbiedingen <aanbieding@webwinkeltulp.example>
To: ${reporter.email}
Subject: Mega korting op tulpenbollen
Date: Tue, 1 Dec 2026 09:11:58 +0100
Message-ID: <spam-${id}@webwinkeltulp.example>

Koop nu!
--b1--
`.replace(/\n/g, "\r\n");

const post = (path: string, body: unknown) =>
  t.api("agent", path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** Every message a customer got is checked against the reporter's name, address and organisation. */
function toCustomer(m: Received) {
  assertNoReporterIdentity(m.raw.toString("latin1"), reporter, `message "${m.subject}"`);
  assertNoReporterIdentity(m.text, reporter, `message "${m.subject}" (decoded)`);
  return m;
}

let caseId = 0;
let notice: Received;

test("a complaint over SMTP gets an acknowledgement at the relay: the brand's language, its abuse address, the case reference", async () => {
  const reportId = await sendMail(complaint("c1"));
  const report = await processed(reportId);
  assert.equal(report.state, "parsed");
  const ack = await relay.waitFor((m) => m.to.includes(reporter.email), 20_000, "the acknowledgement");
  const kase = await t.desk.conn.db
    .selectFrom("events")
    .select("case_id")
    .where("report_id", "=", reportId)
    .executeTakeFirstOrThrow();
  caseId = kase.case_id!;
  assert.ok(caseId > 0);
  assert.equal(
    ack.from,
    "abuse@extin.eu",
    "the envelope is the brand's abuse address (bounces come back there)",
  );
  assert.match(ack.headers.get("from") ?? "", /<abuse@extin\.eu>/);
  assert.ok(ack.subject.startsWith(`[Extin abuse #${caseId}] `), ack.subject);
  assert.match(ack.subject, /Ontvangstbevestiging/, "Extin writes Dutch");
  assert.match(ack.text, new RegExp(`geregistreerd onder nummer ${reportId}`));
  assert.match(ack.text, /Digitaledienstenverordening/);
  assert.match(
    ack.headers.get("in-reply-to") ?? "",
    /c1@brandprotect\.example/,
    "it answers the reporter's mail",
  );
  assert.equal(ack.headers.get("auto-submitted"), "auto-generated");
  assert.ok(ack.messageId);
  // Never the customer's identity to the reporter.
  assert.ok(!ack.text.includes(customer.name) && !ack.text.includes(customer.email));
  assert.match(ack.text, /\/portal\/t\/[A-Za-z0-9_-]{43}/, "a link to follow the report");

  // The relay answered 250 a moment before the sender recorded it.
  const c = await waitFor(
    async () => {
      const v = await json(await t.api("agent", `/api/v1/cases/${caseId}`));
      return v.deadlines.find((d: { name: string }) => d.name === "acknowledge_receipt").met_at
        ? v
        : undefined;
    },
    10_000,
    "sending the acknowledgement to meet acknowledge_receipt",
  );
  const out = c.messages.find((m: { template: string }) => m.template === "acknowledgement");
  assert.equal(out.state, "sent");
  assert.equal(out.direction, "out");
  assert.equal(out.party, "reporter");
  assert.equal(out.language, "nl");
  assert.deepEqual(out.to, [reporter.email]);
  assert.ok(c.timeline.some((e: { action: string }) => e.action === "message.sent"));

  // The API shows the body, never the portal token in it.
  const full = await json(await t.api("agent", `/api/v1/messages/${out.id}`));
  assert.match(full.body, /\/portal\/t\/…/);
  assert.ok(!/\/portal\/t\/[A-Za-z0-9_-]{43}/.test(full.body));
  assert.equal(`<${full.message_id}>`, ack.headers.get("message-id"));
});

test("the reporter's link shows the report's status, without the customer", async () => {
  const ack = relay.messages.find((m) => m.to.includes(reporter.email))!;
  const link = /(\/portal\/t\/[A-Za-z0-9_-]{43})/.exec(ack.text)![1]!;
  const open = await fetch(`${t.baseUrl}${link}`, { redirect: "manual" });
  assert.equal(open.status, 303);
  const cookie = open.headers.get("set-cookie")!.split(";")[0]!;
  const page = await fetch(`${t.baseUrl}/portal/?lang=nl`, { headers: { cookie } });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, new RegExp(`Extin abuse #${caseId}`));
  assert.match(html, /Ontvangen/);
  assert.ok(!html.includes(customer.name) && !html.includes(customer.email), "nothing about the customer");
});

test("taking warn sends the customer a notice with the evidence and without the reporter's identity", async () => {
  const res = await post(`/api/v1/cases/${caseId}/actions`, { step: "warn" });
  assert.equal(res.status, 201, await res.clone().text());
  notice = toCustomer(await relay.waitFor((m) => m.to.includes(customer.email), 20_000, "the notice"));
  assert.equal(notice.from, "abuse@extin.eu");
  assert.ok(notice.subject.startsWith(`[Extin abuse #${caseId}] Waarschuwing`), notice.subject);
  assert.match(notice.text, /Geachte Webwinkel Tulp BV/);
  // The evidence: what, when, which address, and the excerpt that is safe to show.
  assert.match(notice.text, /Spam op 1 december 2026 09:12 \(CET\), vanaf 198\.51\.100\.7/);
  assert.match(
    notice.text,
    /Received: from mail\.webwinkeltulp\.example \(mail\.webwinkeltulp\.example \[198\.51\.100\.7\]\)/,
  );
  assert.match(notice.text, /Subject: Mega korting op tulpenbollen/);
  assert.ok(!/mx\.brandprotect|for </.test(notice.text), "the receiving side of Received is left out");
  assert.match(notice.text, /Overigens ontvangt de spammer hooguit één waarschuwing/, "the clause, verbatim");
  assert.match(notice.text, /\/portal\/t\/[A-Za-z0-9_-]{43}/);

  // The reporter hears what was done (meets reply_to_reporter), without the customer.
  const update = await relay.waitFor(
    (m) => m.to.includes(reporter.email) && /Wat wij met uw melding hebben gedaan/.test(m.subject),
    20_000,
    "the reporter's update",
  );
  assert.match(update.text, /een waarschuwing/);
  assert.ok(!update.text.includes(customer.name) && !update.text.includes(customer.email));
  // The relay answered 250 a moment before the sender recorded it.
  const c = await waitFor(
    async () => {
      const v = await json(await t.api("agent", `/api/v1/cases/${caseId}`));
      return v.deadlines.find((d: { name: string }) => d.name === "reply_to_reporter").met_at ? v : undefined;
    },
    10_000,
    "reply_to_reporter to be met",
  );
  assert.equal(c.state, "waiting_customer");
});

test("the customer's reply over SMTP lands on its case as an inbound message, not as a new report's events, and the case stops waiting", async () => {
  const before = await json(await t.api("agent", `/api/v1/cases/${caseId}`));
  const reply = `From: ${customer.name} <${customer.email}>
To: abuse@extin.eu
Subject: Re: ${notice.subject}
Message-ID: <reply-1@webwinkeltulp.example>
In-Reply-To: ${notice.headers.get("message-id")}
References: ${notice.headers.get("message-id")}
Date: Wed, 2 Dec 2026 10:00:00 +0100
Content-Type: text/plain; charset=utf-8

Beste abuse desk,

Wij hebben de nieuwsbrief stopgezet; het ging om een oude lijst zonder opt-in. Sorry!

> Received: from mail.webwinkeltulp.example ([198.51.100.7])
`.replace(/\n/g, "\r\n");
  const reportId = await sendMail(reply, "abuse@extin.eu", customer.email);
  const report = await processed(reportId);
  assert.equal(report.state, "parsed");
  assert.equal(report.format, "reply");
  const c = await json(await t.api("agent", `/api/v1/cases/${caseId}`));
  assert.equal(c.state, "in_review", "out of waiting_customer");
  assert.equal(c.event_count, before.event_count, "no new events from the quoted notice");
  const inbound = c.messages.find((m: { direction: string }) => m.direction === "in");
  assert.equal(inbound.party, "customer");
  assert.equal(inbound.state, "received");
  assert.equal(inbound.from, customer.email);
  assert.equal(inbound.report_id, reportId, "the raw reply stays stored as its report");
  const full = await json(await t.api("agent", `/api/v1/messages/${inbound.id}`));
  assert.match(full.body, /nieuwsbrief stopgezet/);
  assert.ok(
    c.timeline.some(
      (e: { action: string; summary: string }) =>
        e.action === "message.received" && /reply received from the customer/.test(e.summary),
    ),
  );
  const events = await json(await t.api("agent", `/api/v1/events?report_id=${reportId}`));
  assert.equal(events.total, 0);
  // No acknowledgement goes back to an answer.
  const acks = await t.desk.conn.db
    .selectFrom("reports")
    .select("acknowledgement")
    .where("id", "=", reportId)
    .executeTakeFirstOrThrow();
  assert.equal(acks.acknowledgement, "inbound");
});

test("the customer opens the portal link, answers and uploads a file; both show on the case", async () => {
  const link = /(\/portal\/t\/[A-Za-z0-9_-]{43})/.exec(notice.text)![1]!;
  const open = await fetch(`${t.baseUrl}${link}`, { redirect: "manual" });
  assert.equal(open.status, 303);
  const setCookie = open.headers.get("set-cookie")!;
  assert.match(setCookie, /HttpOnly/i);
  assert.match(setCookie, /Path=\/portal/);
  const cookie = setCookie.split(";")[0]!;
  const page = await fetch(`${t.baseUrl}/portal/`, { headers: { cookie } });
  assert.equal(page.status, 200);
  const html = await page.text();
  assertNoReporterIdentity(html, reporter, "portal page");
  assert.match(html, new RegExp(`Extin abuse #${caseId}`));
  assert.match(html, /198\.51\.100\.7/, "the evidence");
  assert.ok(!/<script|<style|\sstyle=|\son[a-z]+=/i.test(html), "no inline script or style (CSP)");
  assert.match(html, /<html lang="nl">/);
  assert.match(html, /<label for="case-\d+-text">/);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

  // Without the CSRF token a form is refused.
  const forged = await fetch(`${t.baseUrl}/portal/cases/${caseId}/answer`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: "x", text: "forged" }),
    redirect: "manual",
  });
  assert.equal(forged.status, 403);

  const answer = await fetch(`${t.baseUrl}/portal/cases/${caseId}/answer`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      _csrf: csrf,
      lang: "nl",
      text: "De lijst is opgeschoond; hierbij de opt-in logs.",
    }),
    redirect: "manual",
  });
  assert.equal(answer.status, 303, await answer.clone().text());
  const proof = Buffer.from("timestamp,address,confirmed\n2026-01-01T10:00:00Z,<script>x</script>,yes\n");
  const form = new FormData();
  form.set("_csrf", csrf);
  form.set("lang", "nl");
  form.set("text", "Bevestigde opt-in");
  form.set("file", new Blob([proof], { type: "text/html" }), "opt-in.html");
  const upload = await fetch(`${t.baseUrl}/portal/cases/${caseId}/upload`, {
    method: "POST",
    headers: { cookie },
    body: form,
    redirect: "manual",
  });
  assert.equal(upload.status, 303, await upload.clone().text());

  const c = await json(await t.api("agent", `/api/v1/cases/${caseId}`));
  const portal = c.messages.filter(
    (m: { direction: string; from: string }) => m.direction === "in" && m.from?.startsWith("portal:"),
  );
  assert.equal(portal.length, 2);
  const [said, uploaded] = await Promise.all(
    portal.map(async (m: { id: number }) => json(await t.api("agent", `/api/v1/messages/${m.id}`))),
  );
  assert.match(said.body, /opgeschoond/);
  assert.equal(uploaded.attachments.length, 1);
  assert.equal(uploaded.attachments[0].filename, "opt-in.html");
  const file = await t.api("agent", uploaded.attachments[0].url);
  assert.equal(file.status, 200);
  assert.equal(
    file.headers.get("content-type"),
    "application/octet-stream",
    "never served as what it claims to be",
  );
  assert.match(file.headers.get("content-disposition") ?? "", /^attachment;/);
  assert.equal(file.headers.get("x-content-type-options"), "nosniff");
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), proof);
  assert.ok(c.timeline.some((e: { summary: string }) => /uploaded a file in the portal/.test(e.summary)));

  // The page shows both now, and the file comes back only as a download.
  const again = await (await fetch(`${t.baseUrl}/portal/`, { headers: { cookie } })).text();
  assert.match(again, /opgeschoond/);
  const fileLink = /href="(\/portal\/files\/\d+)"/.exec(again)![1]!;
  const mine = await fetch(`${t.baseUrl}${fileLink}`, { headers: { cookie } });
  assert.equal(mine.headers.get("x-content-type-options"), "nosniff");
  assert.match(mine.headers.get("content-disposition") ?? "", /^attachment;/);
});

test("an upload over the size limit is refused with 413, and a revoked link no longer opens the portal", async () => {
  const link = /(\/portal\/t\/[A-Za-z0-9_-]{43})/.exec(notice.text)![1]!;
  const cookie = (await fetch(`${t.baseUrl}${link}`, { redirect: "manual" })).headers
    .get("set-cookie")!
    .split(";")[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(
    await (await fetch(`${t.baseUrl}/portal/`, { headers: { cookie } })).text(),
  )![1]!;
  const form = new FormData();
  form.set("_csrf", csrf);
  form.set("file", new Blob([Buffer.alloc(MAX_UPLOAD_BYTES + 1, 0x41)]), "big.bin");
  const big = await fetch(`${t.baseUrl}/portal/cases/${caseId}/upload`, {
    method: "POST",
    headers: { cookie },
    body: form,
  });
  assert.equal(big.status, 413);
  assert.match(await big.text(), /groter dan 10 MB/);

  const links = await json(await t.api("agent", "/api/v1/portal/links?customer=ext-3001"));
  assert.ok(links.items.length >= 1);
  for (const l of links.items) {
    const r = await t.api("agent", `/api/v1/portal/links/${l.id}`, { method: "DELETE" });
    assert.equal(r.status, 200);
  }
  const after = await fetch(`${t.baseUrl}/portal/`, { headers: { cookie } });
  assert.equal(after.status, 401);
  const reopen = await fetch(`${t.baseUrl}${link}`, { redirect: "manual" });
  assert.equal(reopen.status, 404);
});

test(`the portal's forms are rate limited per address (${PORTAL_LIMITS.forms.limit} a minute)`, async () => {
  let allowed = 0;
  let refused: Response | undefined;
  for (let i = 0; i <= PORTAL_LIMITS.forms.limit && !refused; i++) {
    const r = await fetch(`${t.baseUrl}/portal/logout`, { method: "POST", redirect: "manual" });
    if (r.status === 429) refused = r;
    else allowed++;
  }
  assert.ok(refused, "the form beyond the limit is refused");
  assert.ok(allowed <= PORTAL_LIMITS.forms.limit);
  assert.ok(Number(refused.headers.get("retry-after")) > 0);
  assert.match(await refused.text(), /Too many requests|te veel verzoeken/);
});
