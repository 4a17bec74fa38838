/**
 * Hostile input: every case ends in a ParseFailure with a clear reason or in a sane result; never a throw,
 * never a hang (each test has a timeout far above what it needs: a hang fails it, speed is for bench/).
 */
import assert from "node:assert/strict";
import { test as nodeTest } from "node:test";
import { zipSync } from "fflate";
import { parseReport } from "./index.ts";
import { readMail } from "./mail.ts";
import { MIME_LIMITS } from "./mime.ts";
import { mail, multipart, ok, reasonOf } from "./testkit.ts";
import type { ParseOutcome } from "./types.ts";

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 30_000 }, fn);

function parse(raw: Buffer, hint = {}): Promise<ParseOutcome> {
  return parseReport(raw, hint);
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

test("an RFC 2231 continuation named __proto__ is a parameter like any other: Object.prototype stays clean", async () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
    const raw = Buffer.from(
      `From: a@example.nl\r\nSubject: spam\r\nContent-Type: text/plain; ${key}*0=polluted; ${key}*1=more; charset*0=utf-8\r\nContent-Disposition: inline; ${key}*0*=utf-8''x\r\n\r\nspam from 192.0.2.44\r\n`,
    );
    const r = ok(await parse(raw));
    assert.equal(r.events[0]!.subject.ip, "192.0.2.44");
  }
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
  assert.equal(([] as unknown[])[0], undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("an RFC 2231 section number of four billion is one section, read at once", async () => {
  // The hand-written reader built a sparse array that long and walked it (about 95 s of one CPU).
  const raw = Buffer.from(
    'From: a@example.nl\r\nSubject: malware\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nmalware at http://drop.bad-host.nl/a.exe\r\n--b\r\nContent-Type: application/octet-stream; name*100000000=x\r\nContent-Disposition: attachment; filename*4000000000=evil.exe; filename*0=sample\r\n\r\nMZ\r\n--b--\r\n',
  );
  const m = await readMail(raw);
  assert.equal(m.leaves[1]!.filename, "sampleevil.exe");
  assert.equal(ok(await parse(raw)).events[0]!.subject.url, "http://drop.bad-host.nl/a.exe");
});

test(`a part's header block over MIME_LIMITS.maxHeaderBytes (${MIME_LIMITS.maxHeaderBytes / 1024} KB) is refused with the limit named`, async () => {
  const fold = " x".repeat(80);
  const lines = Math.ceil(MIME_LIMITS.maxHeaderBytes / 64) + 10;
  const over = Buffer.from(
    `From: a@example.nl\r\nSubject: spam\r\n${`X-Long: a\r\n${fold}\r\n`.repeat(lines / 2)}\r\nspam from 192.0.2.1\r\n`,
  );
  assert.match(reasonOf(await parse(over)), /header block is larger than 256 KB/);
  // Thousands of RFC 2231 sections fit only within the limit, where they are read, not refused.
  const sections = Array.from({ length: 2000 }, (_, i) => `x-note*${i}=a`).join("; ");
  const within = Buffer.from(
    `From: a@example.nl\r\nSubject: spam\r\nContent-Type: text/plain; ${sections}\r\n\r\nspam from 192.0.2.1\r\n`,
  );
  assert.equal(ok(await parse(within)).events[0]!.subject.ip, "192.0.2.1");
});

test(`attached messages nested deeper than MIME_LIMITS.maxDepth (${MIME_LIMITS.maxDepth}) are refused; within it they are read`, async () => {
  const nest = (n: number) => {
    let m =
      "From: spammer@example.com\r\nReceived: from x ([192.0.2.77]) by mx\r\nSubject: in\r\n\r\nbuy now\r\n";
    for (let i = 0; i < n; i++)
      m = `From: a@example.nl\r\nSubject: fwd spam\r\nContent-Type: message/rfc822\r\n\r\n${m}`;
    return Buffer.from(m);
  };
  assert.match(reasonOf(await parse(nest(MIME_LIMITS.maxDepth + 1))), /nested deeper than 12 levels/);
  assert.equal((await readMail(nest(MIME_LIMITS.maxDepth))).leaves.length, 1);
});

test(`a report over MIME_LIMITS.maxBytes (${MIME_LIMITS.maxBytes / 1024 / 1024} MB) is refused unread`, async () => {
  const raw = Buffer.alloc(MIME_LIMITS.maxBytes + 1, 0x61);
  assert.match(reasonOf(await parse(raw)), /larger than 64 MB/);
});

test(`a large mail is read in steps of MIME_LIMITS.stepBytes, with a pause between them`, async () => {
  const big = "spam evidence line\r\n".repeat((5 * MIME_LIMITS.stepBytes) / 20);
  const raw = Buffer.from(`From: a@example.nl\r\nSubject: spam from 192.0.2.9\r\n\r\n${big}`);
  let pauses = 0;
  const r = ok(await parseReport(raw, {}, {}, { pause: async () => void pauses++ }));
  assert.equal(r.events[0]!.subject.ip, "192.0.2.9");
  assert.ok(pauses >= Math.floor(raw.length / MIME_LIMITS.stepBytes), `${pauses} pauses`);
});

test("a multipart whose declared boundary never comes is read as text, not lost", async () => {
  const raw = mail(
    ["From: a@example.nl", "Subject: phishing", 'Content-Type: multipart/mixed; boundary="never"'],
    "phishing at http://fake-login.nl/bank\n--other\nmore text",
  );
  assert.equal(ok(await parse(raw)).events[0]!.subject.url, "http://fake-login.nl/bank");
});

// Each of these took minutes of one CPU before (a regex tried at every position of a long run); the
// fuzz corpus found them. Read in one pass now, whatever the run.
const RUN = 500_000;
const RUNS: [string, Buffer][] = [
  [
    "letters without an @ (e-mail addresses)",
    mail(["From: a@example.nl", "Subject: spam"], `spam from 192.0.2.3 ${"b".repeat(RUN)}`),
  ],
  [
    '"(" in a date header',
    mail(
      ["From: a@example.nl", "Subject: spam", `Date: Thu, 8 Mar 2024 ${"(".repeat(RUN)}`],
      "spam from 192.0.2.3",
    ),
  ],
  [
    '"(" after an ARF Source-IP',
    multipart(["From: fbl@example.nl", "Subject: complaint"], "multipart/report", [
      [["Content-Type: text/plain"], "a complaint"],
      [
        ["Content-Type: message/feedback-report"],
        `Feedback-Type: abuse\nSource-IP: 192.0.2.3 ${"(".repeat(RUN)}\nReported-Domain: spam.example.nl\n`,
      ],
    ]),
  ],
  [
    '"<" in HTML',
    mail(
      ["From: a@example.nl", "Subject: phishing", "Content-Type: text/html"],
      `<p>phishing at http://fake-bank.nl/in</p>${"<".repeat(RUN)}`,
    ),
  ],
  [
    '"<script" never closed',
    mail(
      ["From: a@example.nl", "Subject: phishing", "Content-Type: text/html"],
      `<p>phishing at http://fake-bank.nl/in</p>${"<script>".repeat(RUN / 8)}`,
    ),
  ],
  [
    '")" after a URL',
    mail(["From: a@example.nl", "Subject: phishing"], `phishing at http://fake-bank.nl/in${")".repeat(RUN)}`),
  ],
  [
    "spaces in a From display name",
    mail([`From: x${" ".repeat(RUN)}`, "Subject: spam"], "spam from 192.0.2.3"),
  ],
];
for (const [name, raw] of RUNS) {
  test(`a long run of ${name} is read in one pass`, async () => {
    const out = await parse(raw);
    if (out.format !== null) assert.ok(out.events.length > 0);
    else assert.ok(out.reason.length > 5);
  });
}

test("limits on what is read as an IP, a date and X-ARF YAML are named and hold", async () => {
  const { MAX_IP_TEXT, MAX_DATE_TEXT, normalizeIp, parseDate } = await import("./common.ts");
  const { XARF_YAML_MAX_BYTES, readKeyValues } = await import("./xarf02.ts");
  assert.equal(normalizeIp(`192.0.2.1 (${"x".repeat(MAX_IP_TEXT - 20)})`), "192.0.2.1");
  assert.equal(normalizeIp(`192.0.2.1 (${"x".repeat(MAX_IP_TEXT)})`), undefined);
  assert.equal(
    parseDate(`Thu, 8 Mar 2024 17:40:36 -0500 (${"x".repeat(MAX_DATE_TEXT - 50)})`)?.toISOString(),
    "2024-03-08T22:40:36.000Z",
  );
  assert.equal(parseDate(`Thu, 8 Mar 2024 17:40:36 -0500 (${"x".repeat(MAX_DATE_TEXT)})`), null);
  // Within the limit YAML is read (a flow list); beyond it, line by line (the list is one string).
  const yaml = (pad: number) =>
    `Report-Type: login-attack\nSource: 192.0.2.1\nPorts: [22, 2222]\nNote: ${"x".repeat(pad)}\n`;
  assert.equal(readKeyValues(yaml(100)).get("ports"), "[22,2222]");
  assert.equal(readKeyValues(yaml(XARF_YAML_MAX_BYTES)).get("ports"), "[22, 2222]");
  assert.equal(readKeyValues(yaml(XARF_YAML_MAX_BYTES)).get("source"), "192.0.2.1");
});
