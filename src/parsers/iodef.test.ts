import assert from "node:assert/strict";
import { test } from "node:test";
import { parseReport } from "./index.ts";
import { mail, ok, reasonOf } from "./testkit.ts";

const iodef = (name: string, ip: string) => `<?xml version="1.0"?>
<IODEF-Document version="2.00" xmlns="urn:ietf:params:xml:ns:iodef-2.0">
  <Incident purpose="reporting">
    <IncidentID name="cert.example">42</IncidentID>
    <DetectTime>2024-05-01T10:00:00+02:00</DetectTime>
    <GenerationTime>2024-05-01T11:00:00+02:00</GenerationTime>
    <Method><Reference><ReferenceName>${name}</ReferenceName></Reference></Method>
    <Contact role="creator" type="organization"><ContactName>CERT</ContactName><Email><EmailTo>cert@cert.example</EmailTo></Email></Contact>
    <EventData><Flow><System category="source"><Node><Address category="ipv6-addr">${ip}</Address></Node>
      <Service ip_protocol="6"><Port>445</Port></Service></System></Flow></EventData>
  </Incident>
</IODEF-Document>`;

test("IODEF 2.0 with an IPv6 source and EmailTo contact", async () => {
  const r = ok(await parseReport(Buffer.from(iodef("Botnet Drone", "2001:db8::5"))));
  assert.equal(r.format, "iodef");
  assert.deepEqual(r.events[0]!.subject, { ip: "2001:db8::5", port: 445 });
  assert.equal(r.events[0]!.category, "botnet");
  assert.equal(r.events[0]!.occurredAt?.toISOString(), "2024-05-01T08:00:00.000Z");
  assert.equal(r.reporter.email, "cert@cert.example");
});

test("IODEF with an unknown report name keeps its subject as `other`; one with a DOCTYPE goes to triage", async () => {
  const unknown = ok(await parseReport(Buffer.from(iodef("Mystery", "192.0.2.1")))).events[0]!;
  assert.equal(unknown.category, "other");
  assert.equal(unknown.details.source_category, "Mystery");
  const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><IODEF-Document>&e;</IODEF-Document>`;
  assert.match(reasonOf(await parseReport(Buffer.from(xxe))), /DOCTYPE/);
});

test("IODEF as a mail attachment", async () => {
  const m = mail(
    ["From: reports@cert.example", "Subject: incident", 'Content-Type: multipart/mixed; boundary="b"'],
    `--b\nContent-Type: text/plain\n\nSee attachment.\n--b\nContent-Type: application/xml\nContent-Disposition: attachment; filename="i.xml"\n\n${iodef("Shadowserver Command and Control", "192.0.2.8")}\n--b--\n`,
  );
  const r = ok(await parseReport(m));
  assert.equal(r.events[0]!.subject.ip, "192.0.2.8");
});
