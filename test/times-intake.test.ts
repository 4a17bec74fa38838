/**
 * Times people write, end to end: a complaint in prose finds the customer who held the address at the
 * moment it names ("gisteren om 23:10"), not at its receipt, and every event says where its time came from.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { json, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
  // 192.0.2.77 changed hands at midnight (Amsterdam) between 23 and 24 November.
  const csv = [
    "customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to",
    "t-old,Oude Huurder BV,extin,old@huurder.example,ip,192.0.2.77,2026-01-01,2026-11-24T00:00:00+01:00",
    "t-new,Nieuwe Huurder BV,extin,new@huurder.example,ip,192.0.2.77,2026-11-24T00:00:00+01:00,",
  ].join("\n");
  const res = await t.api("admin", "/api/v1/inventory/import", {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: csv,
  });
  assert.ok(res.status < 300, await res.text());
});
after(() => t.stop());

function mail(headers: Record<string, string>, body: string): string {
  return `${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\r\n")}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
}

async function submit(raw: string) {
  const res = await t.api("admin", "/api/v1/reports?brand=extin&received_at=2026-11-24T10:20:00Z", {
    method: "POST",
    headers: { "content-type": "message/rfc822" },
    body: raw,
  });
  assert.equal(res.status, 202);
  const report = await json(res);
  assert.equal(report.state, "parsed", report.triage_reason);
  return report.events as {
    occurred_at: string | null;
    customer: { id: string } | null;
    details: Record<string, unknown>;
  }[];
}

const DATE = "Tue, 24 Nov 2026 11:15:00 +0100";

test("'gisteren om 23:10' is read against the mail's Date: the customer of that moment is found", async () => {
  const events = await submit(
    mail(
      {
        From: "Jan <jan@melder.example>",
        To: "abuse@extin.eu",
        Date: DATE,
        Subject: "Phishing op uw netwerk",
      },
      "Geachte abuse-afdeling,\n\nWij zagen gisteren om 23:10 een phishingpagina op http://192.0.2.77/bank/login.php\nwaar klanten van onze bank hun gegevens invullen.\n\nMet vriendelijke groet,\nJan",
    ),
  );
  assert.equal(events.length, 1);
  assert.equal(events[0]!.occurred_at, "2026-11-23T22:10:00.000Z");
  assert.equal(events[0]!.details.time_source, "text");
  assert.equal(events[0]!.customer?.id, "t-old");
});

test("'at 2026-11-23 21:30 UTC' in English: that instant", async () => {
  const events = await submit(
    mail(
      { From: "Ann <ann@reporter.example>", To: "abuse@extin.eu", Date: DATE, Subject: "Phishing site" },
      "Hello,\n\nWe found a phishing page at http://192.0.2.77/paypal/ at 2026-11-23 21:30 UTC.\nPlease take it down.\n\nRegards,\nAnn",
    ),
  );
  assert.equal(events[0]!.occurred_at, "2026-11-23T21:30:00.000Z");
  assert.equal(events[0]!.details.time_source, "text");
  assert.equal(events[0]!.customer?.id, "t-old");
});

test("no time in the text: the mail's Date; no Date either: the receipt, and each says so", async () => {
  const body =
    "Hallo,\n\nEr staat een phishingpagina op http://192.0.2.77/ing/ die op onze bank lijkt.\n\nGroet,\nPiet";
  const withDate = await submit(
    mail({ From: "Piet <piet@melder.example>", To: "abuse@extin.eu", Date: DATE, Subject: "Phishing" }, body),
  );
  assert.equal(withDate[0]!.occurred_at, "2026-11-24T10:15:00.000Z");
  assert.equal(withDate[0]!.details.time_source, "mail_date");
  assert.equal(withDate[0]!.customer?.id, "t-new");

  const withoutDate = await submit(
    mail({ From: "Piet <piet@melder.example>", To: "abuse@extin.eu", Subject: "Phishing (2)" }, `${body}\n`),
  );
  assert.equal(withoutDate[0]!.occurred_at, null);
  assert.equal(withoutDate[0]!.details.time_source, "receipt");
});

test("a time the report's own fields give is marked as the report's", async () => {
  const events = await submit(
    mail(
      { From: "Bot <bot@melder.example>", To: "abuse@extin.eu", Date: DATE, Subject: "Phishing report" },
      'Phishing found, see the table:\n\n"ip","timestamp","url"\n"192.0.2.77","2026-11-23 20:00:00","http://192.0.2.77/x"\n',
    ),
  );
  assert.equal(events[0]!.occurred_at, "2026-11-23T20:00:00.000Z");
  assert.equal(events[0]!.details.time_source, "report");
});
