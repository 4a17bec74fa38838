/**
 * Notice-and-takedown end to end (issue 13), through the real doors of a started desk with the demo data
 * and a recording relay on loopback: the public form posted as a browser posts it (multipart, no
 * JavaScript), the acknowledgement, forwarding without the notifier's identity, the content provider's
 * reaction by mail, a rebuttal, the three decisions with their reasons, an art. 20 complaint that reverses
 * a decision and takes its measure back, a trusted flagger ahead in the queue, a suspended notifier
 * refused, an incomplete notice completed, art. 18 and the transparency figures.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import nodemailer from "nodemailer";
import { NOTICE_FORM_LIMITS } from "../src/ntd/form.ts";
import { MAX_NOTICE_FILE_BYTES, MAX_NOTICE_FILES } from "../src/ntd/procedure.ts";
import { statementProblems } from "../src/ntd/statements.ts";
import { startTestDesk, type TestDesk, waitFor } from "./helpers.ts";
import { assertNoReporterIdentity } from "./leaks.ts";
import { type Recorder, startRecorder } from "./recorder.ts";

let t: TestDesk;
let relay: Recorder;

before(async () => {
  relay = await startRecorder();
  t = await startTestDesk({ demo: true, config: { relay: relay.url } });
});
after(async () => {
  await t.stop();
  await relay.close();
});

const db = () => t.desk.conn.db;
const CUSTOMER = "klantenservice@webwinkeltulp.example";
const notifier = {
  name: "Marieke Jansen",
  email: "m.jansen@fotografie-jansen.example",
  org: "Fotografie Jansen",
};

const api = (role: Parameters<TestDesk["api"]>[0], path: string, body?: unknown) =>
  t.api(role, path, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });

async function ok(res: Response, status = 200) {
  const text = await res.text();
  assert.equal(res.status, status, text.slice(0, 500));
  return JSON.parse(text);
}

/** The form as a browser sends it: multipart/form-data, the file as a file part. */
function formData(fields: Record<string, string>, files: { name: string; content: string }[] = []) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append("files", new Blob([f.content], { type: "image/jpeg" }), f.name);
  return fd;
}

const FORM = {
  category: "copyright",
  locations: "http://webwinkeltulp.example/fotos/molen-zonsondergang.jpg\nhttps://elders.example/kopie.jpg",
  explanation: `Deze foto is gemaakt door ${notifier.name} van ${notifier.org} en wordt zonder toestemming gebruikt. Mail mij op ${notifier.email}.`,
  legal_ground: "auteursrecht (Auteurswet art. 1)",
  role: "rights_holder",
  interest: "ik ben de fotograaf en maker van het werk",
  name: notifier.name,
  org: notifier.org,
  email: notifier.email,
  good_faith: "yes",
  lang: "nl",
};

async function sendMail(raw: string, from: string) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: t.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({
      envelope: { from, to: ["abuse@extin.eu"] },
      raw: raw.replace(/\r?\n/g, "\r\n"),
    });
    return Number(/stored as report (\d+)/.exec(String(info.response))?.[1]);
  } finally {
    transport.close();
  }
}

async function notice(ref: string | number) {
  return ok(await api("agent", `/api/v1/notices/${ref}`));
}

let reference = "";
let caseId = 0;
let followLink = "";

/** A portal session opened with a link from a message, as a browser without JavaScript uses it. */
async function portal(link: string) {
  const opened = await fetch(link, { redirect: "manual" });
  assert.equal(opened.status, 303, "the link opens a session");
  const cookie = (opened.headers.get("set-cookie") ?? "").split(";")[0]!;
  const page = async () => {
    const res = await fetch(`${t.baseUrl}/portal/?lang=nl`, { headers: { cookie } });
    assert.equal(res.status, 200);
    return res.text();
  };
  const post = async (path: string, fields: Record<string, string>) => {
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page())?.[1] ?? "";
    return fetch(`${t.baseUrl}${path}`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf, lang: "nl", ...fields }),
      redirect: "manual",
    });
  };
  return { page, post };
}

const linkIn = (text: string) => /https?:\/\/\S+\/portal\/t\/[A-Za-z0-9_-]+/.exec(text)?.[0] ?? "";

