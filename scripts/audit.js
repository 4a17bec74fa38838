#!/usr/bin/env node
// CI's check of what ships: `npm audit --omit=dev --audit-level=high`. Fails (exit 1) on a known high or
// critical vulnerability in a runtime dependency, naming each. When the advisory database cannot be asked
// (a CI machine whose registry mirror refuses the bulk advisory endpoint, as ours does: 405), it says so
// loudly and lets CI go on: nothing is known either way, and a refused endpoint is not a finding. Set
// AUDIT_REQUIRED=1 to make that case fail (exit 2). Development dependencies are not shipped.
import { spawnSync } from "node:child_process";

const res = spawnSync("npm", ["audit", "--omit=dev", "--audit-level=high", "--json"], {
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
let report;
try {
  report = JSON.parse(res.stdout);
} catch {
  console.error(`npm audit gave no report (exit ${res.status}): ${res.stderr.trim().slice(0, 500)}`);
  process.exit(process.env.AUDIT_REQUIRED === "1" ? 2 : 0);
}
if (!report.vulnerabilities || !report.metadata) {
  const why = report.error?.summary || report.message || "no answer";
  console.error(
    `npm audit could not ask the advisory database (${why}); the dependencies cannot be vouched for. ` +
      "Run it where https://registry.npmjs.org/-/npm/v1/security/advisories/bulk is reachable. " +
      "Not vouched for here; set AUDIT_REQUIRED=1 to make this fail, CI_SKIP_AUDIT=1 to skip the check.",
  );
  process.exit(process.env.AUDIT_REQUIRED === "1" ? 2 : 0);
}
const serious = Object.values(report.vulnerabilities).filter(
  (v) => v.severity === "high" || v.severity === "critical",
);
const shipped = report.metadata.dependencies?.prod ?? "?";
if (serious.length === 0) {
  console.log(`npm audit: no known high or critical vulnerability in the ${shipped} runtime dependencies`);
  process.exit(0);
}
for (const v of serious) {
  const titles = v.via.map((x) => (typeof x === "string" ? x : `${x.title} (${x.url})`)).join("; ");
  const fix = v.fixAvailable ? "a fix is available: npm audit fix" : "no fix yet";
  console.error(`${v.severity}: ${v.name} ${v.range}: ${titles}; ${fix}`);
}
console.error(`npm audit: ${serious.length} runtime dependencies with a high or critical vulnerability`);
process.exit(1);
