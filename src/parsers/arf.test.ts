import assert from "node:assert/strict";
import { test } from "node:test";
import { parseReport } from "./index.ts";
import { multipart, ok, reasonOf } from "./testkit.ts";

const HEAD = [
  "From: FBL <fbl@isp.example>",
  "To: abuse@x2com.nl",
  "Subject: FW: report",
  "Message-ID: <r1@isp.example>",
];
const TYPE = "multipart/report; report-type=feedback-report";
const original = [
  "Received: from relay.internal (relay.internal [10.0.0.5]) by mx.isp.example; Thu, 08 Mar 2005 14:05:00 -0400",
  "Received: from sender.example (sender.example [198.51.100.23]) by relay.internal; Thu, 08 Mar 2005 14:00:00 -0400",
  "From: <spammer@sender.example>",
  "Subject: buy",
  "",
  "body",
].join("\n");

function arf(
  fields: string,
  third: [string[], string] | null = [["Content-Type: message/rfc822"], original],
) {
  const parts: Array<[string[], string]> = [
    [["Content-Type: text/plain"], "This is an abuse report."],
    [["Content-Type: message/feedback-report"], fields],
  ];
  if (third) parts.push(third);
  return multipart(HEAD, TYPE, parts);
}

test("ARF version 0.1 with Received-Date and case-insensitive field names", async () => {
  const r = ok(
    await parseReport(
      arf(
        "FEEDBACK-TYPE: abuse\nuser-agent: X/1\nVersion: 0.1\nReceived-Date: Tue, 19 Jan 2016 14:32:40 -0500\nSource-Ip: 192.0.2.9\n",
      ),
    ),
  );
  assert.equal(r.format, "arf");
  assert.equal(r.events[0]!.category, "spam");
  assert.equal(r.events[0]!.subject.ip, "192.0.2.9");
  assert.equal(r.events[0]!.occurredAt?.toISOString(), "2016-01-19T19:32:40.000Z");
  assert.equal(r.reporter.email, "fbl@isp.example");
  assert.equal(r.messageId, "r1@isp.example");
  assert.deepEqual(r.missing, []);
});

test("Source-IP with a host comment is stripped; Source-Port kept (CGNAT)", async () => {
  const r = ok(
    await parseReport(
      arf(
        "Feedback-Type: abuse\nUser-Agent: X\nVersion: 1\nSource-IP: 148.163.85.135 (sainay.example.org)\nSource-Port: 40123\n",
      ),
    ),
  );
  assert.equal(r.events[0]!.subject.ip, "148.163.85.135");
  assert.equal(r.events[0]!.subject.port, 40123);
});

test("no Source-IP: the first external Received hop of the original message, private hops skipped", async () => {
  const r = ok(await parseReport(arf("Feedback-Type: abuse\nUser-Agent: X\nVersion: 1\n")));
  assert.equal(r.events[0]!.subject.ip, "198.51.100.23");
  assert.equal(r.events[0]!.details.ipSource, "Received");
  assert.equal(r.events[0]!.occurredAt?.toISOString(), "2005-03-08T18:00:00.000Z");
});

test("auth-failure is routed as email_auth_failure, opt-out as opt_out (both informational)", async () => {
  const a = ok(
    await parseReport(
      arf(
        "Feedback-Type: auth-failure\nUser-Agent: X\nVersion: 1\nAuth-Failure: dmarc\nSource-IP: 192.0.2.1\n",
      ),
    ),
  );
  assert.equal(a.events[0]!.category, "email_auth_failure");
  assert.equal(a.events[0]!.details.authFailure, "dmarc");
  const o = ok(
    await parseReport(
      arf("Feedback-Type: opt-out\nUser-Agent: X\nVersion: 0.1\nRemoval-Recipient: u@example.com\n"),
    ),
  );
  assert.equal(o.events[0]!.category, "opt_out");
});

test("an unknown Feedback-Type keeps its subject as `other` with the label; not-spam is explained", async () => {
  const e = ok(
    await parseReport(arf("Feedback-Type: weird-thing\nUser-Agent: X\nVersion: 1\nSource-IP: 192.0.2.1\n")),
  ).events[0]!;
  assert.equal(e.category, "other");
  assert.equal(e.details.source_category, "weird-thing");
  assert.equal(e.subject.ip, "192.0.2.1");
  assert.match(
    reasonOf(await parseReport(arf("Feedback-Type: not-spam\nUser-Agent: X\nVersion: 1\n"))),
    /not-spam/,
  );
});

test("an ARF without the original message lacks full headers", async () => {
  const r = ok(
    await parseReport(arf("Feedback-Type: abuse\nUser-Agent: X\nVersion: 1\nSource-IP: 192.0.2.1\n", null)),
  );
  assert.deepEqual(r.missing, ["full_headers"]);
});
