import assert from "node:assert/strict";
import { test } from "node:test";
import { Headers, parseHeaderBlock } from "../parsers/mime.ts";
import { MessagesPolicySchema } from "../policy/schema.ts";
import {
  acknowledgementFor,
  checkTextForCustomer,
  checkTextForReporter,
  mayWriteToCustomer,
  type ReportForAcknowledgement,
  stepTemplate,
} from "./policy.ts";

const rules = MessagesPolicySchema.parse({}).acknowledge;
const person: ReportForAcknowledgement = {
  channel: "smtp",
  state: "parsed",
  format: "plain",
  reporterEmail: "jan@example.org",
  reporterKind: "person",
  ownAddresses: ["abuse@extin.eu"],
  headers: new Headers(parseHeaderBlock("From: Jan <jan@example.org>\nSubject: spam")),
};

test("people who write to the abuse address get an acknowledgement; feeds, machines and automatic mail do not", () => {
  assert.deepEqual(acknowledgementFor(person, rules), { acknowledge: true, to: "jan@example.org" });
  assert.equal(
    acknowledgementFor({ ...person, state: "triage", format: null }, rules).acknowledge,
    true,
    "a mail no parser understood is from a person too",
  );
  const no = (r: Partial<ReportForAcknowledgement>, why: RegExp) => {
    const d = acknowledgementFor({ ...person, ...r }, rules);
    assert.equal(d.acknowledge, false);
    assert.match((d as { reason: string }).reason, why);
  };
  no({ format: "shadowserver" }, /feed or feedback loop/);
  no({ format: "arf" }, /feed or feedback loop/);
  no({ reporterKind: "feed", format: "plain" }, /a feed/);
  no({ channel: "api" }, /not written to the abuse address/);
  no({ reporterEmail: null }, /no reporter address/);
  no({ reporterEmail: "abuse@extin.eu" }, /our own addresses/);
  no({ reporterEmail: "MAILER-DAEMON@mx.example" }, /machine/);
  no({ reporterEmail: "noreply@shop.example" }, /machine/);
  no({ headers: new Headers(parseHeaderBlock("Auto-Submitted: auto-replied")) }, /automatic/);
  no({ headers: new Headers(parseHeaderBlock("Precedence: bulk")) }, /automatic/);
});

test("a profile names reporters and formats: never wins over always, always over formats", () => {
  const custom = MessagesPolicySchema.parse({
    acknowledge: { formats: ["plain", "acns"], always: ["@trusted.example"], never: ["jan@example.org"] },
  }).acknowledge;
  assert.equal(acknowledgementFor(person, custom).acknowledge, false);
  assert.equal(
    acknowledgementFor({ ...person, reporterEmail: "a@trusted.example", format: "arf" }, custom).acknowledge,
    true,
  );
  assert.equal(
    acknowledgementFor({ ...person, reporterEmail: "x@rights.example", format: "acns" }, custom).acknowledge,
    true,
  );
  assert.throws(
    () => MessagesPolicySchema.parse({ acknowledge: { never: ["not an address"] } }),
    /write an address/,
  );
});

test("a step's message: the profile's template, `none`, or the default", () => {
  const profile = (templates: Record<string, string>) =>
    ({ messages: MessagesPolicySchema.parse({ templates }) }) as unknown as Parameters<
      typeof stepTemplate
    >[0];
  assert.equal(stepTemplate(undefined, "warn"), "notice");
  assert.equal(stepTemplate(undefined, "suspend"), "decision");
  assert.equal(
    stepTemplate(undefined, "provide_data"),
    null,
    "data to an authority is not the customer's message",
  );
  assert.equal(stepTemplate(profile({ warn: "final_warning" }), "warn"), "final_warning");
  assert.equal(stepTemplate(profile({ block: "none" }), "block"), null);
});

test("a gag stops every message to the customer; a person's words are checked for who they name", () => {
  assert.equal(mayWriteToCustomer({ id: 1, gag: false }).ok, true);
  const gag = mayWriteToCustomer({ id: 1, gag: true });
  assert.equal(gag.ok, false);
  const reporter = { name: "Jan de Vries", email: "jan.devries@bp.example", org: null };
  assert.equal(checkTextForCustomer("Dear customer, we got a complaint.", [reporter], false).ok, true);
  const leak = checkTextForCustomer("Jan.Devries reported this", [reporter], false);
  assert.equal(leak.ok, false);
  assert.match((leak as { error: { message: string } }).error.message, /names the reporter/);
  assert.equal(checkTextForCustomer("Jan de Vries reported this", [reporter], true).ok, true);
  const customer = { id: "ext-3001", name: "Webwinkel Tulp BV", contactEmails: ["info@tulp.example"] };
  assert.equal(checkTextForReporter("We warned the customer.", customer).ok, true);
  assert.equal(checkTextForReporter("We warned Webwinkel Tulp BV.", customer).ok, false);
  assert.equal(checkTextForReporter("Write to info@tulp.example", customer).ok, false);
});
