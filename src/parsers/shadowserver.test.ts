import assert from "node:assert/strict";
import { test } from "node:test";
import { zipSync } from "fflate";
import { parseReport } from "./index.ts";
import { parseShadowserverCsv, reportTypeFromFilename, shadowserverCategory } from "./shadowserver.ts";
import { multipart, ok, reasonOf } from "./testkit.ts";

const scan =
  '"timestamp","ip","protocol","port","hostname","tag"\n"2018-04-14 00:14:34","198.51.100.179","udp",53,"h.example","openresolver"\n';
const event4 =
  '"timestamp","protocol","src_ip","src_port","dst_ip","dst_port","infection","tag"\n"2021-03-04 00:00:00","tcp","103.196.1.2",60902,"184.105.1.2",80,"andromeda","x"\n';

test("report type from the Shadowserver file name, also zipped and with odd org names", () => {
  assert.equal(
    reportTypeFromFilename("2022-02-24-event4_sinkhole_http_referer-royal_dutch_telecom-asn.csv.zip"),
    "event4_sinkhole_http_referer",
  );
  assert.equal(reportTypeFromFilename("2019-10-15-scan_ftp-sample-asn.csv"), "scan_ftp");
  assert.equal(reportTypeFromFilename("intelmq_honeypot_ddos_amp.csv"), "honeypot_ddos_amp");
  assert.equal(reportTypeFromFilename("notes.csv"), undefined);
});

test("`ip` in scan reports and `src_ip` in event reports", () => {
  assert.equal(parseShadowserverCsv(scan, "scan_dns").events[0]!.subject.ip, "198.51.100.179");
  const e = parseShadowserverCsv(event4, "event4_sinkhole_http").events[0]!;
  assert.deepEqual(e.subject, { ip: "103.196.1.2", port: 60902 });
  assert.equal(e.category, "botnet");
  assert.equal(e.occurredAt?.toISOString(), "2021-03-04T00:00:00.000Z");
  assert.equal(e.details.infection, "andromeda");
});

test("the victim of an amplification attack is not the abuser", () => {
  assert.equal(shadowserverCategory("event4_honeypot_ddos_amp"), "ddos_victim");
  assert.equal(parseShadowserverCsv(event4, "event4_honeypot_ddos_amp").events[0]!.category, "ddos_victim");
});

test("common report families map; a type of no family keeps its rows as `other` with the type as label", () => {
  assert.equal(shadowserverCategory("scan6_rdp"), "open_service");
  assert.equal(shadowserverCategory("event6_sinkhole"), "botnet");
  assert.equal(shadowserverCategory("botnet_drone"), "botnet");
  assert.equal(shadowserverCategory("event4_honeypot_brute_force"), "brute_force");
  assert.equal(shadowserverCategory("blocklist"), "blocklist");
  assert.equal(shadowserverCategory("compromised_website"), "compromised_server");
  assert.equal(shadowserverCategory("population_http"), "open_service");
  const unknown = parseShadowserverCsv(scan, "no_such_report").events[0]!;
  assert.equal(unknown.category, "other");
  assert.equal(unknown.details.source_category, "no_such_report");
  assert.equal(unknown.subject.ip, "198.51.100.179");
});

test("a malformed IP rejects the row with a warning, quoted commas and newlines survive", () => {
  const csv = `"timestamp","ip","port","banner"\n"2021-01-01 00:00:00","1.2.3.4.5",25,"x"\n"2021-01-01 00:00:01","192.0.2.1",25,"220 a, b\nsecond line"\n`;
  const r = parseShadowserverCsv(csv, "scan_smtp");
  assert.equal(r.events.length, 1);
  assert.equal(r.events[0]!.details.banner, "220 a, b\nsecond line");
  assert.match(r.warnings?.[0] ?? "", /1\.2\.3\.4\.5/);
});

test("via parseReport: type parameter, zipped CSV, and a CSV without a type", async () => {
  const r = ok(await parseReport(Buffer.from(scan), { type: "scan_dns", contentType: "text/csv" }));
  assert.equal(r.format, "shadowserver");
  const zip = Buffer.from(zipSync({ "2024-01-01-scan_dns-isp-asn.csv": Buffer.from(scan) }));
  assert.equal(ok(await parseReport(zip)).events.length, 1);
  // A renamed file: the columns say what they can (ip, port, tag: a scan), its rows are not lost.
  const renamed = ok(await parseReport(Buffer.from(scan), { filename: "report.csv" }));
  assert.equal(renamed.format, "shadowserver");
  assert.equal(renamed.events[0]!.subject.ip, "198.51.100.179");
  assert.equal(renamed.events[0]!.category, "open_service");
});

test("a Shadowserver mail with only a download link is triaged, never fetched", async () => {
  const m = multipart(
    ["From: autoreports@shadowserver.org", "Subject: Shadowserver report"],
    "multipart/mixed",
    [
      [
        ["Content-Type: text/plain"],
        "The report content can be obtained from the following link: https://dl.shadowserver.org/x",
      ],
    ],
  );
  assert.match(reasonOf(await parseReport(m)), /never fetch/);
});

test("Shadowserver details keep what happened and the line of the row, not where the network is", () => {
  const csv = [
    '"timestamp","ip","port","hostname","tag","asn","geo","region","city","naics","sector"',
    '"2026-11-20 10:00:00","192.0.2.10",161,"host.example","snmp",64500,"NL","NOORD-HOLLAND","AMSTERDAM",517311,"Hosting"',
  ].join("\n");
  const [e] = parseShadowserverCsv(Buffer.from(csv), "scan_snmp").events;
  assert.deepEqual(e!.details, {
    reportType: "scan_snmp",
    line: 2,
    port: "161",
    hostname: "host.example",
    tag: "snmp",
    asn: "64500",
  });
});

test("a large CSV is parsed in steps: the event loop keeps turning, and the result is the one-go parse", async () => {
  const rows = Array.from(
    { length: 30_000 },
    (_, i) =>
      `"2021-03-04 00:00:00","tcp","10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}",${1024 + (i % 60000)},"184.105.1.2",80,"andromeda","x"`,
  );
  const csv = Buffer.from(`${event4.split("\n")[0]}\n${rows.join("\n")}\n`);
  let turns = 0;
  let running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const stepwise = ok(await parseReport(csv, { type: "event4_sinkhole_http" }));
  running = false;
  // 30,000 rows in steps of 2,000: the loop turned in between (a one-go parse would give it no turn).
  assert.ok(turns >= 10, `the event loop turned ${turns} times during the parse`);
  const oneGo = parseShadowserverCsv(csv, "event4_sinkhole_http");
  assert.equal(stepwise.events.length, 30_000);
  assert.deepEqual(stepwise.events, oneGo.events);
});
