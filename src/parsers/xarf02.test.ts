import assert from "node:assert/strict";
import { test } from "node:test";
import { parseReport } from "./index.ts";
import { multipart, ok, reasonOf } from "./testkit.ts";

function xarf(report: string) {
  return multipart(
    ["From: bot@reporter.example", "Subject: abuse report", "X-XARF: PLAIN"],
    "multipart/mixed",
    [
      [["Content-Type: text/plain; charset=utf-8"], "Hello Abuse-Team"],
      [['Content-Type: text/plain; charset=utf-8; name="report.txt"'], report],
      [['Content-Type: text/plain; charset=utf-8; name="logfile.log"'], "192.0.2.7 - - POST /login"],
    ],
  );
}

test("X-ARF 0.2 with duplicate Source-Type, empty Port and the log as evidence", async () => {
  const r = ok(
    await parseReport(
      xarf(
        "---\nReported-From: abuse@reporter.example\nCategory: abuse\nReport-Type: login-attack\nVersion: 0.2\nDate: Fri, 31 Jan 2014 07:19:02 +0100\nSource-Type: ip-address\nSource-Type: ip-address\nSource: 192.0.2.7\nPort: \n",
      ),
    ),
  );
  assert.equal(r.format, "xarf-0.2");
  assert.equal(r.events[0]!.category, "brute_force");
  assert.deepEqual(r.events[0]!.subject, { ip: "192.0.2.7" });
  assert.equal(r.events[0]!.occurredAt?.toISOString(), "2014-01-31T06:19:02.000Z");
  assert.equal(r.reporter.email, "abuse@reporter.example");
  assert.match(String(r.events[0]!.details.evidence), /POST \/login/);
});

test("X-ARF uri source with the 'http: //' typo is repaired", async () => {
  const r = ok(
    await parseReport(
      xarf(
        "Reported-From: a@b.example\nCategory: abuse\nReport-Type: phishing\nSource-Type: uri\nSource: http: //phish.example/x\nDate: 2015-07-23T01:58:17+00:00\n",
      ),
    ),
  );
  assert.equal(r.events[0]!.subject.url, "http://phish.example/x");
  assert.equal(r.events[0]!.category, "phishing");
});

test("X-ARF with an unknown Report-Type keeps its subject as `other`; wrong types go to triage", async () => {
  const unknown = ok(
    await parseReport(xarf("Reported-From: a@b.example\nReport-Type: time-travel\nSource: 192.0.2.1\n")),
  ).events[0]!;
  assert.equal(unknown.category, "other");
  assert.equal(unknown.details.source_category, "time-travel");
  assert.equal(unknown.subject.ip, "192.0.2.1");
  assert.match(
    reasonOf(
      await parseReport(
        xarf("Reported-From: a@b.example\nReport-Type: login-attack\nSource-Type: ipv4\nSource: [1, 2]\n"),
      ),
    ),
    /not an IP/,
  );
  assert.match(
    reasonOf(await parseReport(xarf("Reported-From: a@b.example\nReport-Type: login-attack\n"))),
    /without a Source/,
  );
});
