import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadPolicyProfiles, PolicyProfileError, parsePolicyProfile, quoteOccurs } from "./load.ts";

const PROFILES_DIR = fileURLToPath(new URL("../../policy/profiles", import.meta.url));
// The providers' own policy documents, which the profiles quote (copied unchanged from the seeds).
const SEEDS_DIR = fileURLToPath(new URL("../../policy/documents", import.meta.url));

const MINIMAL = `brand: test-brand
name: Test
version: 1
calendar:
  country: NL
  time_zone: Europe/Amsterdam
documents:
  - id: terms
    title: Test terms
rules:
  - id: spam
    description: spam gets a warning
    when:
      categories: [spam]
    ladder:
      - step: warn
        clause:
          document: terms
          article: art. 1
          quote: Spam is niet toegestaan.
fallback:
  description: anything else
  ladder:
    - step: warn
      clause: { document: terms, article: art. 2, quote: Wij waarschuwen eerst. }
`;

async function withDir(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "abusedesk-policy-"));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadError(files: Record<string, string>): Promise<PolicyProfileError> {
  let caught: unknown;
  await withDir(files, async (dir) => {
    try {
      await loadPolicyProfiles(dir);
    } catch (e) {
      caught = e;
    }
  });
  assert.ok(caught instanceof PolicyProfileError, `expected a PolicyProfileError, got ${String(caught)}`);
  return caught;
}

test("the four seed profiles load, keyed by brand id", async () => {
  const profiles = await loadPolicyProfiles(PROFILES_DIR);
  assert.deepEqual([...profiles.keys()].sort(), ["extin", "webxtra", "x2com-be", "x2com-nl"]);
  const be = profiles.get("x2com-be");
  assert.equal(be?.calendar.country, "BE");
  assert.equal(be?.calendar.time_zone, "Europe/Brussels");
  assert.equal(be?.deadlines.notice_of_default_compliance.source, "X2com BE art. 13.8");
});

test("every quote in the seed profiles is word for word in its seed document", async () => {
  const profiles = await loadPolicyProfiles(PROFILES_DIR, { documentsDir: SEEDS_DIR });
  assert.equal(profiles.size, 4);
});

test("a misquoted clause is reported with its file and line", async () => {
  const source = await readFile(join(PROFILES_DIR, "extin.yaml"), "utf8");
  const broken = source.replaceAll(
    "Bij herhaling wordt de dienst afgesloten.",
    "Bij herhaling wordt de dienst gesloten.",
  );
  assert.notEqual(broken, source);
  const lines = broken.split("\n");
  const expected = lines.findIndex((l) => l.includes("wordt de dienst gesloten")) + 1;
  const documentTexts = new Map([
    [
      "003_a343be89c3730d8f.txt",
      await readFile(join(SEEDS_DIR as string, "003_a343be89c3730d8f.txt"), "utf8"),
    ],
  ]);
  const result = parsePolicyProfile(broken, "policy/profiles/extin.yaml", { documentTexts });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.problems.length, 2, "the sentence is quoted in two rules");
  assert.equal(result.problems[0]?.line, expected);
  assert.match(result.problems[0]?.message ?? "", /not in document "extin-terms" word for word/);
});

test("quotes may leave text out with …, in order", () => {
  const text = "Eén twee drie. Vier vijf zes. Zeven acht.";
  assert.ok(quoteOccurs("Eén twee … vijf zes. … acht.", text));
  assert.ok(!quoteOccurs("vijf zes. … Eén twee", text));
});

test("a minimal profile gets the default deadlines, approval and identity settings", () => {
  const result = parsePolicyProfile(MINIMAL, "test-brand.yaml");
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  if (!result.ok) return;
  const p = result.profile;
  assert.equal(p.version, "1");
  assert.equal(p.reporter_identity.pass_to_customer, "never");
  assert.equal(p.approval.without_four_eyes, false);
  assert.deepEqual(p.approval.severe_steps, ["suspend", "terminate", "provide_data"]);
  assert.deepEqual(p.deadlines.reply_to_reporter, {
    term: { count: 2, unit: "working_days", end_of_day: false },
    source: "abuse policy §6",
  });
  assert.equal(p.deadlines.notice_of_default_compliance.term.end_of_day, true);
  assert.equal(p.fallback.id, "fallback");
  assert.equal(p.rules[0]?.escalate, "on_repeat");
});

