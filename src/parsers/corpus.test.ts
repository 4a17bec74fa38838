/**
 * The corpus walk (#10): every sample under test/fixtures/samples is parsed as the desk would. A sample whose
 * expected extraction in INDEX.md names an address or URL must yield events (never triage without events)
 * and find at least one of them; what INDEX.md says is "never" the subject must not become one. Every sample
 * is listed in INDEX.md, so the corpus stays documented.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { isParseFailure, parseReport } from "./index.ts";
import type { ParsedEvent } from "./types.ts";

const SAMPLES = fileURLToPath(new URL("../../test/fixtures/samples/", import.meta.url));

interface Expectation {
  expected: string[];
  never: string[];
}

const IPV4 = /(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d]|\.\d)/g;
const IPV6 = /(?<![\w:])(2001:db8:[0-9a-f:]+)(?![\w:])/gi;
const URL_RE = /\bhttps?:\/\/[^\s,;|)`]+/g;

/** Addresses and URLs named in a piece of INDEX.md text. */
function indicators(text: string): string[] {
  return [
    ...[...text.matchAll(URL_RE)].map((m) => m[0].replace(/[.]+$/, "")),
    ...[...text.replace(URL_RE, " ").matchAll(IPV4)].map((m) => m[1]!),
    ...[...text.replace(URL_RE, " ").matchAll(IPV6)].map((m) => m[1]!.toLowerCase()),
  ];
}

/** Per sample (folder/file): the subjects INDEX.md expects, and those it says are never subjects. */
function readIndex(): Map<string, Expectation> {
  const index = new Map<string, Expectation>();
  for (const line of readFileSync(join(SAMPLES, "INDEX.md"), "utf8").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const file = /^`([^`]+)`/.exec(cells[1] ?? "")?.[1];
    if (!file || cells.length < 6) continue;
    const expectation: Expectation = { expected: [], never: [] };
    for (const segment of (cells[4] ?? "").split(";")) {
      const [before, after] = segment.split(/\bnever\b/i);
      expectation.expected.push(...indicators(before ?? ""));
      if (after !== undefined) expectation.never.push(...indicators(after));
    }
    index.set(file, expectation);
  }
  return index;
}

function sampleFiles(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(SAMPLES, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(SAMPLES, dir.name)))
      if (!f.endsWith(".expected.json")) out.push(`${dir.name}/${f}`);
  }
  return out.sort();
}

function hits(events: ParsedEvent[], indicator: string): boolean {
  return events.some((e) => {
    const s = e.subject;
    if (/^https?:\/\//.test(indicator)) return s.url === indicator || s.url?.startsWith(indicator) === true;
    return s.ip === indicator;
  });
}

/**
 * Samples whose INDEX.md subject is not in the mail itself (the upstream project resolved it by DNS): these
 * must still yield events, about what the mail does name.
 */
const NOT_IN_THE_MAIL: ReadonlyMap<string, string> = new Map([
  [
    "copyright-dmca/abusix_nbcuni_dmca.eml",
    "the mail names the suprafiles.org URLs; 172.237.146.8 is their DNS answer",
  ],
]);

const index = readIndex();
const files = sampleFiles();

test("every sample is described in INDEX.md", () => {
  assert.ok(files.length >= 80, `only ${files.length} samples`);
  assert.deepEqual(
    files.filter((f) => !index.has(f)),
    [],
  );
});

for (const file of files) {
  const want = index.get(file);
  if (!want) continue;
  test(`corpus: ${file}`, async () => {
    const out = await parseReport(readFileSync(join(SAMPLES, file)), { filename: basename(file) });
    if (want.expected.length === 0) return;
    assert.ok(
      !isParseFailure(out),
      `${file} names ${want.expected.join(", ")} but went to triage: ${isParseFailure(out) ? out.reason : ""}`,
    );
    assert.ok(out.events.length > 0, `${file}: no events`);
    if (NOT_IN_THE_MAIL.has(file)) return;
    assert.ok(
      want.expected.some((i) => hits(out.events, i)),
      `${file}: none of ${want.expected.join(", ")} among ${JSON.stringify(out.events.slice(0, 5).map((e) => e.subject))}`,
    );
    for (const never of want.never)
      assert.ok(!hits(out.events, never), `${file}: ${never} taken for a subject`);
  });
}
