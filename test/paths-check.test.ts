/** The check `npm test` runs first: tests and benchmarks read only inside the repository. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkRepository, isTestCode, outsidePathsIn } from "../scripts/check-paths.js";

test("a test that reads the shared samples, an absolute path or climbs out of the repository is named", () => {
  // The forbidden paths are assembled here, so that this file does not itself name a place outside the
  // repository (a scanner of the source would take the test data for a read).
  const shared = ["sha", "red"].join("");
  const source = [
    `const a = path.resolve(ROOT, "..", "${shared}", "samples");`,
    `const b = "/work/${shared}/samples/arf/x.eml";`,
    'const c = readFileSync("../../../outside.txt");',
    'const d = "/home/someone/report.eml";',
  ].join("\n");
  const found = outsidePathsIn("test/example.test.ts", source);
  assert.deepEqual(
    found.map((p) => p.line),
    [1, 2, 3, 4],
  );
  assert.match(found[0]!.why, /climbs out/);
  assert.match(found[1]!.why, /absolute path/);
  assert.match(found[2]!.why, /leaves the repository/);
  assert.match(found[3]!.why, /absolute path/);
});

test("paths inside the repository, system programs, URLs and comments pass", () => {
  const source = [
    'import { x } from "../src/app.ts";',
    'const fixtures = fileURLToPath(new URL("../fixtures/samples", import.meta.url));',
    'const browser = "/usr/bin/chromium";',
    'const route = "/api/v1/cases";',
    `// see /work/${["sha", "red"].join("")}/samples/INDEX.md for where they came from`,
    "/* ../../../elsewhere */",
  ].join("\n");
  assert.deepEqual(outsidePathsIn("test/example.test.ts", source), []);
});

test("only tests and benchmarks are checked, and the repository itself is clean", () => {
  assert.ok(isTestCode("test/helpers.ts"));
  assert.ok(isTestCode("bench/intake.ts"));
  assert.ok(isTestCode("src/parsers/samples.test.ts"));
  assert.ok(!isTestCode("src/parsers/index.ts"));
  assert.deepEqual(checkRepository(), []);
});
