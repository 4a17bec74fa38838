/** `abusedesk ingest` as a user runs it: what became of each file, and the exit status. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { runCli, SAMPLES, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true, role: "web" });
});
after(() => t.stop());

test("ingest .eml, Shadowserver .csv, X-ARF .json and an mbox; a second run says duplicate", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-ingest-"));
  const mbox = path.join(dir, "archive.mbox");
  const m1 = readFileSync(path.join(SAMPLES, "arf/rfc5965_B1_minimal.eml"), "latin1");
  const m2 = readFileSync(path.join(SAMPLES, "arf/sisimai_arf-17_abusix_spamtrap.eml"), "latin1");
  writeFileSync(
    mbox,
    `From a@example.org Mon Feb  2 10:00:00 2026\n${m1}\n\nFrom b@example.org Mon Feb  2 10:01:00 2026\n${m2}\n`,
    "latin1",
  );
  const files = [
    path.join(SAMPLES, "arf/rfc5965_B2_extended.eml"),
    path.join(SAMPLES, "shadowserver-csv/intelmq_scan_ntp.csv"),
    path.join(SAMPLES, "xarf-v4-json/xarf_spec_v4_infrastructure-botnet.json"),
    mbox,
  ];
  const env = { DATABASE_URL: t.databaseUrl };
  const first = await runCli(["ingest", ...files], env);
  assert.equal(first.code, 0, first.stderr);
  const lines = first.stdout.trim().split("\n");
  assert.equal(lines.length, 4, first.stdout);
  assert.match(lines[0]!, /rfc5965_B2_extended\.eml: report \d+: \d+ events?/);
  assert.match(lines[1]!, /intelmq_scan_ntp\.csv: report \d+: \d+ events?/);
  assert.match(lines[2]!, /botnet\.json: report \d+: 1 event/);
  assert.match(lines[3]!, /archive\.mbox: 2 messages: 2 parsed/);

  const again = await runCli(["ingest", files[0]!], env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /duplicate of report \d+/);
  const rows = await t.desk.conn.db.selectFrom("reports").select(["channel", "filename"]).execute();
  assert.ok(rows.every((r) => r.channel === "file"));
  assert.ok(rows.some((r) => r.filename === "archive.mbox#2"));
});

test("a missing file is an error with a non-zero exit; a file no parser understands is triage (exit 2)", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-ingest-"));
  const junk = path.join(dir, "junk.json");
  writeFileSync(junk, '{"not":"xarf"}');
  const env = { DATABASE_URL: t.databaseUrl };
  const missing = await runCli(["ingest", path.join(dir, "nope.eml")], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /nope\.eml: error: does not exist/);
  assert.match(missing.stderr, /1 of 1 files failed/);
  const triage = await runCli(["ingest", junk], env);
  assert.equal(triage.code, 2, triage.stderr);
  assert.match(triage.stdout, /junk\.json: report \d+: triage: /);
});
