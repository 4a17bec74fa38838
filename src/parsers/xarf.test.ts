import assert from "node:assert/strict";
import { test } from "node:test";
import { parseReport } from "./index.ts";
import { multipart, ok, reasonOf } from "./testkit.ts";
import { parseXarfDocument } from "./xarf.ts";

const v4 = {
  xarf_version: "4.2.0",
  report_id: "dbf79f17-f4f4-4c22-ae58-19991f52a1e8",
  timestamp: "2025-01-11T12:17:20Z",
  reporter: { org: "Honeypots", contact: "hp@example.org", domain: "example.org" },
  sender: { org: "Honeypots", contact: "hp@example.org", domain: "example.org" },
  source_identifier: "2001:db8::17",
  source_port: 45621,
  category: "connection",
  type: "login_attack",
};

test("XARF v4 JSON: category/type mapped, IPv6 source, port", async () => {
  const r = ok(await parseReport(Buffer.from(JSON.stringify(v4))));
  assert.equal(r.format, "xarf-v4");
  assert.equal(r.events[0]!.category, "brute_force");
  assert.deepEqual(r.events[0]!.subject, { ip: "2001:db8::17", port: 45621 });
  assert.deepEqual(r.reporter, { org: "Honeypots", email: "hp@example.org" });
});

test("XARF v4 with wrong types is refused with the field path", async () => {
  const reason = reasonOf(
    await parseReport(Buffer.from(JSON.stringify({ ...v4, reporter: "me", source_port: [1] }))),
  );
  assert.match(reason, /XARF v4 document is invalid: .*reporter/);
  assert.match(
    reasonOf(await parseReport(Buffer.from(JSON.stringify({ ...v4, xarf_version: 4 })))),
    /xarf_version/,
  );
});

test("XARF v4 README type 'open' and schema type 'open_service' both map", async () => {
  for (const type of ["open", "open_service"]) {
    const r = ok(await parseReport(Buffer.from(JSON.stringify({ ...v4, category: "vulnerability", type }))));
    assert.equal(r.events[0]!.category, "open_service");
  }
});

test("an unknown XARF category keeps its subject: category other, the sender's label kept", async () => {
  const e = parseXarfDocument({ ...v4, category: "connection", type: "teleportation" }).events[0]!;
  assert.equal(e.category, "other");
  assert.equal(e.details.source_category, "connection/teleportation");
  const r = ok(await parseReport(Buffer.from(JSON.stringify({ ...v4, type: "teleportation" }))));
  assert.equal(r.events[0]!.category, "other");
  assert.ok(r.events[0]!.subject.ip || r.events[0]!.subject.url);
});

test("XARF v3 with ReporterInfo, and as a mail attachment", async () => {
  const v3 = {
    Version: "3",
    ReporterInfo: { ReporterOrg: "Org", ReporterOrgDomain: "org.example", ReporterOrgEmail: "r@org.example" },
    Disclosure: true,
    Report: {
      ReportClass: "Activity",
      ReportType: "PortScan",
      Date: "2018-02-05T14:17:10Z",
      SourceIp: "192.0.2.55",
    },
  };
  const m = multipart(
    ["From: r@org.example", "Subject: report", "Message-ID: <x@org.example>"],
    "multipart/mixed",
    [
      [["Content-Type: text/plain"], "see attachment"],
      [
        ["Content-Type: application/json", 'Content-Disposition: attachment; filename="xarf.json"'],
        JSON.stringify(v3),
      ],
    ],
  );
  const r = ok(await parseReport(m));
  assert.equal(r.format, "xarf-v3");
  assert.equal(r.events[0]!.category, "port_scan");
  assert.equal(r.reporter.org, "Org");
  assert.equal(r.messageId, "x@org.example");
});

test("XARF v3 with a bad SourceIp type is refused", async () => {
  const doc = {
    Version: "3",
    ReporterInfo: {},
    Report: { ReportType: "Spam", Date: "2018-02-05T14:17:10Z", SourceIp: 12345 },
  };
  assert.match(reasonOf(await parseReport(Buffer.from(JSON.stringify(doc)))), /SourceIp/);
});

test("XARF v4 open_service whose service is a mail relay is an open relay; other open services are not", async () => {
  const relay = { ...v4, category: "vulnerability", type: "open_service", service: "smtp-open-relay" };
  assert.equal(ok(await parseReport(Buffer.from(JSON.stringify(relay)))).events[0]!.category, "open_relay");
  const rdp = { ...v4, category: "vulnerability", type: "open_service", service: "rdp" };
  assert.equal(ok(await parseReport(Buffer.from(JSON.stringify(rdp)))).events[0]!.category, "open_service");
});
