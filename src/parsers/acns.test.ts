import assert from "node:assert/strict";
import { test } from "node:test";
import { parseReport } from "./index.ts";
import { mail, ok } from "./testkit.ts";

const xml = `<Infringement xmlns="http://www.acns.net/ACNS"><Case><ID>77</ID></Case>
<Complainant><Entity>Studio</Entity><Contact>Agent</Contact><Email>notices@agent.example</Email></Complainant>
<Source><TimeStamp>2022-05-01T04:50:04Z</TimeStamp><IP_Address>192.0.2.77</IP_Address><Port>6881</Port><Type>BitTorrent</Type></Source>
<Content><Item><Title>Film</Title><Hash Type="SHA1">abc</Hash></Item></Content></Infringement>`;

test("ACNS embedded between markers in a plain mail (Irdeto style)", async () => {
  const m = mail(
    [
      "From: Agent <notices@agent.example>",
      "Subject: Notice of infringement",
      "Message-ID: <n1@agent.example>",
    ],
    `Dear provider,\n\n---Start ACNS XML\n${xml}\n---End ACNS XML\n`,
  );
  const r = ok(await parseReport(m));
  assert.equal(r.format, "acns");
  assert.equal(r.events[0]!.category, "copyright");
  assert.equal(r.events[0]!.kind, "ntd");
  assert.deepEqual(r.events[0]!.subject, { ip: "192.0.2.77", port: 6881 });
  assert.equal(r.events[0]!.details.p2p, true);
  assert.deepEqual(r.missing, []);
  assert.equal(r.reporter.org, "Studio");
});