test("a step outside the vocabulary: the error names the file, the line and the allowed steps", async () => {
  const text = MINIMAL.replace(
    "      - step: warn\n        clause:",
    "      - step: disconnect\n        clause:",
  );
  const line = text.split("\n").findIndex((l) => l.includes("disconnect")) + 1;
  const error = await loadError({ "test-brand.yaml": text });
  assert.equal(error.problems.length, 1);
  const [problem] = error.problems;
  assert.ok(problem?.file.endsWith("test-brand.yaml"));
  assert.equal(problem?.line, line);
  assert.equal(problem?.column, 15);
  assert.equal(problem?.path, "rules[0].ladder[0].step");
  assert.match(
    problem?.message ?? "",
    /"disconnect" is not allowed here; use one of: warn, request_information/,
  );
  assert.match(
    error.message,
    new RegExp(`test-brand\\.yaml:${line}:15: rules\\[0\\]\\.ladder\\[0\\]\\.step`),
  );
});

test("a missing field, an unknown field and an unknown category are each reported on their line", async () => {
  const text = MINIMAL.replace("          article: art. 1\n", "")
    .replace(
      "    description: spam gets a warning\n",
      "    description: spam gets a warning\n    escalte: on_repeat\n",
    )
    .replace("categories: [spam]", "categories: [spamm]");
  const lines = text.split("\n");
  const error = await loadError({ "test-brand.yaml": text });
  const byPath = new Map(error.problems.map((p) => [p.path, p]));
  const missing = byPath.get("rules[0].ladder[0].clause.article");
  assert.equal(missing?.line, lines.findIndex((l) => l.includes("clause:") && l.startsWith("        ")) + 1);
  assert.match(missing?.message ?? "", /"article" is required/);
  const unknown = byPath.get("rules[0].escalte");
  assert.equal(unknown?.line, lines.findIndex((l) => l.includes("escalte")) + 1);
  assert.match(unknown?.message ?? "", /unknown field "escalte"/);
  const category = byPath.get("rules[0].when.categories[0]");
  assert.equal(category?.line, lines.findIndex((l) => l.includes("spamm")) + 1);
  assert.match(category?.message ?? "", /"spamm" is not allowed here; use one of: spam, phishing/);
});

test("a clause citing an undeclared document, and a wait for an unknown deadline, are reported", async () => {
  const text = MINIMAL.replace("document: terms, article: art. 2", "document: voorwaarden, article: art. 2");
  const line = text.split("\n").findIndex((l) => l.includes("voorwaarden")) + 1;
  const error = await loadError({ "test-brand.yaml": text });
  assert.equal(error.problems[0]?.path, "fallback.ladder[0].clause.document");
  assert.equal(error.problems[0]?.line, line);
  assert.match(error.problems[0]?.message ?? "", /no document with id "voorwaarden"/);

  const waits = MINIMAL.replace(
    "    ladder:\n      - step: warn\n",
    "    escalate: in_sequence\n    ladder:\n      - step: block\n        clause: { document: terms, article: a, quote: q }\n      - step: warn\n        after: soon\n",
  );
  const error2 = await loadError({ "test-brand.yaml": waits });
  assert.match(error2.message, /rules\[0\]\.ladder\[1\]\.after: no deadline named "soon"/);
});

test("broken YAML is reported with its line; a brand that does not match its file name too", async () => {
  const text = MINIMAL.replace("name: Test", "name: [Test");
  const error = await loadError({ "test-brand.yaml": text });
  assert.match(error.problems[0]?.message ?? "", /not valid YAML/);
  assert.ok((error.problems[0]?.line ?? 0) >= 2);

  const renamed = await loadError({ "other.yaml": MINIMAL });
  assert.equal(renamed.problems[0]?.line, 1);
  assert.match(renamed.problems[0]?.message ?? "", /does not match the file name/);
});

test("an invalid time zone and a fractional number of days are refused", async () => {
  const text = MINIMAL.replace("Europe/Amsterdam", "Europe/Amsterdamm").replace(
    "rules:",
    "deadlines:\n  reply_to_reporter:\n    term: { count: 1.5, unit: working_days }\n    source: test\nrules:",
  );
  const error = await loadError({ "test-brand.yaml": text });
  const paths = error.problems.map((p) => p.path).sort();
  assert.deepEqual(paths, ["calendar.time_zone", "deadlines.reply_to_reporter.term.count"]);
  assert.match(error.message, /not an IANA time zone/);
  assert.match(error.message, /whole number/);
});

test("problems of several files are all reported at once; an empty folder is an error too", async () => {
  const error = await loadError({
    "test-brand.yaml": MINIMAL.replace("country: NL", "country: DE"),
    "second.yaml": MINIMAL.replace("brand: test-brand", "brand: second").replace("version: 1\n", ""),
  });
  assert.equal(error.problems.length, 2);
  assert.match(error.message, /second\.yaml:\d+:\d+: version: "version" is required/);
  assert.match(
    error.message,
    /test-brand\.yaml:5:12: calendar\.country: "DE" is not allowed here; use one of: NL, BE/,
  );
  const empty = await loadError({});
  assert.match(empty.message, /no \*\.yaml policy profiles/);
});
