/**
 * Hostile input: every case ends in a ParseFailure with a clear reason or in a sane result; never a throw,
 * never a hang. Each case must stay well under two seconds.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { zipSync } from "fflate";
import { parseReport } from "./index.ts";
import { mail, multipart, ok, reasonOf } from "./testkit.ts";
import type { ParseOutcome } from "./types.ts";

/** Parses with a deadline; the outcome must come back in time, whatever it is. */
async function parse(raw: Buffer, hint = {}): Promise<ParseOutcome> {
  const t0 = Date.now();
  const out = await parseReport(raw, hint);
  assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  return out;
}

const noControls = (s: string | undefined) =>
  assert.ok(!/[\r\n\0]/.test(s ?? ""), `control characters in ${JSON.stringify(s)}`);

test("malformed MIME: junk header lines, unterminated multipart, boundary in the middle of a line", async () => {
  const raw = Buffer.from(
    'From: a@example.nl\r\n: no name\r\n\x01\x02garbage\r\nSubject: phishing\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\npreamble --zz not a boundary\r\n--zz\r\nContent-Type: text/plain\r\n\r\nphishing at http://bad-bank.nl/login\r\n--zz\r\nContent-Type: text/plain\r\n\r\ntruncated part without end',
  );
  const r = ok(await parse(raw));
  assert.equal(r.events[0]!.subject.url, "http://bad-bank.nl/login");
});

test("missing boundary: a multipart without its boundary parameter is read as text", async () => {
  const raw = mail(
    ["From: a@example.nl", "Subject: malware", "Content-Type: multipart/mixed"],
    "--x\nContent-Type: text/plain\n\nmalware at http://drop.bad-host.nl/a.exe\n--x--",
  );
  const r = ok(await parse(raw));
  assert.equal(r.events[0]!.category, "malware");
  assert.equal(r.events[0]!.subject.url, "http://drop.bad-host.nl/a.exe");
});

test("wrong charset and undeclared 8-bit are decoded without a throw", async () => {
  const body = Buffer.concat([
    Buffer.from("Phishing op http://bank-inlog.nl/ door "),
    Buffer.from([0xe9, 0xe8, 0xff]),
    Buffer.from(" spam"),
  ]);
  const raw = Buffer.concat([
    Buffer.from("From: =?x-bogus?q?J=E9r=F4me?= <j@example.nl>\r\nSubject: Caf"),
    Buffer.from([0xe9]),
    Buffer.from(" phishing\r\nContent-Type: text/plain; charset=x-bogus-8\r\n\r\n"),
    body,
  ]);
  const r = ok(await parse(raw));
  assert.equal(r.events[0]!.category, "phishing");
  assert.equal(r.reporter.email, "j@example.nl");
});

test("a 30 MB attachment is carried, not choked on", async () => {
  const big = Buffer.alloc(30 * 1024 * 1024, 7)
    .toString("base64")
    .replace(/.{76}/g, "$&\r\n");
  const raw = multipart(["From: a@example.nl", "Subject: spam from 192.0.2.60"], "multipart/mixed", [
    [["Content-Type: text/plain"], "Spam came from 192.0.2.60, see attachment."],
    [
      [
        "Content-Type: application/octet-stream",
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="dump.bin"',
      ],
      big,
    ],
  ]);
  const r = ok(await parse(raw));
  assert.equal(r.events[0]!.subject.ip, "192.0.2.60");
});

test("a zip bomb (small zip, huge CSV) is refused", async () => {
  const header = Buffer.from('"timestamp","ip","port"\n');
  const zeros = Buffer.alloc(48 * 1024 * 1024, 0x20);
  const zip = Buffer.from(
    zipSync({ "2024-01-01-scan_dns-isp-asn.csv": Buffer.concat([header, zeros]) }, { level: 9 }),
  );
  assert.ok(zip.length < 1024 * 1024);
  assert.match(reasonOf(await parse(zip)), /zip bomb|expands past the limit/);
});

test("a truncated or corrupt zip is a clear failure", async () => {
  const zip = Buffer.from(
    zipSync({
      "2024-01-01-scan_dns-isp-asn.csv": Buffer.from(
        '"timestamp","ip"\n"2024-01-01 00:00:00","192.0.2.1"\n'.repeat(200),
      ),
    }),
  );
  const reason = reasonOf(await parse(zip.subarray(0, 60)));
  assert.ok(reason.length > 5);
});

