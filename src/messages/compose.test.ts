import assert from "node:assert/strict";
import { test } from "node:test";
import { assertNoReporterIdentity } from "../../test/leaks.ts";
import {
  type BrandFacts,
  caseReference,
  customerData,
  customerDomains,
  evidenceFor,
  identityMarks,
  redactAddresses,
  redactMarks,
  reporterData,
  safeHeaderExcerpt,
  withReference,
} from "./compose.ts";
import { REPORTER_IDENTITY, TEMPLATE_SPECS } from "./templates.ts";

const brand: BrandFacts = {
  id: "extin",
  name: "Extin",
  reference: "Extin abuse",
  abuseAddress: "abuse@extin.eu",
  timeZone: "Europe/Amsterdam",
};
const reporter = { name: "Jan de Vries", email: "jan.devries@brandprotect.example", org: "BrandProtect BV" };
const headers = `Received: from mail.webwinkeltulp.example (mail.webwinkeltulp.example [198.51.100.7])
\tby mx.brandprotect.example (Postfix) with ESMTP id 4F2A1
\tfor <jan.devries@brandprotect.example>; Tue, 1 Dec 2026 09:12:00 +0100
From: Tulp <aanbieding@webwinkeltulp.example>
To: Jan de Vries <jan.devries@brandprotect.example>
Delivered-To: jan.devries@brandprotect.example
Subject: Hallo Jan de Vries, mega korting
X-Original-To: postmaster@brandprotect.example
Message-ID: <spam-1@webwinkeltulp.example>`;
const kase = {
  id: 12,
  category: "spam",
  kind: "abuse",
  openedAt: new Date("2026-12-01T08:00:00Z"),
  customer: {
    id: "ext-3001",
    name: "Webwinkel Tulp BV",
    contactEmails: ["klantenservice@webwinkeltulp.example"],
  },
  subjects: ["198.51.100.7"],
};
const event = {
  category: "spam",
  occurredAt: new Date("2026-12-01T08:12:00Z"),
  receivedAt: new Date("2026-12-01T09:00:00Z"),
  subject: { ip: "198.51.100.7", port: 25, email: "aanbieding@webwinkeltulp.example" },
  details: { originalHeaders: headers },
};

test("the case reference goes in front of every subject, once", () => {
  assert.equal(caseReference(brand, 123), "Extin abuse #123");
  assert.equal(withReference("Waarschuwing", "Extin abuse #123"), "[Extin abuse #123] Waarschuwing");
  assert.equal(withReference("Re: [Extin abuse #123] x", "Extin abuse #123"), "Re: [Extin abuse #123] x");
  assert.equal(withReference("Ontvangen", null), "Ontvangen");
});

test("an excerpt of the offending message keeps the sending side: no receiving host, no recipient", () => {
  const lines = safeHeaderExcerpt(headers);
  assert.deepEqual(lines, [
    "Received: from mail.webwinkeltulp.example (mail.webwinkeltulp.example [198.51.100.7]); Tue, 1 Dec 2026 09:12:00 +0100",
    "From: Tulp <aanbieding@webwinkeltulp.example>",
    "Subject: Hallo Jan de Vries, mega korting",
    "Message-ID: <spam-1@webwinkeltulp.example>",
  ]);
});

test("the evidence a customer sees never names the reporter, nor a third party's address", () => {
  const keep = customerDomains(kase, [event]);
  assert.ok(keep.has("webwinkeltulp.example"));
  const items = evidenceFor([event], {
    language: "nl",
    timeZone: brand.timeZone,
    reporters: [reporter],
    keepDomains: keep,
  });
  assert.equal(items[0]!.what, "Spam");
  assert.equal(items[0]!.when, "1 december 2026 09:12 (CET)");
  assert.equal(items[0]!.address, "198.51.100.7:25");
  assert.match(items[0]!.excerpt, /Subject: Hallo \[…\], mega korting/);
  assert.match(items[0]!.excerpt, /aanbieding@webwinkeltulp\.example/, "the customer's own sender stays");
  assertNoReporterIdentity(items, reporter, "evidence");
  assert.equal(
    redactAddresses("mail x@other.example and y@webwinkeltulp.example", keep),
    "mail [address removed] and y@webwinkeltulp.example",
  );
  assert.equal(redactMarks("JAN.DEVRIES wrote", identityMarks([reporter])), "[…] wrote");
});

test("a customer's message data has every variable its templates use; the reporter only when allowed", () => {
  const extra = {
    step: "warn" as const,
    clause: { document: "Extin Algemene Voorwaarden", article: "Anti-spam", quote: "Eén waarschuwing." },
    deadline: null,
    decidedByPerson: true,
    portalUrl: "https://abuse.extin.eu/portal/t/x",
  };
  const evidence = {
    language: "nl" as const,
    timeZone: brand.timeZone,
    reporters: [reporter],
    keepDomains: customerDomains(kase, [event]),
  };
  const data = customerData(brand, "nl", new Date(), kase, [event], 3, evidence, extra);
  for (const v of TEMPLATE_SPECS.measure_taken.variables) {
    let at: unknown = data;
    for (const seg of v.split(".")) at = (at as Record<string, unknown>)[seg];
    assert.notEqual(at, undefined, `${v} is supplied`);
  }
  assert.equal(
    (data as { reporter?: unknown }).reporter,
    undefined,
    "no reporter unless the profile allows it",
  );
  assertNoReporterIdentity(data, reporter, "customer data");
  const allowed = customerData(
    brand,
    "nl",
    new Date(),
    kase,
    [event],
    3,
    { ...evidence, reporters: [] },
    { ...extra, reporter },
  );
  for (const v of REPORTER_IDENTITY)
    assert.ok((allowed as Record<string, Record<string, string>>).reporter![v.split(".")[1]!]);
});

test("a reporter's message data holds nothing about the customer", () => {
  const data = reporterData(
    brand,
    "en",
    new Date(),
    { id: 7, receivedAt: new Date(), subject: "Spam", subjects: ["198.51.100.7"], missing: ["full_headers"] },
    {
      caseIds: [12],
      followUrl: "https://x/portal/t/y",
      replyDue: null,
      kase: { id: 12, category: "spam", openedAt: new Date() },
      step: "warn",
    },
  );
  const text = JSON.stringify(data);
  assert.ok(!/Webwinkel|klantenservice|ext-3001/.test(text));
  assert.match(text, /the full headers of the e-mail message/);
  assert.match(text, /Extin abuse #12/);
  assert.match(text, /"step":"a warning"/);
});