test("the public form: NL and EN, labelled, without script; a browser's multipart post answers with a reference", async () => {
  const page = await fetch(`${t.baseUrl}/notice/extin`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<html lang="nl">/);
  assert.match(html, /enctype="multipart\/form-data"/);
  assert.ok(!/<script/i.test(html), "no script");
  for (const id of [
    "category",
    "locations",
    "explanation",
    "legal_ground",
    "role",
    "interest",
    "name",
    "email",
    "files",
    "good_faith",
  ])
    assert.match(html, new RegExp(`<label for="${id}">`), `a label for ${id}`);
  const en = await (await fetch(`${t.baseUrl}/notice?brand=extin&lang=en`)).text();
  assert.match(en, /Notice of unlawful content to Extin/);
  assert.equal((await fetch(`${t.baseUrl}/notice/nosuchbrand`)).status, 404);

  // Missing fields: the form again, with the values kept and each error linked to its field.
  const bad = await fetch(`${t.baseUrl}/notice/extin`, {
    method: "POST",
    body: formData({ ...FORM, good_faith: "", interest: "" }),
  });
  assert.equal(bad.status, 422);
  const again = await bad.text();
  assert.match(again, /role="alert"/);
  assert.match(again, /href="#good_faith"/);
  assert.match(again, /href="#interest"/);
  assert.match(again, /molen-zonsondergang\.jpg/, "what was typed is kept");

  const res = await fetch(`${t.baseUrl}/notice/extin`, {
    method: "POST",
    body: formData(FORM, [{ name: "origineel.jpg", content: "\xff\xd8\xff not really a jpeg" }]),
  });
  const answer = await res.text();
  assert.equal(res.status, 201, answer.slice(0, 400));
  reference = /NTD-\d{4}-\d{6}/.exec(answer)?.[0] ?? "";
  assert.ok(reference, "the page gives the reference");
  assert.match(answer, /elders\.example/, "the location that is not ours is named");

  const n = await notice(reference);
  assert.equal(n.channel, "form");
  assert.equal(n.state, "assessment");
  assert.deepEqual(n.unresolved, ["https://elders.example/kopie.jpg"]);
  assert.equal(n.procedures.length, 1);
  assert.equal(n.procedures[0].customer, "ext-3001");
  assert.equal(n.procedures[0].due.name, "ntd_assessment");
  assert.equal(n.files.length, 1);
  assert.equal(n.files[0].filename, "origineel.jpg");
  caseId = n.procedures[0].case_id;
  const kase = await ok(await api("agent", `/api/v1/cases/${caseId}`));
  assert.equal(kase.kind, "ntd");
  // The file comes back as a download, never shown.
  const file = await api("agent", `/api/v1/notices/${reference}/files/${n.files[0].id}`);
  assert.equal(file.status, 200);
  assert.match(file.headers.get("content-disposition") ?? "", /attachment/);
});

test("the notifier is acknowledged (art. 16(4)) with the reference and a link to follow the notice", async () => {
  const ack = await relay.waitFor(
    (m) => m.to.includes(notifier.email) && m.subject.includes(reference),
    20_000,
    "the acknowledgement",
  );
  assert.match(ack.subject, /Uw melding NTD-/);
  followLink = linkIn(ack.text);
  assert.ok(followLink, "a link to follow it");
  const follow = await portal(followLink);
  const page = await follow.page();
  assert.match(page, new RegExp(reference));
  assert.match(page, /wordt beoordeeld/, "its state");
  assert.match(ack.text, /elders\.example/);
});

test("forwarding to the content provider never names the notifier, and carries the notice", async () => {
  const res = await ok(await api("agent", `/api/v1/notices/${reference}/steps`, { step: "forward" }));
  assert.equal(res.procedures[0].state, "forwarded");
  assert.equal(res.procedures[0].due.name, "ntd_customer_reaction");
  const forwarded = await relay.waitFor(
    (m) => m.to.includes(CUSTOMER) && /Verzoek om reactie/.test(m.subject),
    20_000,
    "the forwarded notice",
  );
  assertNoReporterIdentity(forwarded.raw.toString("latin1"), notifier, "forwarded notice");
  assertNoReporterIdentity(forwarded.text, notifier, "forwarded notice (decoded)");
  assert.match(forwarded.text, new RegExp(reference));
  assert.match(forwarded.text, /auteursrecht/);
  assert.match(forwarded.text, /zonder toestemming/, "the explanation, without the name");
  assert.match(forwarded.text, /molen-zonsondergang/);
});

