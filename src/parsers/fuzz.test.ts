/**
 * The fuzz corpus: a few thousand mutants (fixed seed) of every sample in test/fixtures and of the built-in
 * seeds, through the parse entry point. Each ends parsed or in triage with a reason that a person can read:
 * no exception escapes (not even into the registry's catch-all), every parse takes a bounded number of
 * steps, and no prototype of the process gains a key. A failure names the mutant's recipe and index.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { isCategory } from "../taxonomy.ts";
import { isParseFailure, parseReport } from "./index.ts";
import { builtInSeeds, MUTANT_MAX_BYTES, MUTATIONS, type Mutant, mutants, type Seed } from "./mutants.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../test/fixtures");
const SEED = 20_261_203;
const COUNT = 2500;
/**
 * Steps (pauses of the parse) one mutant may take. A mutant is at most MUTANT_MAX_BYTES, one step of the
 * MIME reader (an attached message is read in its own steps) or a few thousand CSV rows per step.
 */
const STEP_BUDGET = 64;

/** Every report sample in test/fixtures: not the expected-result files (`x.eml.json`), not the notes. */
function fixtureSeeds(dir = FIXTURES): Seed[] {
  const out: Seed[] = [];
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return out;
  }
  for (const rel of names.sort()) {
    const path = join(dir, rel);
    const name = basename(rel);
    if (/\.[A-Za-z0-9]+\.json$/.test(name) || /\.md$/i.test(name) || !statSync(path).isFile()) continue;
    if (statSync(path).size > MUTANT_MAX_BYTES) continue;
    out.push({ name: rel, raw: readFileSync(path), hint: { filename: name } });
  }
  return out;
}

const PROTOTYPES = {
  Object: Object.prototype,
  Array: Array.prototype,
  Function: Function.prototype,
  String: String.prototype,
};
const keysOf = () =>
  Object.fromEntries(Object.entries(PROTOTYPES).map(([n, p]) => [n, Reflect.ownKeys(p).map(String).sort()]));

const seeds = [...builtInSeeds(), ...fixtureSeeds()];
const corpus = mutants(seeds, { seed: SEED, count: COUNT });

test("the corpus is what it says: every mutation is used, every mutant within its size budget", () => {
  for (const name of Object.keys(MUTATIONS)) {
    assert.ok(
      corpus.some((m) => m.recipe.includes(name)),
      `no mutant uses ${name}`,
    );
  }
  assert.ok(corpus.every((m) => m.raw.length <= MUTANT_MAX_BYTES));
  // The same seed gives the same corpus: a failure can be made again.
  const again = mutants(seeds, { seed: SEED, count: 50 });
  assert.ok(again.every((m, i) => m.raw.equals(corpus[i]!.raw)));
});

test(`${COUNT} mutants each end parsed or in triage with a reason, in bounded steps, with the prototypes clean`, {
  timeout: 10 * 60_000,
}, async () => {
  const before = keysOf();
  const problems: string[] = [];
  const problem = (i: number, m: Mutant, what: string) => {
    if (problems.length < 20) problems.push(`#${i} (${m.recipe}): ${what}`);
  };
  let parsed = 0;
  let triaged = 0;
  for (const [i, m] of corpus.entries()) {
    let steps = 0;
    const out = await parseReport(
      m.raw,
      m.hint,
      {},
      {
        pause: async () => {
          steps++;
        },
      },
    );
    if (steps > STEP_BUDGET) problem(i, m, `took ${steps} steps`);
    if (isParseFailure(out)) {
      triaged++;
      if (typeof out.reason !== "string" || out.reason.trim().length < 5 || out.reason.length > 1000)
        problem(i, m, `unclear reason ${JSON.stringify(out.reason)}`);
      // The registry's catch-all: an exception nobody meant to throw.
      else if (out.reason.startsWith("unreadable report:")) problem(i, m, out.reason);
      continue;
    }
    parsed++;
    if (typeof out.format !== "string" || !Array.isArray(out.events) || !Array.isArray(out.missing))
      problem(i, m, "a result without format, events or missing");
    for (const e of out.events) {
      const s = e.subject;
      if (!isCategory(e.category)) problem(i, m, `unknown category ${String(e.category)}`);
      if (!(s.ip || s.url || s.domain || s.email || s.phone)) problem(i, m, "an event without a subject");
      if (e.occurredAt !== null && Number.isNaN(e.occurredAt.getTime())) problem(i, m, "an invalid date");
      try {
        JSON.stringify(e);
      } catch (err) {
        problem(i, m, `an event that is not JSON: ${(err as Error).message}`);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(keysOf(), before, "a prototype gained or lost a key");
  assert.equal(([] as unknown[])[0], undefined);
  // Both outcomes occur: the corpus is neither all noise nor all harmless.
  assert.ok(parsed > COUNT / 10 && triaged > COUNT / 10, `${parsed} parsed, ${triaged} in triage`);
});
