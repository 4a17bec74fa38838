import assert from "node:assert/strict";
import { test } from "node:test";
import { parseReport } from "./index.ts";
import { mail, multipart, ok, reasonOf } from "./testkit.ts";

const forwarded = [
  "Received: from mx.victim.example (mx.victim.example [10.1.1.1]) by store.victim.example; Tue, 5 Mar 2024 10:00:05 +0100",
  "Received: from bulk.sender.example (bulk.sender.example [203.0.113.50]) by mx.victim.example; Tue, 5 Mar 2024 10:00:01 +0100",
  "Received: from [192.168.1.20] by bulk.sender.example; Tue, 5 Mar 2024 10:00:00 +0100",
  "From: offers@sender.example",
  "Subject: You won",
  "",
  "Click here",
].join("\n");

test("a complaint with a forwarded message/rfc822: the first external Received hop", async () => {
  const m = multipart(
    ["From: Jan <jan@klant.example>", "Subject: FW: rommel", "Message-ID: <p1@klant.example>"],
    "multipart/mixed",
    [
      [["Content-Type: text/plain"], "Ik krijg dit steeds, wilt u er iets aan doen?"],
      [["Content-Type: message/rfc822", "Content-Disposition: inline"], forwarded],
    ],
  );
  const r = ok(await parseReport(m));
  assert.equal(r.format, "plain");
  assert.equal(r.events[0]!.category, "spam");
  assert.equal(r.events[0]!.subject.ip, "203.0.113.50");
  assert.equal(r.events[0]!.occurredAt?.toISOString(), "2024-03-05T09:00:01.000Z");
  assert.deepEqual(r.missing, []);
  assert.equal(r.reporter.email, "jan@klant.example");
});

test("headers pasted in the body are read too", async () => {
  const m = mail(["From: piet@example.nl", "Subject: spam ontvangen"], `Zie hieronder.\n\n${forwarded}`);
  const r = ok(await parseReport(m));
  assert.equal(r.events[0]!.subject.ip, "203.0.113.50");
});

test("a spam complaint without headers says full_headers is missing", async () => {
  const r = ok(
    await parseReport(
      mail(["From: a@example.nl", "Subject: spam"], "I get spam from 198.51.100.4 every day."),
    ),
  );
  assert.deepEqual(r.missing, ["full_headers"]);
});

test("a complaint that names no category keeps its subject as `other`; a counter-notice goes to triage", async () => {
  const e = ok(
    await parseReport(mail(["From: a@example.nl", "Subject: hello"], "Please look at 198.51.100.4")),
  ).events[0]!;
  assert.equal(e.category, "other");
  assert.equal(e.subject.ip, "198.51.100.4");
  assert.match(
    reasonOf(
      await parseReport(
        mail(
          ["From: a@example.nl", "Subject: Counter-notice"],
          "This is a counter-notice regarding https://site.example/x",
        ),
      ),
    ),
    /counter-notice/,
  );
});
