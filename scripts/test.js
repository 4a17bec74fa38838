#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node:test (Node 20 does not expand globs itself).
// Arguments narrow the run to files whose path contains one of them: `npm run test:unit -- parsers audit`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { checkRepository } from "./check-paths.js";

// Services and tools outside abusedesk that tests use for real, from Debian's packages.
const SYSTEM_PACKAGES = [
  { binary: "/usr/sbin/dovecot", pkg: "dovecot-imapd", for: "the IMAP intake tests" },
  { binary: "/usr/bin/chromium", pkg: "chromium", for: "the browser tests" },
  { binary: "/usr/bin/named-checkzone", pkg: "bind9-utils", for: "the RPZ tests" },
];
const missing = SYSTEM_PACKAGES.filter((p) => !existsSync(p.binary));
if (missing.length > 0) {
  const names = missing.map((p) => p.pkg);
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    console.log(`installing ${names.join(", ")} (${missing.map((p) => p.for).join(", ")}) with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const run = (args) => spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env }).status;
    if (run(["install", "-y", "-qq", "--no-install-recommends", ...names]) !== 0) {
      run(["update", "-qq"]);
      run(["install", "-y", "-qq", "--no-install-recommends", ...names]);
    }
  }
  const still = SYSTEM_PACKAGES.filter((p) => !existsSync(p.binary));
  if (still.length > 0) {
    console.error(
      `the tests need Debian's ${still.map((p) => p.pkg).join(", ")}: sudo apt-get install ${still.map((p) => p.pkg).join(" ")}`,
    );
    process.exit(1);
  }
}

// Tests read only inside the repository (a fresh clone with nothing beside it must pass).
const outside = checkRepository();
if (outside.length > 0) {
  for (const p of outside) console.error(`${p.file}:${p.line}: "${p.literal}" is ${p.why}`);
  console.error(
    "tests and benchmarks may read only inside the repository: copy what they need into test/fixtures/ and name its source in test/fixtures/SOURCES.md",
  );
  process.exit(1);
}

const filters = process.argv.slice(2);
const files = ["src", "test"]
  .flatMap((dir) => readdirSync(dir, { recursive: true }).map((f) => `${dir}/${f}`))
  .filter((f) => f.endsWith(".test.ts") && !f.includes("node_modules"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(", ")}`);
  process.exit(1);
}
const res = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", ...files],
  { stdio: "inherit" },
);
// The console's browser tests save a screenshot each (test/console.test.ts): say where they are.
const shots = new URL("../test-results/console/", import.meta.url);
if (existsSync(shots)) console.log(`screenshots of the console tests: ${shots.pathname}`);
process.exit(res.status ?? 1);
