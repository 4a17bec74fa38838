/**
 * Golden test: every sample under test/fixtures/samples against the hand-written expectation in
 * test/fixtures/parsers/<folder>/<file>.json. A sample without a fixture fails.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { isParseFailure, parseReport } from "./index.ts";
import type { ParsedEvent, Subject } from "./types.ts";

const here = dirname(fileURLToPath(import.meta.url));
const SAMPLES = join(here, "../../test/fixtures/samples");
const FIXTURES = join(here, "../../test/fixtures/parsers");

interface ExpectedEvent {
  category: string;
  kind: string;
  subject: Subject;
  occurredAt?: string | null;
  /** Where the subject was found (`details.found_in`). */
  foundIn?: string;
  /** The sender's own label kept for an event of category other (`details.source_category`). */
  sourceCategory?: string;
}
interface Fixture {
  outcome: "result" | "failure";
  format?: string;
  reasonMatches?: string;
  reporter?: Record<string, string>;
  events?: ExpectedEvent[];
  eventCount?: number;
  missing?: string[];
  messageId?: string;
}

function samples(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(SAMPLES, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(SAMPLES, dir.name))) {
      if (!f.endsWith(".expected.json")) out.push(`${dir.name}/${f}`);
    }
  }
  return out.sort();
}

function matches(e: ParsedEvent, want: ExpectedEvent): boolean {
  if (e.category !== want.category || e.kind !== want.kind) return false;
  for (const [k, v] of Object.entries(want.subject)) if (e.subject[k as keyof Subject] !== v) return false;
  if (want.occurredAt !== undefined) {
    const got = e.occurredAt ? e.occurredAt.toISOString() : null;
    if (got !== want.occurredAt) return false;
  }
  if (want.foundIn !== undefined && e.details.found_in !== want.foundIn) return false;
  if (want.sourceCategory !== undefined && e.details.source_category !== want.sourceCategory) return false;
  return true;
}

const list = samples();
test("the samples are in the repository and every sample has a fixture", () => {
  assert.ok(list.length >= 74, `only ${list.length} samples under ${SAMPLES}`);
  const without = list.filter((s) => !existsSync(join(FIXTURES, `${s}.json`)));
  assert.deepEqual(without, []);
});

for (const sample of list) {
  const fixturePath = join(FIXTURES, `${sample}.json`);
  if (!existsSync(fixturePath)) continue;
  test(`sample ${sample}`, async () => {
    const want = JSON.parse(readFileSync(fixturePath, "utf8")) as Fixture;
    const out = await parseReport(readFileSync(join(SAMPLES, sample)), { filename: basename(sample) });
    if (want.outcome === "failure") {
      assert.ok(isParseFailure(out), `expected triage, got format ${out.format}`);
      assert.match(out.reason, new RegExp(want.reasonMatches ?? "."));
      return;
    }
    assert.ok(
      !isParseFailure(out),
      `expected a result, got triage: ${isParseFailure(out) ? out.reason : ""}`,
    );
    assert.equal(out.format, want.format);
    for (const [k, v] of Object.entries(want.reporter ?? {})) {
      assert.equal(out.reporter[k as keyof typeof out.reporter], v, `reporter.${k}`);
    }
    if (want.eventCount !== undefined) assert.equal(out.events.length, want.eventCount, "event count");
    for (const w of want.events ?? []) {
      assert.ok(
        out.events.some((e) => matches(e, w)),
        `no event matches ${JSON.stringify(w)}; got ${JSON.stringify(out.events.slice(0, 5).map((e) => ({ ...e, details: undefined })))}`,
      );
    }
    if (want.missing) assert.deepEqual([...out.missing].sort(), [...want.missing].sort(), "missing");
    if (want.messageId) assert.equal(out.messageId, want.messageId);
    // Every event is well-formed: a subject, a known kind, JSON-safe details.
    for (const e of out.events) {
      assert.ok(e.subject.ip || e.subject.url || e.subject.domain || e.subject.email || e.subject.phone);
      assert.doesNotThrow(() => JSON.stringify(e.details));
    }
  });
}
