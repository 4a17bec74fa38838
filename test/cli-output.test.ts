/**
 * The command line reads like a tool made for people: the queue with a header row, local times and due
 * times in words; one case with its clause quoted once and no empty sections; a feed summarised.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { DateTime } from "luxon";
import { loadPolicies } from "../src/app.ts";
import { listCases, readCase } from "../src/cases/cases.store.ts";
import { presentCase } from "../src/cases/present.ts";
import { loadConfig } from "../src/config.ts";
import { migratedDatabase, runCli } from "./helpers.ts";

let env: Awaited<ReturnType<typeof migratedDatabase>>;
let cli: (...args: string[]) => ReturnType<typeof runCli>;
let dir: string;
before(async () => {
  env = await migratedDatabase();
  cli = (...args) => runCli(args, { DATABASE_URL: env.tdb.url }, 120_000);
  dir = await mkdtemp(path.join(tmpdir(), "abusedesk-cli-"));
  const demo = await cli("demo");
  assert.equal(demo.code, 0, demo.stderr);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
  await env.close();
});

test("`cases list` has a header row, shows times in the brand's zone and due times in words", async () => {
  const res = await cli("cases", "list", "--brand", "extin");
  assert.equal(res.code, 0, res.stderr);
  const lines = res.stdout.trimEnd().split("\n");
  assert.match(lines[0]!, /^CASE\s+STATE\s+BRAND\s+CUSTOMER\s+CATEGORY\s+EVENTS\s+OPENED\s+DUE$/);
  assert.match(lines.at(-1)!, /^\d+ of \d+ cases?; times in Europe\/Amsterdam$/);

  const json = await cli("cases", "list", "--brand", "extin", "--json");
  assert.equal(json.code, 0, json.stderr);
  const { items } = JSON.parse(json.stdout) as {
    items: { id: number; opened_at: string; next_deadline: { due_at: string } | null }[];
  };
  assert.ok(items.length > 0);
  assert.equal(lines.length, items.length + 2);
  for (const [i, item] of items.entries()) {
    const line = lines[i + 1]!;
    assert.match(line, new RegExp(`^\\s*${item.id}\\s`));
    const local = DateTime.fromISO(item.opened_at, { zone: "Europe/Amsterdam" }).toFormat("yyyy-MM-dd HH:mm");
    assert.ok(line.includes(local), `${line} shows ${local}`);
    assert.ok(!line.includes(item.opened_at), "no UTC timestamps in the table");
    if (item.next_deadline) assert.match(line, /(in \d+ (days|h|min)|\d+ (days|h|min) overdue) \(/);
  }
});

test("`cases list --brand nosuch` and `cases show 999` say what does not exist, exit 2", async () => {
  const brand = await cli("cases", "list", "--brand", "nosuch");
  assert.equal(brand.code, 2);
  assert.match(brand.stderr, /^abusedesk: there is no brand "nosuch"; the brands are .*extin/);
  const kase = await cli("cases", "show", "999999");
  assert.equal(kase.code, 2);
  assert.match(kase.stderr, /there is no case 999999; `abusedesk cases list --state all` lists every case/);
});

test("`cases show` quotes the clause once, reads in one language, and leaves out empty sections", async () => {
  // One case of each brand (the JSON read in this process: each CLI run costs a process start).
  const policies = await loadPolicies(loadConfig({}, {}));
  const page = await listCases(env.conn.db, { states: [] }, { limit: 100 });
  // Web://Xtra's phishing case rests on the document's general clause (its introduction).
  const rows = [...page.rows].sort(
    (a, b) => Number(b.category === "phishing") - Number(a.category === "phishing"),
  );
  const oneOfEach = [...new Map(rows.reverse().map((r) => [r.brand_id, r.id])).values()];
  assert.ok(oneOfEach.length >= 4);
  for (const id of oneOfEach) {
    const read = await readCase(env.conn.db, policies, id);
    assert.ok(read.ok);
    const c = presentCase(read.value.bundle, read.value.assessment);
    const res = await cli("cases", "show", String(id));
    assert.equal(res.code, 0, res.stderr);
    const text = res.stdout;
    assert.ok(c.proposal, `case ${id} has a proposal`);
    const quote = c.proposal.clause.quote;
    assert.equal(text.split(quote).length - 1, 1, `case ${id}: the clause is quoted once`);
    // Everything but the clause itself reads in English: no Dutch deadline sources.
    assert.doesNotMatch(text.replace(quote, ""), /werkdagen|kalenderdagen|termijn/);
    const lines = text.split("\n");
    for (const [i, line] of lines.entries()) {
      if (/^(Deadlines|Actions|Notes|Timeline)$/.test(line)) {
        assert.match(lines[i + 1] ?? "", /^ {2}\S/, `case ${id}: section ${line} is not empty`);
      }
    }
    if (c.notes.length === 0) assert.doesNotMatch(text, /^Notes$/m);
    if (c.actions.length === 0) assert.doesNotMatch(text, /^Actions$/m);
    if (c.brand === "webxtra") assert.match(text, /Web:\/\/Xtra anti-spam policy, introduction:/);
  }
});

test("`ingest` of a feed prints a summary, not every case", async () => {
  const rows = ['"timestamp","ip","port","hostname","tag","asn","geo","region","city"'];
  // Ten addresses of each of eleven demo customers: a case per customer.
  const ranges = ["192.0.2.0", "192.0.2.64", "192.0.2.96", "192.0.2.128", "192.0.2.192", "198.51.100.0"];
  ranges.push("198.51.100.128", "198.51.100.192", "203.0.113.0", "203.0.113.64", "203.0.113.128");
  for (const base of ranges) {
    const [a, b, c, d] = base.split(".").map(Number) as [number, number, number, number];
    for (let i = 1; i <= 10; i++)
      rows.push(`"2026-11-20 10:00:00","${a}.${b}.${c}.${d + i}",161,,"snmp",64500,"NL","","",`);
  }
  const file = path.join(dir, "2026-11-20-scan_snmp-nl-asn.csv");
  await writeFile(file, `${rows.join("\n")}\n`);
  const res = await cli("ingest", file);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /2026-11-20-scan_snmp-nl-asn\.csv: report \d+: 110 events in 11 cases\n$/);
});
