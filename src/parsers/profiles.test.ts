import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseSenderProfiles } from "../classification/sender-profiles.ts";
import { parseReport } from "./index.ts";
import {
  MAX_PATTERN_LENGTH,
  PROFILE_TEXT_LIMIT,
  patternProblem,
  profileFor,
  readWithProfile,
} from "./profiles.ts";
import { ok } from "./testkit.ts";

const EXAMPLE = fileURLToPath(new URL("../../policy/senders/sender-profiles.example.yaml", import.meta.url));
const SAMPLES = fileURLToPath(new URL("../../test/fixtures/samples/", import.meta.url));

function exampleProfiles() {
  const parsed = parseSenderProfiles(readFileSync(EXAMPLE, "utf8"), EXAMPLE);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join("; "));
  return parsed.profiles;
}

test("an operator's pattern that could run without end on hostile text is refused, with the reason", () => {
  assert.equal(patternProblem("located at IP address {ip}", ["ip"]), undefined);
  assert.match(patternProblem("(a+)+$")!, /repetition inside a repetition/);
  assert.match(patternProblem("({ip}\\s*)+", ["ip"])!, /repetition inside a repetition/);
  assert.match(patternProblem("(x)\\1")!, /back-references/);
  assert.match(patternProblem("(?<=from ){ip}", ["ip"])!, /look-behind/);
  assert.match(patternProblem("(?<ip>\\d+)")!, /named groups are not allowed; write \{ip\}/);
  assert.match(patternProblem("{ip} and {ip}", ["ip"])!, /only once/);
  assert.match(patternProblem("hello", ["ip", "url"])!, /names none of \{ip\}, \{url\}/);
  assert.match(patternProblem("x".repeat(MAX_PATTERN_LENGTH + 1))!, /longer than 300/);
  assert.match(patternProblem("[unclosed")!, /not a valid regular expression/);
  assert.match(patternProblem("a{1,5}b{2,3}c{4}d{1,9}e{2}f{3}g{5}h{6}i{7}j{8}k{9}")!, /too many/);
});

test("the example profiles read the senders whose samples we have", async () => {
  const profiles = exampleProfiles();
  assert.deepEqual(
    profiles.map((p) => p.name),
    ["netcraft-upstream", "spamhaus-sbl", "projecthoneypot-monitor", "hotmail-jmrp"],
  );
  const read = async (file: string) =>
    ok(await parseReport(readFileSync(`${SAMPLES}${file}`), {}, { senderProfiles: profiles }));

  const netcraft = await read("phishing-malware/abusix_netcraft.fraud.0.eml");
  assert.equal(netcraft.format, "profile:netcraft-upstream");
  assert.deepEqual(
    netcraft.events.map((e) => [e.category, e.subject, e.details.found_in]),
    [
      ["fraud", { ip: "186.7.140.59" }, "sender profile"],
      ["fraud", { domain: "mkriwhuuluhwsyx.ru" }, "sender profile"],
    ],
  );
  const sbl = await read("misc-email/abusix_spamhaus.eml");
  assert.deepEqual(
    sbl.events.map((e) => [e.category, e.subject.ip]),
    [["blocklist", "139.59.135.0"]],
  );
  const honeypot = await read("misc-email/abuseio_projecthoneypot_monitor.eml");
  assert.deepEqual(
    honeypot.events.map((e) => e.subject.ip),
    ["10.0.2.1", "10.0.2.2", "10.0.2.3", "10.0.2.4", "10.0.2.5"],
  );
  const jmrp = await read("arf/sisimai_arf-22_hotmail_non_arf_complaint.eml");
  assert.equal(jmrp.format, "profile:hotmail-jmrp");
  assert.equal(jmrp.events[0]!.subject.ip, "192.0.2.222");
  // Without profiles, the same mails are read by the generic rules as before.
  assert.equal(
    ok(await parseReport(readFileSync(`${SAMPLES}misc-email/abusix_spamhaus.eml`))).format,
    "freetext",
  );
});

test("a profile reads only what its sender sends, and only the first part of a huge mail", () => {
  const [netcraft] = exampleProfiles();
  const input = (from: string, text: string) => ({
    from,
    subjectLine: "Issue 1: Fraudulent domain name",
    text,
  });
  assert.equal(profileFor([netcraft!], input("someone@elsewhere.example", "")), undefined);
  assert.equal(profileFor([netcraft!], input("x@takedown.netcraft.com", ""))?.name, "netcraft-upstream");
  const far = `${"x".repeat(PROFILE_TEXT_LIMIT)}\nlocated at IP address 192.0.2.77`;
  assert.deepEqual(readWithProfile(netcraft!, input("x@netcraft.com", far)), []);
  const near = readWithProfile(netcraft!, input("x@netcraft.com", "located at IP address 192.0.2.77."));
  assert.deepEqual(near[0]!.subject, { ip: "192.0.2.77" });
});