test("the content provider's reaction by mail is forwarded to the notifier without naming the provider; the notifier rebuts", async () => {
  const replyId = await sendMail(
    `From: Webwinkel Tulp <${CUSTOMER}>\nTo: abuse@extin.eu\nSubject: Re: [Extin abuse #${caseId}] Verzoek om reactie\nMessage-ID: <tulp-1@webwinkeltulp.example>\n\nDe foto hebben wij gekocht bij een beeldbank; wij hebben een licentie. Groet, Webwinkel Tulp BV\n`,
    CUSTOMER,
  );
  await waitFor(
    async () =>
      db()
        .selectFrom("messages")
        .select("id")
        .where("case_id", "=", caseId)
        .where("direction", "=", "in")
        .executeTakeFirst(),
    20_000,
    "the reaction on the case",
  ).catch(async (err) => {
    const r = await db()
      .selectFrom("reports")
      .select(["state", "triage_reason", "format", "subject"])
      .where("id", "=", replyId)
      .executeTakeFirst();
    const m = await db()
      .selectFrom("messages")
      .select(["case_id", "direction", "party", "subject"])
      .where("report_id", "=", replyId)
      .execute();
    throw new Error(`${err.message}: report ${replyId} ${JSON.stringify(r)} messages ${JSON.stringify(m)}`);
  });
  const res = await ok(
    await api("agent", `/api/v1/notices/${reference}/steps`, { step: "forward_reaction" }),
  );
  assert.equal(res.procedures[0].state, "reaction_forwarded");
  assert.equal(res.procedures[0].due.name, "ntd_notifier_rebuttal");
  const reaction = await relay.waitFor(
    (m) => m.to.includes(notifier.email) && /Reactie op uw melding/.test(m.subject),
    20_000,
    "the reaction",
  );
  assert.match(reaction.text, /beeldbank/);
  assert.ok(!/Webwinkel Tulp/i.test(reaction.text), "the notifier is not told who the provider is");
  assert.ok(!reaction.text.includes(CUSTOMER));

  // The notifier rebuts on the page the acknowledgement's link opens.
  const follow = await portal(followLink);
  const page = await follow.page();
  assert.match(page, /beeldbank/, "the reaction is shown to the notifier");
  assert.match(page, /action="\/portal\/notice\/rebuttal"/);
  const sent = await follow.post("/portal/notice/rebuttal", {
    case: String(caseId),
    text: "Een beeldbank heeft deze foto nooit in licentie gehad; ik heb de foto nooit aan een beeldbank gegeven.",
  });
  assert.equal(sent.status, 303, await sent.text());
  const rebutted = await notice(reference);
  assert.match(rebutted.procedures[0].rebuttal, /nooit in licentie/);
});

