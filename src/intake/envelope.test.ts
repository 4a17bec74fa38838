import assert from "node:assert/strict";
import { test } from "node:test";
import { fileKindOf, mailHeadersOf, normalizeMessageId, splitMbox } from "./envelope.ts";

test("an mbox is split into its messages, and >From quoting is undone", () => {
  const mbox = Buffer.from(
    "From a@example.org Mon Feb  2 10:00:00 2026\nSubject: one\n\nbody one\n>From the start\n\nFrom b@example.org Mon Feb  2 10:01:00 2026\nSubject: two\n\nbody two\nFrom inside a paragraph is not a separator\n",
  );
  const msgs = splitMbox(mbox).map((b) => b.toString());
  assert.equal(msgs.length, 2);
  assert.equal(msgs[0], "Subject: one\n\nbody one\nFrom the start\n");
  assert.match(msgs[1]!, /^Subject: two\n\nbody two\nFrom inside a paragraph/);
});

test("Message-ID and Subject are read from a mail's head; the subject is one line", () => {
  const raw = Buffer.from(
    "From: a@example.org\r\nSubject: =?utf-8?q?hi=0D=0ABcc:_x@example.org?=\r\nMessage-ID: <Abc.1@Example.org>\r\n\r\nbody",
  );
  assert.deepEqual(mailHeadersOf(raw), { messageId: "Abc.1@Example.org", subject: "hi Bcc: x@example.org" });
  assert.deepEqual(mailHeadersOf(Buffer.from('{"xarf_version":"4"}'), "application/json"), {});
  assert.equal(normalizeMessageId(" <x@y> "), "x@y");
  assert.equal(normalizeMessageId("x@y"), "x@y");
});

test("the kind of a file comes from its name, or from its first bytes", () => {
  assert.equal(fileKindOf("a.eml", Buffer.from("x")), "mail");
  assert.equal(fileKindOf("2026-01-01-scan_dns-nl.csv", Buffer.from("x")), "csv");
  assert.equal(fileKindOf("x.csv.zip", Buffer.from("x")), "zip");
  assert.equal(fileKindOf("report.json", Buffer.from("x")), "json");
  assert.equal(fileKindOf("archive", Buffer.from("From a@b Mon")), "mbox");
});
