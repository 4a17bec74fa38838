import assert from "node:assert/strict";
import { test } from "node:test";
import { parseReport } from "./index.ts";
import { mail, ok } from "./testkit.ts";

test("SpamCop spamvertised-URL report: the subject carries a URL", async () => {
  const m = mail(
    [
      "From: 123@reports.spamcop.net",
      "Subject: [SpamCop (http://shop.example/buy) id:123]Cheap",
      "Date: Mon, 12 Sep 2016 08:55:12 -0500",
    ],
    "[ SpamCop V4.8.3 ]\nEmail from 192.0.2.44 / Mon, 12 Sep 2016 08:55:12 -0500\n\n[ Offending message ]\nReceived: from x ([192.0.2.44]) by y; Mon, 12 Sep 2016 08:55:12 -0500\nSubject: Cheap\n",
  );
  const r = ok(await parseReport(m));
  assert.equal(r.format, "spamcop");
  assert.equal(r.events[0]!.subject.url, "http://shop.example/buy");
  assert.equal(r.events[0]!.details.spamvertised, true);
  assert.equal(r.events[0]!.occurredAt?.toISOString(), "2016-09-12T13:55:12.000Z");
  assert.deepEqual(r.missing, []);
});

test("SpamCop report without the offending message's headers lacks full headers", async () => {
  const m = mail(
    ["From: 9@reports.spamcop.net", "Subject: [SpamCop (192.0.2.9) id:9]x"],
    "Email from 192.0.2.9 / Thu, 19 Jun 2003 17:34:13 -0400\n",
  );
  assert.deepEqual(ok(await parseReport(m)).missing, ["full_headers"]);
});