test("deciding needs the approve permission; upheld removes the content with a statement of reasons to both parties", async () => {
  const agent = await api("agent", `/api/v1/notices/${reference}/steps`, {
    step: "decide",
    decision: "upheld",
    reason: "x",
    ground: { kind: "law", document: "Auteurswet", article: "art. 1" },
  });
  assert.equal(agent.status, 403);
  const res = await ok(
    await api("supervisor", `/api/v1/notices/${reference}/steps`, {
      step: "decide",
      decision: "upheld",
      basis: "assessment",
      reason: "De maker heeft aannemelijk gemaakt dat de foto van hem is; de klant kon geen licentie tonen.",
      ground: {
        kind: "law",
        document: "Auteurswet",
        article: "art. 1",
        quote: "Het auteursrecht is het uitsluitend recht van den maker van een werk.",
      },
    }),
  );
  const p = res.procedures[0];
  assert.equal(p.state, "decided");
  assert.equal(p.decision, "upheld");
  assert.ok(p.action_id, "the takedown is a measure");
  const toCustomer = await relay.waitFor(
    (m) =>
      m.to.includes(CUSTOMER) &&
      /Besluit en motivering|Beslissing|besluit/i.test(m.subject) &&
      m.text.includes(reference),
    20_000,
    "the statement of reasons",
  );
  assertNoReporterIdentity(toCustomer.text, notifier, "statement of reasons");
  assert.match(toCustomer.text, /Auteurswet/);
  const toNotifier = await relay.waitFor(
    (m) => m.to.includes(notifier.email) && /Besluit over uw melding/.test(m.subject),
    20_000,
    "the decision to the notifier",
  );
  assert.match(toNotifier.text, /gegrond/);
  assert.match(toNotifier.text, /klacht/, "redress");
  // Carried out by a person (no connector for removal in the demo), then exported as a statement.
  await ok(
    await api("agent", `/api/v1/actions/${p.action_id}/done`, {
      note: "bestand verwijderd van de webserver",
    }),
  );
  const from = new Date(Date.now() - 3600_000).toISOString();
  const lines = (await (await api("agent", `/api/v1/statements?from=${from}`)).text())
    .trim()
    .split("\n")
    .filter(Boolean);
  const sor = lines.map((l) => JSON.parse(l)).find((s) => s.puid.includes(String(p.action_id)));
  assert.ok(sor, "the takedown is among the statements of reasons");
  assert.deepEqual(statementProblems(sor), []);
  assert.equal(sor.source_type, "SOURCE_ARTICLE_16");
});

test("an art. 20 complaint is handled by someone else; reversed, the takedown is undone and both are told", async () => {
  const filed = await ok(
    await api("agent", `/api/v1/notices/${reference}/complaints`, {
      complainant: "customer",
      text: "Wij hebben wel degelijk een licentie; zie de bijgevoegde factuur van de beeldbank.",
      channel: "mail",
    }),
    201,
  );
  const same = await api("supervisor", `/api/v1/complaints/${filed.id}/outcome`, {
    outcome: "reversed",
    reason: "licentie aangetoond",
  });
  assert.equal(same.status, 403, "the person who decided does not handle the complaint");
  const reversed = await ok(
    await api("legal", `/api/v1/complaints/${filed.id}/outcome`, {
      outcome: "reversed",
      reason: "De klant heeft een geldige licentie van de beeldbank getoond; de foto mag blijven staan.",
    }),
  );
  assert.equal(reversed.decision, "rejected");
  assert.equal(reversed.measure, "undone");
  const n = await notice(reference);
  assert.equal(n.procedures[0].decision, "rejected");
  assert.equal(n.complaints[0].outcome, "reversed");
  const undo = await db()
    .selectFrom("measure_calls")
    .select(["undo", "state"])
    .where("action_id", "=", n.procedures[0].action_id ?? -1)
    .where("undo", "=", true)
    .executeTakeFirst();
  assert.ok(undo, "the removal is being undone");
  const outcome = await relay.waitFor(
    (m) => m.to.includes(CUSTOMER) && /klacht/i.test(m.subject),
    20_000,
    "the outcome to the customer",
  );
  assert.match(outcome.text, /herroepen/);
  assertNoReporterIdentity(outcome.text, notifier, "complaint outcome");
  await relay.waitFor(
    (m) =>
      m.to.includes(notifier.email) && /Besluit over uw melding/.test(m.subject) && /afgewezen/.test(m.text),
    20_000,
    "the new decision to the notifier",
  );
  const twice = await api("admin", `/api/v1/complaints/${filed.id}/outcome`, {
    outcome: "upheld",
    reason: "x",
  });
  assert.equal(twice.status, 409);
});

async function apiNotice(extra: Record<string, unknown> = {}, role: "agent" | "admin" = "agent") {
  return api(role, "/api/v1/notices", {
    brand: "extin",
    category: "defamation",
    locations: [`http://webwinkeltulp.example/blog/${Math.random().toString(36).slice(2)}`],
    explanation: "Dit bericht beschuldigt mij valselijk van fraude.",
    notifier: { name: "Kees Bakker", email: "kees.bakker@example.net" },
    interest: "het gaat over mij",
    legal_ground: "smaad (art. 261 Sr) en onrechtmatige daad (art. 6:162 BW)",
    good_faith: true,
    language: "nl",
    ...extra,
  });
}

