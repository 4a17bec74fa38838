import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { loadParsing } from "../app.ts";
import { loadConfig } from "../config.ts";
import { UserError } from "../errors.ts";
import { loadSenderProfiles, parseSenderProfiles, SenderProfileError } from "./sender-profiles.ts";

const broken = `profiles:
  - name: good-one
    match: { from: [sender.example] }
    category: spam
    subjects: ["from {ip}"]
  - name: bad-category
    match: { from: [sender.example] }
    category: spamm
    subjects: ["from {ip}"]
  - name: slow
    match: { subject: "(a+)+b" }
    category: spam
    subjects: ["address {ip}"]
  - name: good-one
    match: { from: [sender.example] }
    category: spam
    subjects: ["no placeholder here"]
    colour: blue
`;

test("a broken sender-profiles file names every problem with file, line and what to write instead", () => {
  const result = parseSenderProfiles(broken, "senders.yaml");
  assert.ok(!result.ok);
  const lines = result.problems.map((p) => `${p.file}:${p.line}: ${p.path}: ${p.message}`);
  assert.ok(
    lines.some((l) => /^senders\.yaml:8: profiles\[1\]\.category: must be one of spam, phishing/.test(l)),
    lines.join("\n"),
  );
  assert.ok(
    lines.some((l) => /^senders\.yaml:18: profiles\[3\]\.colour: unknown field "colour"/.test(l)),
    lines.join("\n"),
  );
  const second = parseSenderProfiles(
    broken.replace("    colour: blue\n", "").replace("spamm", "spam"),
    "s.yaml",
  );
  assert.ok(!second.ok);
  const more = second.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
  assert.ok(
    more.some((l) => /^11: profiles\[2\]\.match\.subject: .*repetition inside a repetition/.test(l)),
    more.join("\n"),
  );
  assert.ok(
    more.some((l) => /^14: profiles\[3\]\.name: a profile named "good-one" comes earlier/.test(l)),
    more.join("\n"),
  );
  assert.ok(
    more.some((l) => /^17: profiles\[3\]\.subjects\[0\]: the pattern names none of \{ip\}/.test(l)),
    more.join("\n"),
  );
  const yaml = parseSenderProfiles("profiles:\n  - name: [unclosed\n", "y.yaml");
  assert.ok(!yaml.ok && /not valid YAML/.test(yaml.problems[0]!.message));
  const empty = parseSenderProfiles(
    "profiles:\n  - name: x\n    category: spam\n    subjects: ['{ip}']\n    match: {}\n",
    "e.yaml",
  );
  assert.ok(!empty.ok && /say which mails the profile is for/.test(empty.problems[0]!.message));
});

test("the desk refuses to start with a broken file, and reads a good one from ABUSEDESK_SENDER_PROFILES", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-senders-"));
  const bad = path.join(dir, "bad.yaml");
  writeFileSync(bad, broken);
  const config = loadConfig(
    {},
    { ABUSEDESK_SENDER_PROFILES: bad, ABUSEDESK_REFERENCE_DOMAINS: "docs.isp.example, kb.isp.example" },
  );
  await assert.rejects(
    loadParsing(config),
    (err: Error) => err instanceof UserError && /bad\.yaml:8:\d+: profiles\[1\]\.category/.test(err.message),
  );
  await assert.rejects(
    loadSenderProfiles(path.join(dir, "missing.yaml")),
    (err: Error) =>
      err instanceof SenderProfileError && /does not exist; fix ABUSEDESK_SENDER_PROFILES/.test(err.message),
  );
  const good = path.join(dir, "good.yaml");
  writeFileSync(
    good,
    "profiles:\n  - name: x\n    match: { from: [sender.example] }\n    category: spam\n    subjects: ['from {ip}']\n",
  );
  const parsing = await loadParsing(
    loadConfig({ senderProfiles: good, referenceDomains: "docs.isp.example, kb.isp.example" }, {}),
  );
  assert.equal(parsing.senderProfiles?.[0]?.name, "x");
  assert.deepEqual(parsing.referenceDomains, ["docs.isp.example", "kb.isp.example"]);
  assert.throws(() => loadConfig({ referenceDomains: "not a domain" }, {}), /REFERENCE_DOMAINS/);
});
