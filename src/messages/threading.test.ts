import assert from "node:assert/strict";
import { test } from "node:test";
import { Headers, parseHeaderBlock } from "../parsers/mime.ts";
import {
  isAutomatic,
  MAX_REFERENCES,
  mailHead,
  newMessageId,
  readDeliveryStatus,
  referencedIds,
  subjectReference,
} from "./threading.ts";

const h = (text: string) => new Headers(parseHeaderBlock(text));

test("a reply names the messages it answers: In-Reply-To first, then References from the newest", () => {
  assert.deepEqual(referencedIds(h("In-Reply-To: <c@x>\nReferences: <a@x> <b@x>\n <c@x>")), [
    "c@x",
    "b@x",
    "a@x",
  ]);
  assert.deepEqual(referencedIds(h("In-Reply-To: bare@x")), ["bare@x"]);
  const many = Array.from({ length: 200 }, (_, i) => `<m${i}@x>`).join(" ");
  assert.equal(referencedIds(h(`References: ${many}`)).length, MAX_REFERENCES);
});

test("the case reference in a subject", () => {
  assert.deepEqual(subjectReference("Re: [Extin abuse #123] Waarschuwing"), {
    reference: "Extin abuse",
    caseId: 123,
  });
  assert.deepEqual(subjectReference("AW: [X2com (NL) abuse #9]"), {
    reference: "X2com (NL) abuse",
    caseId: 9,
  });
  assert.equal(subjectReference("[Extin abuse #abc]"), undefined);
  assert.equal(subjectReference("case #12"), undefined);
  assert.equal(subjectReference(`[x #${"9".repeat(20)}]`), undefined);
});

test("automatic mail: Auto-Submitted, bulk, lists, vacation replies", () => {
  assert.equal(isAutomatic(h("Auto-Submitted: auto-replied")), true);
  assert.equal(isAutomatic(h("Auto-Submitted: no")), false);
  assert.equal(isAutomatic(h("Precedence: bulk")), true);
  assert.equal(isAutomatic(h("List-Id: <abuse.lists.example>")), true);
  assert.equal(isAutomatic(h("Subject: Out of office: back Monday")), true);
  assert.equal(isAutomatic(h("Subject: Afwezig tot maandag")), true);
  assert.equal(isAutomatic(h("Subject: Re: your warning")), false);
});

test("our Message-IDs are random and carry the brand's domain", () => {
  const a = newMessageId("extin.eu");
  assert.match(a, /^abusedesk\.[0-9a-f]{32}@extin\.eu$/);
  assert.notEqual(a, newMessageId("extin.eu"));
  assert.match(newMessageId("bad domain\r\n"), /@abusedesk\.invalid$/);
});

// A delivery status notification as RFC 3464 describes it (written for this test).
const dsn = (action: string, returned: string) =>
  Buffer.from(
    `From: MAILER-DAEMON@mx.example
To: abuse@extin.eu
Subject: Delivery Status Notification
MIME-Version: 1.0
Content-Type: multipart/report; report-type="delivery-status"; boundary="b"

--b
Content-Type: text/plain

Your message could not be delivered.
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example
Original-Envelope-Id: abusedesk-m42

Final-Recipient: rfc822; info@shop.example
Action: ${action}
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--b
${returned}
--b--
`.replace(/\n/g, "\r\n"),
  );

test("a bounce (RFC 3464) names the message it is about and whether it failed", async () => {
  const failed = await readDeliveryStatus(
    dsn(
      "failed",
      "Content-Type: message/rfc822\n\nFrom: abuse@extin.eu\nMessage-ID: <abusedesk.abc@extin.eu>\nSubject: x\n\nbody",
    ),
  );
  assert.deepEqual(failed, {
    originalMessageId: "abusedesk.abc@extin.eu",
    envelopeId: "abusedesk-m42",
    recipients: [
      {
        recipient: "info@shop.example",
        action: "failed",
        status: "5.1.1",
        diagnostic: "smtp; 550 5.1.1 user unknown",
      },
    ],
    failed: true,
  });
  const delayed = await readDeliveryStatus(
    dsn("delayed", "Content-Type: text/rfc822-headers\n\nMessage-ID: <abusedesk.def@extin.eu>\n"),
  );
  assert.equal(delayed?.failed, false);
  assert.equal(delayed?.originalMessageId, "abusedesk.def@extin.eu");
  assert.equal(await readDeliveryStatus(Buffer.from("Subject: hello\r\n\r\nnot a bounce")), undefined);
  assert.equal(mailHead(Buffer.from("garbage without headers")).fields.length, 0);
});