test("to_court: with both parties' consent they are put in touch; rejected: the content stays", async () => {
  const a = await ok(await apiNotice(), 201);
  await ok(await api("agent", `/api/v1/notices/${a.id}/steps`, { step: "forward" }));
  const court = await ok(
    await api("supervisor", `/api/v1/notices/${a.id}/steps`, {
      step: "decide",
      decision: "to_court",
      reason: "De klant betwist de melding en laat het oordeel aan de rechter.",
      consent: { notifier: true, customer: true },
    }),
  );
  assert.equal(court.procedures[0].decision, "to_court");
  assert.equal(court.procedures[0].action_id, null, "no measure");
  assert.equal(court.procedures[0].case_state, "closed");
  const toNotifier = await relay.waitFor(
    (m) => m.to.includes("kees.bakker@example.net") && /Besluit/.test(m.subject),
    20_000,
    "to_court to the notifier",
  );
  assert.match(toNotifier.text, /rechter/);
  assert.match(
    toNotifier.text,
    /klantenservice@webwinkeltulp\.example/,
    "the provider's contact, with consent",
  );
  const toCustomer = await relay.waitFor(
    (m) => m.to.includes(CUSTOMER) && /Besluit over melding/.test(m.subject) && m.text.includes(a.reference),
    20_000,
    "to_court to the customer",
  );
  assert.match(toCustomer.text, /kees\.bakker@example\.net/, "the notifier's contact, with consent");

  const b = await ok(await apiNotice(), 201);
  const rejected = await ok(
    await api("supervisor", `/api/v1/notices/${b.id}/steps`, {
      step: "decide",
      decision: "rejected",
      reason:
        "Het bericht is een mening over een openbare kwestie; er is redelijke twijfel dat het onrechtmatig is.",
    }),
  );
  assert.equal(rejected.procedures[0].decision, "rejected");
  assert.equal(rejected.procedures[0].case_state, "rejected");
  const toCustomerB = await relay.waitFor(
    (m) => m.to.includes(CUSTOMER) && m.text.includes(b.reference),
    20_000,
    "rejection to the customer",
  );
  assertNoReporterIdentity(
    toCustomerB.text,
    { name: "Kees Bakker", email: "kees.bakker@example.net" },
    "rejection",
  );
  assert.match(toCustomerB.text, /afgewezen/);

  // The notifier complains through the portal (art. 20: the notifier may too).
  const decided = await relay.waitFor(
    (m) =>
      m.to.includes("kees.bakker@example.net") &&
      /Besluit over uw melding/.test(m.subject) &&
      m.text.includes(b.reference),
    20_000,
    "the rejection to the notifier",
  );
  const follow = await portal(linkIn(decided.text));
  assert.match(await follow.page(), /action="\/portal\/notice\/complaint"/);
  const complained = await follow.post("/portal/notice/complaint", {
    case: String(rejected.procedures[0].case_id),
    text: "Het bericht noemt mij bij naam en beschuldigt mij van fraude; dat is geen mening.",
  });
  assert.equal(complained.status, 303, await complained.text());
  const withComplaint = await notice(b.id);
  assert.equal(withComplaint.complaints.length, 1);
  assert.equal(withComplaint.complaints[0].complainant, "notifier");
  assert.equal(withComplaint.complaints[0].channel, "portal");
  assert.match(await follow.page(), /wordt behandeld door iemand die het besluit niet nam/);
  // The customer sees the decision in its portal and may complain there as well.
  const cust = await portal(linkIn(toCustomerB.text));
  const custPage = await cust.page();
  assert.match(custPage, new RegExp(b.reference));
  assertNoReporterIdentity(
    custPage,
    { name: "Kees Bakker", email: "kees.bakker@example.net" },
    "customer portal",
  );
  const custComplaint = await cust.post(`/portal/cases/${rejected.procedures[0].case_id}/complaint`, {
    text: "Wij willen dat het besluit wordt bevestigd en gemotiveerd.",
  });
  assert.equal(custComplaint.status, 303, await custComplaint.text());
  assert.equal((await notice(b.id)).complaints.length, 2);
});

