import assert from "node:assert/strict";
import { test } from "node:test";
import { parseReport } from "./index.ts";
import { parseShadowserverCsv, reportTypeFromFilename } from "./shadowserver.ts";
import {
  classifyShadowserverType,
  knownShadowserverTypes,
  reportTypeFromColumns,
  reportTypeFromSubject,
} from "./shadowserver-types.ts";
import { ok } from "./testkit.ts";

/** The report types Shadowserver publishes today (report_schema types.md), each with our category. */
const PUBLISHED: Record<string, string> = {
  compromised_account: "compromised_server",
  compromised_iot: "botnet",
  event4_honeypot_ddos_amp: "ddos_victim",
  event4_honeypot_brute_force: "brute_force",
  event4_honeypot_darknet: "port_scan",
  event4_ip_spoofer: "open_service",
  event4_sinkhole_http: "botnet",
  event4_sinkhole_http_referer: "compromised_server",
  event4_ddos_participant: "ddos",
  malware_url: "malware",
  population_bgp: "open_service",
  population6_msmq: "open_service",
  sandbox_url: "malware",
  scan_exchange: "open_service",
  scan6_rdp: "open_service",
  targeted_host: "ddos_victim",
  device_id6: "open_service",
  blocklist: "blocklist",
  spam_url: "spam",
};

test("the published report types are in the table with the category they mean", () => {
  for (const [type, category] of Object.entries(PUBLISHED)) {
    const c = classifyShadowserverType(type);
    assert.equal(c.basis, "table", type);
    assert.equal(c.category, category, type);
  }
  // Every entry of the table maps to a category of ours, none to "other".
  assert.ok(knownShadowserverTypes().length >= 190);
  for (const type of knownShadowserverTypes())
    assert.notEqual(classifyShadowserverType(type).category, "other", type);
});

test("a future type falls back by its family: scan/population open service, honeypot by what happened", () => {
  assert.deepEqual(classifyShadowserverType("scan_quantum_gateway"), {
    category: "open_service",
    basis: "family",
  });
  assert.equal(classifyShadowserverType("population6_newthing").category, "open_service");
  assert.equal(classifyShadowserverType("event4_honeypot_telnet_brute_force").category, "brute_force");
  assert.equal(classifyShadowserverType("event4_honeypot_xyz_scan").category, "port_scan");
  assert.equal(classifyShadowserverType("event4_honeypot_ddos_reflect").category, "ddos_victim");
});

test("a future event or sinkhole type reads each row's infection or tag", () => {
  const columns = ["timestamp", "src_ip", "infection", "tag"];
  const c = classifyShadowserverType("event4_sinkhole_quantum", columns);
  assert.equal(c.basis, "family");
  assert.equal(c.perRow?.(["", "", "mirai", ""]), "botnet");
  assert.equal(c.perRow?.(["", "", "", "ssh-brute-force"]), "brute_force");
  const csv = `"timestamp","src_ip","src_port","infection","tag"\n"2026-01-01 00:00:00","192.0.2.1",1,"qakbot",""\n"2026-01-01 00:00:01","192.0.2.2",2,"","telnet-scan"\n`;
  const events = parseShadowserverCsv(csv, "event6_sinkhole_future").events;
  assert.deepEqual(
    events.map((e) => e.category),
    ["botnet", "port_scan"],
  );
});

test("a type of no family keeps its rows as other, with the type as the sender's label", () => {
  assert.deepEqual(classifyShadowserverType("special"), { category: "other", basis: "unknown" });
  const csv = `"timestamp","ip","port"\n"2026-01-01 00:00:00","192.0.2.9",443\n`;
  const [e] = parseShadowserverCsv(csv, "special").events;
  assert.equal(e!.category, "other");
  assert.equal(e!.details.source_category, "special");
  assert.equal(e!.subject.ip, "192.0.2.9");
});

test("the type comes from the file name, the mail's subject, or the columns", async () => {
  assert.equal(reportTypeFromFilename("2026-11-20-population_bgp-isp-asn.csv"), "population_bgp");
  assert.equal(reportTypeFromFilename("2026-11-20-scan_newthing-isp-asn.csv.zip"), "scan_newthing");
  assert.equal(reportTypeFromSubject("[Shadowserver] Open SNMP Report: 2026-11-20"), "scan_snmp");
  assert.equal(reportTypeFromSubject("Shadowserver IPv6 Open SNMP report for AS64500"), "scan6_snmp");
  assert.equal(reportTypeFromSubject("Hello"), undefined);
  assert.equal(reportTypeFromColumns(["timestamp", "src_ip", "infection"]), "event4_sinkhole");
  assert.equal(reportTypeFromColumns(["timestamp", "ip", "port", "tag"]), "scan_unknown");
  assert.equal(reportTypeFromColumns(["name", "value"]), undefined);

  // A Shadowserver mail whose attachment lost its name: the subject names the report.
  const csv = `"timestamp","ip","protocol","port","tag"\n"2026-11-20 01:02:03","192.0.2.30","udp",161,"snmp"\n`;
  const mail = Buffer.from(
    [
      "From: Shadowserver <autoreports@shadowserver.org>",
      "Subject: [Shadowserver] Open SNMP Report: 2026-11-20",
      'Content-Type: multipart/mixed; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain",
      "",
      "Attached.",
      "--b",
      'Content-Type: text/csv; name="report.csv"',
      'Content-Disposition: attachment; filename="report.csv"',
      "",
      csv,
      "--b--",
      "",
    ].join("\r\n"),
  );
  const r = ok(await parseReport(mail));
  assert.equal(r.format, "shadowserver");
  assert.equal(r.events[0]!.details.reportType, "scan_snmp");
  assert.equal(r.events[0]!.category, "open_service");
});
