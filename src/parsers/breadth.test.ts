/**
 * The structured reports that are not a named standard (CSV tables, JSON, XML, DMARC), fail2ban's mails,
 * non-ARF complaints, and subjects-not-references, each by its class (the fixtures in
 * test/fixtures/samples/breadth are the whole mails; these are the rules, one at a time).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync, zipSync } from "fflate";
import { gunzipBounded, unpack } from "./archive.ts";
import { parseDmarcAggregate } from "./dmarc.ts";
import { parseFail2ban } from "./fail2ban.ts";
import { extractIndicators } from "./freetext.ts";
import { parseReport } from "./index.ts";
import { lineZones } from "./references.ts";
import { ZIP_LIMITS } from "./shadowserver.ts";
import { forwardedHeaders, statedSourceIps } from "./statements.ts";
import { eventsOfDocument, findSubjects } from "./structured.ts";
import { findTableHeader, MAX_TABLE_ROWS, parseTable } from "./table.ts";
import { mail, multipart, ok, reasonOf } from "./testkit.ts";

test("a table is read by its header: address and time columns in any order, any of , ; tab |", () => {
  assert.deepEqual(
    findTableHeader("# export\nsrc_ip;datetime;dst_port\n192.0.2.1;2026-11-20 10:00:00;23\n"),
    {
      line: 1,
      delimiter: ";",
      columns: ["src_ip", "datetime", "dst_port"],
    },
  );
  assert.equal(findTableHeader("Dear sir, please look at this"), undefined);
  const { events } = parseTable(
    "Source IP\tFirst Seen\tPort\tType\n192.0.2.5\t2026-11-20T10:00:00Z\t22\tssh-bruteforce\n192.0.2.6:8080\t2026-11-20 11:00\t\tweird thing\n",
    { foundIn: "attachment x.tsv" },
  );
  assert.deepEqual(
    events.map((e) => [e.subject, e.category, e.occurredAt?.toISOString()]),
    [
      [{ ip: "192.0.2.5", port: 22 }, "brute_force", "2026-11-20T10:00:00.000Z"],
      [{ ip: "192.0.2.6", port: 8080 }, "other", "2026-11-20T11:00:00.000Z"],
    ],
  );
  assert.equal(events[1]!.details.source_category, "weird thing");
  assert.equal(events[0]!.details.found_in, "attachment x.tsv");
  // A header from a stranger never reaches an object's prototype.
  const hostile = parseTable("ip,__proto__,constructor\n192.0.2.7,{},x\n", { foundIn: "t" }).events[0]!;
  assert.equal(Object.getPrototypeOf(hostile.details), Object.prototype);
  assert.equal((hostile.details as Record<string, unknown>).polluted, undefined);
  assert.ok(MAX_TABLE_ROWS >= 100_000);
});

test("a table's rows take the mail's category when they have no label of their own", async () => {
  const csv = "source_ip,datetime\n198.51.100.7,2026-11-20 01:00:00\n";
  const m = multipart(
    ["From: cert@cert.example", "Subject: Brute force attacks from your network"],
    "multipart/mixed",
    [
      [["Content-Type: text/plain"], "See the attached list."],
      [
        ['Content-Type: text/csv; name="list.csv"', 'Content-Disposition: attachment; filename="list.csv"'],
        csv,
      ],
    ],
  );
  const r = ok(await parseReport(m));
  assert.equal(r.format, "csv");
  assert.equal(r.events[0]!.category, "brute_force");
  assert.equal(r.events[0]!.details.found_in, "table in attachment list.csv");
});

test("gzip and zip are unpacked with the Shadowserver path's limits; a gzip bomb is refused", () => {
  const csv = Buffer.from("ip,timestamp\n192.0.2.9,2026-11-20 00:00:00\n");
  assert.deepEqual(Buffer.from(unpack(gzipSync(csv), "x.csv.gz")[0]!.data), csv);
  assert.equal(unpack(gzipSync(csv), "x.csv.gz")[0]!.name, "x.csv");
  const zipped = unpack(zipSync({ "a.csv": csv, "b.xml": Buffer.from("<a/>"), "c.exe": Buffer.from("MZ") }));
  assert.deepEqual(zipped.map((f) => f.name).sort(), ["a.csv", "b.xml"]);
  const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x20), { level: 9 });
  assert.throws(
    () => gunzipBounded(bomb, { ...ZIP_LIMITS, maxBytes: 1024 * 1024 }),
    /gzip expands past the limit/,
  );
  assert.throws(() => gunzipBounded(bomb, { ...ZIP_LIMITS, ratioFloor: 1024, maxRatio: 10 }), /bomb/);
});

test("JSON and XML: every entry with an address or URL is an event; the other end is not", () => {
  const doc = {
    meta: { generated: "2026-11-20T00:00:00Z" },
    hits: [
      { src: { ip: "192.0.2.1", port: 4444 }, dst: { ip: "203.0.113.1" }, time: "2026-11-20T01:00:00Z" },
      { url: "http://bad.example/x", threat_type: "phishing" },
      { victim: { ip: "203.0.113.2" } },
    ],
  };
  const { events } = eventsOfDocument(doc, { foundIn: "JSON body", category: "malware" });
  assert.deepEqual(
    events.map((e) => [e.subject, e.category]),
    [
      [{ ip: "192.0.2.1", port: 4444 }, "malware"],
      [{ url: "http://bad.example/x" }, "phishing"],
    ],
  );
  assert.equal(events[0]!.occurredAt?.toISOString(), "2026-11-20T01:00:00.000Z");
  // Bounded: a document deeper than we read is cut, not walked without end.
  let deep: unknown = { ip: "192.0.2.3" };
  for (let i = 0; i < 100; i++) deep = { next: deep };
  assert.equal(findSubjects(deep).truncated, true);
});

test("a JSON body that is not XARF is read by its fields; a JSON with nothing to act on still says why", async () => {
  const r = ok(await parseReport(Buffer.from(JSON.stringify([{ ip: "192.0.2.50", category: "scanner" }]))));
  assert.equal(r.format, "json");
  assert.equal(r.events[0]!.category, "port_scan");
  assert.match(
    reasonOf(await parseReport(Buffer.from(JSON.stringify({ hello: "world" })))),
    /not XARF .*holds no field with an IP address or URL/,
  );
});

const dmarcXml = (records: string) =>
  `<?xml version="1.0"?><feedback><report_metadata><org_name>mx.example</org_name><email>dmarc@mx.example</email><report_id>1</report_id><date_range><begin>1795132800</begin><end>1795219199</end></date_range></report_metadata><policy_published><domain>shop.example</domain><p>reject</p></policy_published>${records}</feedback>`;
const record = (ip: string, dkim: string, spf: string) =>
  `<record><row><source_ip>${ip}</source_ip><count>3</count><policy_evaluated><disposition>none</disposition><dkim>${dkim}</dkim><spf>${spf}</spf></policy_evaluated></row><identifiers><header_from>shop.example</header_from></identifiers></record>`;

test("DMARC aggregate: informational events about the sources that failed, none about those that passed", async () => {
  const r = parseDmarcAggregate(
    dmarcXml(record("192.0.2.60", "pass", "fail") + record("192.0.2.61", "fail", "fail")),
    "attachment",
  );
  assert.deepEqual(
    r.events.map((e) => [e.subject.ip, e.category, e.occurredAt?.toISOString()]),
    [["192.0.2.61", "email_auth_failure", "2026-11-20T00:00:00.000Z"]],
  );
  assert.equal((r.events[0]!.details.dmarc as { count: number }).count, 3);
  assert.deepEqual(r.reporter, { org: "mx.example", email: "dmarc@mx.example" });
  // As a gzip file and as a zip file, through the registry.
  const xml = Buffer.from(dmarcXml(record("192.0.2.62", "fail", "fail")));
  for (const file of [Buffer.from(gzipSync(xml)), Buffer.from(zipSync({ "r.xml": xml }))]) {
    const parsed = ok(await parseReport(file, { filename: "mx.example!shop.example!1!2.xml.gz" }));
    assert.equal(parsed.format, "dmarc-aggregate");
    assert.equal(parsed.events[0]!.subject.ip, "192.0.2.62");
  }
  // Everything passed: understood, nothing to act on (no triage), and the result says why.
  const passed = ok(await parseReport(Buffer.from(dmarcXml(record("192.0.2.63", "pass", "pass")))));
  assert.equal(passed.format, "dmarc-aggregate");
  assert.deepEqual(passed.events, []);
  assert.match(
    passed.informational ?? "",
    /DMARC aggregate report about shop\.example from mx\.example: every one of its 1 sources passed/,
  );
  // A report with a failing source is not informational.
  assert.equal(
    ok(await parseReport(Buffer.from(dmarcXml(record("192.0.2.64", "fail", "fail"))))).informational,
    undefined,
  );
});

test("fail2ban: the banned address, its jail and first failure; not the whois block's addresses", () => {
  const text = [
    "The IP 192.0.2.140 has just been banned by Fail2Ban after",
    "6 attempts against postfix-sasl.",
    "inetnum: 192.0.2.0 - 192.0.2.255",
    "remarks: see https://apps.db.ripe.net/",
    "/var/log/mail.log:Nov 20 13:09:41 mx postfix/smtpd[1]: warning: unknown[192.0.2.140]: SASL LOGIN authentication failed",
    "/var/log/mail.log:Nov 20 13:08:02 mx postfix/smtpd[1]: warning: unknown[192.0.2.140]: SASL LOGIN authentication failed",
  ].join("\n");
  const [e, ...rest] = parseFail2ban(
    "[Fail2Ban] postfix-sasl: banned 192.0.2.140 from mx",
    text,
    new Date("2026-11-20T13:10:00Z"),
  );
  assert.equal(rest.length, 0);
  assert.deepEqual(e!.subject, { ip: "192.0.2.140" });
  assert.equal(e!.category, "brute_force");
  assert.equal(e!.occurredAt?.toISOString(), "2026-11-20T13:08:02.000Z");
  assert.equal(e!.details.jail, "postfix-sasl");
  assert.equal(e!.details.attempts, 6);
  assert.equal((e!.details.log as string[]).length, 2);
  // fail2ban.log lines of a digest: each Ban is one event.
  const digest = parseFail2ban(
    "bans",
    "2026-11-20 10:00:01,123 fail2ban.actions [1]: NOTICE [sshd] Ban 192.0.2.141\n2026-11-20 10:05:00,000 fail2ban.actions [1]: NOTICE [nginx-http-auth] Ban 192.0.2.142\n",
    null,
  );
  assert.deepEqual(
    digest.map((d) => [d.subject.ip, d.category]),
    [
      ["192.0.2.141", "brute_force"],
      ["192.0.2.142", "brute_force"],
    ],
  );
});

test("a source IP stated in a sentence outranks the other addresses in the text", async () => {
  assert.deepEqual(
    statedSourceIps(
      "This is an email abuse report for an email message received from IP 198.51.100.151 on Fri. Our MX 192.0.2.250 accepted it.",
    ),
    ["198.51.100.151"],
  );
  assert.deepEqual(
    statedSourceIps("Bron-IP: 198.51.100.152\nIP-Adresse des Absenders von der IP-Adresse 198.51.100.153"),
    ["198.51.100.152", "198.51.100.153"],
  );
  assert.deepEqual(statedSourceIps("Offending IP address - 198.51.100.154 (port 25)"), ["198.51.100.154"]);
  const r = ok(
    await parseReport(
      mail(
        ["From: complaints@mailbox.example", "Subject: complaint"],
        "We saw login attempts from 198.51.100.155.\nOur servers 192.0.2.251 and 192.0.2.252 logged them.",
      ),
    ),
  );
  assert.deepEqual(
    r.events.map((e) => [e.subject.ip, e.details.found_in]),
    [["198.51.100.155", "stated in the text"]],
  );
});

test("headers of a forwarded spam, quoted or indented in the body, give the sending host", () => {
  const quoted = forwardedHeaders(
    "see below\n\n> Received: from a.example (a.example [10.0.0.2])\n>\tby b.example; Fri, 20 Nov 2026 10:00:00 +0000\n> Received: from c.example (c.example [198.51.100.160])\n>   by a.example; Fri, 20 Nov 2026 09:59:58 +0000\n> Subject: x\n",
  );
  assert.equal(quoted?.headers.all("received").length, 2);
  assert.match(quoted!.headers.all("received")[1]!, /198\.51\.100\.160.*by a\.example/);
  const indented = forwardedHeaders(
    "---------- Forwarded message ---------\n    From: spam@x.example\n    Received: from z.example ([198.51.100.161])\n        by mx.example\n",
  );
  assert.equal(indented?.headers.get("from"), "spam@x.example");
  assert.equal(forwardedHeaders("Subject: no received here\nFrom: a@b.example"), undefined);
});

test("subjects, not references: reference blocks, footers and documentation sites are never subjects", () => {
  const text = [
    "Subject line about 192.0.2.90",
    "We see phishing at http://customer-site.example/login hosted on 192.0.2.91.",
    "",
    "More information:",
    "https://www.reporter.example/howto/phishing",
    "https://bcp38.info/",
    "",
    "For background see https://en.wikipedia.org/wiki/Phishing and our guide at http://guide.example/x",
    "Regards,",
    "Reporter Team - http://www.reporter.example 198.51.100.99",
  ].join("\n");
  const found = extractIndicators(text, {
    withSubjectLine: true,
    referenceDomains: ["docs.operator.example"],
  });
  assert.deepEqual(found.urls, ["http://customer-site.example/login"]);
  assert.deepEqual([...found.ips.keys()], ["192.0.2.90", "192.0.2.91"]);
  assert.equal(found.foundIn.get("ip:192.0.2.90"), "subject line");
  assert.equal(found.foundIn.get("url:http://customer-site.example/login"), "opening");
  // The operator's own reference list (ABUSEDESK_REFERENCE_DOMAINS) counts too.
  assert.deepEqual(
    extractIndicators("look at https://docs.operator.example/a", {
      referenceDomains: ["docs.operator.example"],
    }).urls,
    [],
  );
  assert.deepEqual(
    lineZones(["Hello", "see 192.0.2.1", "References:", "https://a.example", "", "Thanks,", "Me"]),
    ["opening", "opening", "references", "references", "references", "signature", "signature"],
  );
});

test("a reference block at the end does not hide the attacker's address in an attachment", async () => {
  const m = multipart(
    ["From: CERT <cert@cert.example>", "Subject: Scanning from your network"],
    "multipart/mixed",
    [
      [
        ["Content-Type: text/plain"],
        "Scanning seen, details attached.\n\nReference:\nhttps://www.cert.example/scanning\nhttps://bcp38.info/",
      ],
      [['Content-Type: text/csv; name="flows.csv"'], "src_ip,timestamp\n192.0.2.99,2026-11-20 03:00:00\n"],
    ],
  );
  const r = ok(await parseReport(m));
  assert.deepEqual(
    r.events.map((e) => e.subject),
    [{ ip: "192.0.2.99" }],
  );
});

test("pasted headers with a stray carriage return or line separator inside a line are still read (fuzz #126)", () => {
  const text =
    "> Received: from mail.example (mail.example [192.0.2.77])\r\n>  by mx.example\u2028 with ESMTP\n> Subject: x\rspam";
  const found = forwardedHeaders(text);
  assert.ok(found);
  assert.match(found.headerText, /192\.0\.2\.77/);
});