test("acting at once needs a manifest, legal or ordered basis with its ground", async () => {
  const a = await ok(await apiNotice({ category: "fraud" }), 201);
  const noBasis = await api("supervisor", `/api/v1/notices/${a.id}/steps`, {
    step: "act",
    reason: "x",
    ground: { kind: "law", document: "Sr" },
  });
  assert.equal(noBasis.status, 422);
  const acted = await ok(
    await api("supervisor", `/api/v1/notices/${a.id}/steps`, {
      step: "act",
      basis: "manifest",
      reason: "Een nagemaakte bankpagina die om inloggegevens vraagt: kennelijk onrechtmatig.",
      ground: { kind: "law", document: "Wetboek van Strafrecht", article: "art. 326" },
    }),
  );
  assert.equal(acted.procedures[0].decision, "upheld");
  assert.equal(acted.procedures[0].decision_basis, "manifest");
  assert.ok(acted.procedures[0].action_id);
  const again = await api("supervisor", `/api/v1/notices/${a.id}/steps`, { step: "forward" });
  assert.equal(again.status, 409, "a decided notice is not forwarded");
});

test("an incomplete notice asks exactly what is missing, and is assessed once completed", async () => {
  const a = await ok(
    await apiNotice({
      good_faith: false,
      interest: undefined,
      notifier: { name: "Els de Wit", email: "els.dewit@example.org" },
    }),
    201,
  );
  assert.equal(a.state, "incomplete");
  assert.deepEqual(a.missing.sort(), ["good_faith", "interest"]);
  assert.equal(a.procedures[0].due.name, "ntd_completeness");
  const ask = await relay.waitFor(
    (m) => m.to.includes("els.dewit@example.org"),
    20_000,
    "the request to complete",
  );
  assert.match(ask.text, /te goeder trouw/);
  assert.match(ask.text, /uw belang/);
  const refused = await api("agent", `/api/v1/notices/${a.id}/steps`, {
    step: "complete",
    supplied: { interest: "ik word genoemd" },
  });
  assert.equal(refused.status, 422, "still lacks the good-faith statement");
  // The notifier completes it on the page the request's link opens: only the missing fields are asked.
  const follow = await portal(linkIn(ask.text));
  const page = await follow.page();
  assert.match(page, /name="good_faith"/);
  assert.match(page, /name="interest"/);
  assert.ok(!/name="explanation"/.test(page), "what is there is not asked again");
  const half = await follow.post("/portal/notice/complete", { interest: "ik word genoemd" });
  assert.equal(half.status, 422, "still lacks the good-faith statement");
  const sent = await follow.post("/portal/notice/complete", {
    interest: "ik word genoemd",
    good_faith: "yes",
  });
  assert.equal(sent.status, 303, await sent.text());
  const done = await notice(a.id);
  assert.equal(done.state, "assessment");
  assert.deepEqual(done.missing, []);
  assert.equal(done.interest, "ik word genoemd");
});

test("a trusted flagger's notice leads the queue of NTD cases", async () => {
  const first = await ok(await apiNotice(), 201);
  const flagger = await ok(
    await apiNotice({ notifier: { name: "Meldpunt Voorbeeld", email: "meldingen@meldpunt.example" } }),
    201,
  );
  const reporterId = flagger.notifier.reporter_id;
  const marked = await ok(
    await api("admin", `/api/v1/reporters/${reporterId}/trusted`, {
      trusted: true,
      reason: "aangewezen door de ACM, besluit 2026/17",
    }),
  );
  assert.equal(marked.trusted, true);
  assert.equal(
    (await api("agent", `/api/v1/reporters/${reporterId}/trusted`, { trusted: false, reason: "x" })).status,
    403,
  );
  const trusted = await ok(
    await apiNotice({ notifier: { name: "Meldpunt Voorbeeld", email: "meldingen@meldpunt.example" } }),
    201,
  );
  assert.equal(trusted.trusted, true);
  assert.equal(trusted.procedures[0].due.name, "ntd_assessment");
  const queue = await ok(await api("agent", "/api/v1/cases?kind=ntd&limit=50"));
  const ids = queue.items.map((c: { id: number }) => c.id);
  assert.equal(ids[0], trusted.procedures[0].case_id, "the trusted flagger's case comes first");
  assert.ok(ids.indexOf(first.procedures[0].case_id) > 0);
});