test("500 levels of nested multiparts are refused", async () => {
  let body = "Content-Type: text/plain\r\n\r\nspam from 192.0.2.1\r\n";
  for (let i = 0; i < 500; i++)
    body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}--b${i}--\r\n`;
  const raw = Buffer.from(`From: a@example.nl\r\nSubject: x\r\n${body}`);
  assert.match(reasonOf(await parse(raw)), /nested deeper/);
});

test("thousands of MIME parts are refused", async () => {
  const parts: Array<[string[], string]> = Array.from({ length: 2000 }, () => [
    ["Content-Type: text/plain"],
    "x",
  ]);
  assert.match(
    reasonOf(await parse(multipart(["From: a@example.nl", "Subject: x"], "multipart/mixed", parts))),
    /more than \d+ MIME parts/,
  );
});

test("X-ARF with a structured Report-Type keeps its subject; XARF with wrong types goes to triage", async () => {
  const xarf = multipart(["From: a@example.nl", "X-XARF: PLAIN"], "multipart/mixed", [
    [["Content-Type: text/plain"], "hi"],
    [
      ['Content-Type: text/plain; name="report.txt"'],
      "Reported-From: a@example.nl\nReport-Type: {a: b}\nSource: 192.0.2.1\n",
    ],
  ]);
  // The label is kept as text (for a person to map), never as a structure.
  const structured = await parse(xarf);
  assert.ok(structured.format !== null && typeof structured.events[0]!.details.source_category === "string");
  const v4 = {
    xarf_version: "4.0.0",
    timestamp: 5,
    reporter: [],
    source_identifier: null,
    category: {},
    type: 1,
  };
  assert.match(reasonOf(await parse(Buffer.from(JSON.stringify(v4)))), /XARF v4 document is invalid/);
  assert.match(reasonOf(await parse(Buffer.from("{not json"))), /not valid JSON/);
  assert.match(reasonOf(await parse(Buffer.from(`${"[".repeat(200_000)}${"]".repeat(200_000)}`))), /.+/);
});

test("YAML alias bombs in report.txt do not expand", async () => {
  const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nReported-From: a@example.nl\nReport-Type: login-attack\nSource: 192.0.2.1\n`;
  const raw = multipart(["From: a@example.nl", "X-XARF: PLAIN"], "multipart/mixed", [
    [["Content-Type: text/plain"], "hi"],
    [['Content-Type: text/plain; name="report.txt"'], bomb],
  ]);
  const out = await parse(raw);
  if (out.format !== null) assert.equal(out.events[0]!.subject.ip, "192.0.2.1");
});

test("HTML with <script>: the script is not read, the visible link is", async () => {
  const raw = mail(
    ["From: a@example.nl", "Subject: phishing", "Content-Type: text/html"],
    "<html><head><script>location='http://script-only.nl/'</script></head><body><p>Phishing: <a href=\"http://fake-bank.nl/in\">here</a></p><script>alert(1)</script></body></html>",
  );
  const r = ok(await parse(raw));
  assert.deepEqual(
    r.events.map((e) => e.subject.url),
    ["http://fake-bank.nl/in"],
  );
});

test("NUL bytes: stripped from text, and a binary blob is refused", async () => {
  const raw = Buffer.from(
    "From: a\0@example.nl\r\nSubject: spam\0 report\r\n\r\nspam from 192.0.2.\u00001 and 198.51.100.9\0\r\n",
  );
  const r = ok(await parse(raw));
  assert.ok(r.events.every((e) => !JSON.stringify(e).includes("\\u0000")));
  assert.match(
    reasonOf(await parse(Buffer.from([0x00, 0x01, 0x02, 0x00, 0xff, 0xfe, 0x00]))),
    /binary|category|empty|read/,
  );
  assert.match(reasonOf(await parse(Buffer.alloc(0))), /empty/);
});

test("header injection: CR/LF smuggled through encoded words never reach reporter or subject fields", async () => {
  const evil = Buffer.from("Eve\r\nBcc: victim@example.com\r\n").toString("base64");
  const raw = mail(
    [
      `From: =?utf-8?b?${evil}?= <eve@example.nl>`,
      `Subject: =?utf-8?b?${evil}?= phishing`,
      "Message-ID: <a\r\n b@example.nl>",
    ],
    "phishing at http://x-bank.nl/\r\nBcc: injected@example.com",
  );
  const r = ok(await parse(raw));
  noControls(r.reporter.name);
  noControls(r.reporter.email);
  noControls(r.messageId);
  for (const e of r.events) noControls(e.subject.url);
});

test("SQL-looking strings are kept verbatim as data", async () => {
  const sql = "1'; DROP TABLE events; --";
  const raw = multipart(["From: a@example.nl", "X-XARF: PLAIN"], "multipart/mixed", [
    [["Content-Type: text/plain"], "report"],
    [
      ['Content-Type: text/plain; name="report.txt"'],
      `Reported-From: a@example.nl\nReport-Type: login-attack\nSource: 192.0.2.1\nReport-ID: "${sql}"\nService: "' OR 1=1 --"\n`,
    ],
  ]);
  const r = ok(await parse(raw));
  assert.equal(r.events[0]!.details.reportId, sql);
  assert.equal(r.events[0]!.details.service, "' OR 1=1 --");
});

test("a CSV with an unterminated quote and an XML with entities are clear failures", async () => {
  const csv = Buffer.from(`"timestamp","ip"\n"2024-01-01 00:00:00,"192.0.2.1\n`);
  assert.match(reasonOf(await parse(csv, { type: "scan_dns" })), /quoted field|usable/);
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Infringement>&lol2;</Infringement>`;
  assert.match(reasonOf(await parse(Buffer.from(laughs))), /DOCTYPE/);
});