test("a notifier whose notices are manifestly unfounded is warned, then suspended; the form and the API refuse", async () => {
  const who = { name: "Querulant", email: "altijd.klagen@example.com" };
  for (let i = 0; i < 5; i++) {
    const n = await ok(await apiNotice({ notifier: who }), 201);
    await ok(
      await api("supervisor", `/api/v1/notices/${n.id}/steps`, {
        step: "decide",
        decision: "rejected",
        manifestly_unfounded: true,
        reason: "De pagina bevat niets van wat de melder beschrijft.",
      }),
    );
  }
  await relay.waitFor(
    (m) => m.to.includes(who.email) && /Waarschuwing/.test(m.subject),
    20_000,
    "the warning",
  );
  await relay.waitFor(
    (m) => m.to.includes(who.email) && /opgeschort/.test(m.subject),
    20_000,
    "the suspension",
  );
  const refused = await apiNotice({ notifier: who });
  assert.equal(refused.status, 403);
  assert.match(((await refused.json()) as { message?: string }).message ?? "", /suspended until .*art\. 23/);
  const page = await fetch(`${t.baseUrl}/notice/extin`, {
    method: "POST",
    body: formData({ ...FORM, email: who.email, name: who.name }),
  });
  assert.equal(page.status, 403);
  assert.match(await page.text(), /art\. 23/);
  const standing = await db()
    .selectFrom("reporters")
    .select(["id", "notices_suspended_until"])
    .where("email", "=", who.email)
    .executeTakeFirstOrThrow();
  const view = await ok(await api("agent", `/api/v1/reporters/${standing.id}`));
  assert.equal(view.notices.unfounded, 5);
  assert.ok(view.notices_warned_at);
  // A person lifts it, with a reason; notices are taken again.
  await ok(
    await api("supervisor", `/api/v1/reporters/${standing.id}/notice-suspension`, {
      until: null,
      reason: "bezwaar gegrond",
    }),
  );
  await ok(await apiNotice({ notifier: who }), 201);
});

test("a notice by mail enters the same procedure", async () => {
  const id = await sendMail(
    `From: Anna Smit <anna.smit@example.org>\nTo: abuse@extin.eu\nSubject: Copyright infringement notice\nMessage-ID: <ntd-mail-1@example.org>\n\nDear Extin,\n\nMy photograph is used without permission at http://webwinkeltulp.example/fotos/tulpen.jpg\nPlease remove it.\n\nAnna Smit\n`,
    "anna.smit@example.org",
  );
  const n = await waitFor(
    async () => db().selectFrom("notices").selectAll().where("report_id", "=", id).executeTakeFirst(),
    20_000,
    "the notice of the mail",
  );
  assert.equal(n.channel, "mail");
  const view = await notice(n.id);
  assert.equal(view.state, "incomplete");
  assert.ok(view.missing.includes("good_faith"));
  const ack = await relay.waitFor(
    (m) => m.to.includes("anna.smit@example.org"),
    20_000,
    "its acknowledgement",
  );
  assert.match(ack.subject, new RegExp(n.reference));
});

test("art. 18: a flagged threat to life makes an urgent task until the authority is informed", async () => {
  const a = await ok(await apiNotice({ category: "harassment" }), 201);
  const c = a.procedures[0].case_id;
  assert.equal((await api("agent", `/api/v1/cases/${c}/threat-to-life`, {})).status, 422);
  await ok(
    await api("agent", `/api/v1/cases/${c}/threat-to-life`, {
      reason: "Het bericht kondigt aan iemand morgen iets aan te doen.",
    }),
    201,
  );
  let kase = await ok(await api("agent", `/api/v1/cases/${c}`));
  const task = kase.deadlines.find((d: { name: string }) => d.name === "threat_to_life_report");
  assert.ok(task && !task.met_at);
  assert.equal(kase.priority, 0);
  await ok(
    await api("agent", `/api/v1/cases/${c}/threat-to-life/reported`, {
      authority: "Politie, Team High Tech Crime",
      reference: "PL-2026-991",
    }),
  );
  kase = await ok(await api("agent", `/api/v1/cases/${c}`));
  assert.ok(kase.deadlines.find((d: { name: string }) => d.name === "threat_to_life_report").met_at);
});

test("transparency figures (arts. 15, 24) count what happened", async () => {
  const from = new Date(Date.now() - 3600_000).toISOString();
  const r = await ok(await api("auditor", `/api/v1/reports/transparency?from=${from}`));
  assert.ok(r.notices.total >= 12, JSON.stringify(r.notices));
  assert.ok(r.notices.by_source.trusted_flagger >= 1);
  assert.equal(r.notices.by_category.copyright >= 1, true);
  assert.ok(r.decisions.by_decision.rejected >= 6);
  assert.ok(r.decisions.by_decision.to_court >= 1);
  assert.ok(r.measures.by_kind.remove_content >= 1);
  assert.equal(typeof r.measures.median_hours_notice_to_action, "number");
  assert.ok(r.complaints.reversed >= 1);
  assert.ok(r.misuse.notifier_suspensions >= 1);
  assert.equal(r.threats_to_life.reported, 1);
});

test("the form's limits: files too large or too many, and too many notices from one address", async () => {
  const big = await fetch(`${t.baseUrl}/notice/extin`, {
    method: "POST",
    body: formData(FORM, [{ name: "groot.bin", content: "x".repeat(MAX_NOTICE_FILE_BYTES + 1) }]),
  });
  assert.equal(big.status, 413);
  assert.match(await big.text(), /10 MB/);
  const many = await fetch(`${t.baseUrl}/notice/extin`, {
    method: "POST",
    body: formData(
      FORM,
      Array.from({ length: MAX_NOTICE_FILES + 1 }, (_, i) => ({ name: `f${i}.txt`, content: "x" })),
    ),
  });
  assert.equal(many.status, 413);
  const before = await db()
    .selectFrom("notices")
    .select(db().fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  let status = 0;
  for (let i = 0; i <= NOTICE_FORM_LIMITS.posts.limit && status !== 429; i++)
    status = (
      await fetch(`${t.baseUrl}/notice/extin`, {
        method: "POST",
        body: formData({ ...FORM, good_faith: "" }),
      })
    ).status;
  assert.equal(status, 429, "the address is slowed down");
  const after = await db()
    .selectFrom("notices")
    .select(db().fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n), "refused forms store nothing");
});

test("a notifier's data: in their privacy export, and erased on request once the procedure is finished", async () => {
  const who = { name: "Pieter Privé", email: "pieter.prive@example.org" };
  const n = await ok(await apiNotice({ notifier: who }), 201);
  const zip = await api("legal", `/api/v1/privacy/export?subject=${encodeURIComponent(who.email)}`);
  assert.equal(zip.status, 200);
  const { unzipSync, strFromU8 } = await import("fflate");
  const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
  const notices = JSON.parse(strFromU8(files["notices.json"]!));
  assert.equal(notices.length, 1);
  assert.equal(notices[0].reference, n.reference);
  const early = await api("legal", "/api/v1/privacy/erase", {
    subject: who.email,
    reason: "verzoek van betrokkene, AVG art. 17, brief van 3 december",
  });
  assert.equal(early.status, 409, "not while the procedure is open");
  await ok(
    await api("supervisor", `/api/v1/notices/${n.id}/steps`, {
      step: "decide",
      decision: "rejected",
      reason: "Geen onrechtmatigheid gebleken.",
    }),
  );
  const erased = await ok(
    await api("legal", "/api/v1/privacy/erase", {
      subject: who.email,
      reason: "verzoek van betrokkene, AVG art. 17, brief van 3 december",
    }),
  );
  assert.equal(erased.erased.notices, 1);
  const after = await notice(n.id);
  assert.equal(after.notifier.email, null);
  assert.equal(after.notifier.name, null);
  assert.match(after.explanation ?? "", /erased/);
});
