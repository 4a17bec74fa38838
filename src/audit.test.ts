import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { migratedDatabase, runCli } from "../test/helpers.ts";
import {
  appendAudit,
  audit,
  canonicalJson,
  entryHash,
  GENESIS,
  type StoredEntry,
  verifyAuditLog,
  verifyChain,
} from "./audit.ts";

function chain(n: number): StoredEntry[] {
  const out: StoredEntry[] = [];
  let prev = GENESIS;
  for (let i = 1; i <= n; i++) {
    const e = {
      seq: i,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      actor: "agent@x2com.nl",
      action: "case.transition",
      subject_type: "case",
      subject_id: String(i),
      details: { from: "new", to: "in_review", n: i },
      prev_hash: prev,
    };
    const stored = { ...e, hash: entryHash(e) };
    out.push(stored);
    prev = stored.hash;
  }
  return out;
}

test("canonical JSON does not depend on key order", () => {
  assert.equal(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] }), canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
});

test("an intact chain verifies; its head is the last hash", async () => {
  const entries = chain(5);
  const result = await verifyChain(entries);
  assert.deepEqual(result.problems, []);
  assert.equal(result.count, 5);
  assert.equal(result.head, entries[4]!.hash);
});

test("a changed entry is found, and only that one", async () => {
  const entries = chain(5);
  entries[2] = { ...entries[2]!, details: { from: "new", to: "closed", n: 3 } };
  const { problems } = await verifyChain(entries);
  assert.deepEqual(
    problems.map((p) => [p.seq, p.problem]),
    [[3, "changed"]],
  );
});

test("a deleted entry is found where the gap is", async () => {
  const entries = chain(5);
  entries.splice(1, 1);
  const { problems } = await verifyChain(entries);
  assert.deepEqual(
    problems.map((p) => [p.seq, p.problem]),
    [[3, "missing_before"]],
  );
});

test("a re-hashed entry still breaks the link to the next one", async () => {
  const entries = chain(4);
  const forged = { ...entries[1]!, actor: "someone-else" };
  forged.hash = entryHash(forged);
  entries[1] = forged;
  const { problems } = await verifyChain(entries);
  assert.deepEqual(
    problems.map((p) => [p.seq, p.problem]),
    [[3, "bad_link"]],
  );
});

let env: Awaited<ReturnType<typeof migratedDatabase>>;
before(async () => {
  env = await migratedDatabase();
});
after(() => env.close());

test("the database refuses to update or delete audit entries", async () => {
  const { db } = env.conn;
  await audit(db, { actor: "a", action: "x", subjectType: "case", subjectId: 1 });
  await assert.rejects(sql`update audit_log set actor = 'b'`.execute(db), /append-only/);
  await assert.rejects(sql`delete from audit_log`.execute(db), /append-only/);
});

test("concurrent appends make one unbroken chain", async () => {
  const { db } = env.conn;
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      db
        .transaction()
        .execute((trx) =>
          appendAudit(trx, { actor: `w${i}`, action: "test", subjectType: "t", details: { i } }),
        ),
    ),
  );
  const result = await verifyAuditLog(db);
  assert.deepEqual(result.problems, []);
  assert.ok(result.count >= 41);
});

test("a transaction that holds a chain (a feed being stored) does not make others wait", async () => {
  const { db } = env.conn;
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  let holding!: () => void;
  const started = new Promise<void>((r) => {
    holding = r;
  });
  // A long transaction appends and keeps its chain until it commits.
  const feed = db.transaction().execute(async (trx) => {
    const first = await appendAudit(trx, { actor: "feed", action: "case.open", subjectType: "case" });
    holding();
    await held;
    const second = await appendAudit(trx, { actor: "feed", action: "case.open", subjectType: "case" });
    return [first, second];
  });
  await started;
  // Meanwhile people's changes commit, on other chains, each in a transaction of its own (were they to
  // wait for the feed's chain, the lock timeout would fail them instead of hanging the test).
  const done = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      db.transaction().execute(async (trx) => {
        await sql`set local lock_timeout = '10s'`.execute(trx);
        return appendAudit(trx, {
          actor: `agent${i}`,
          action: "case.transition",
          subjectType: "case",
          subjectId: i,
        });
      }),
    ),
  );
  release();
  const [first, second] = await feed;
  assert.equal(second!.chain, first!.chain, "a transaction keeps its chain");
  assert.equal(second!.chain_seq, first!.chain_seq! + 1);
  assert.ok(done.every((e) => e.chain !== first!.chain));
  const result = await verifyAuditLog(db);
  assert.deepEqual(result.problems, []);
  assert.ok(result.chains > 1);
  // Entry numbers order the whole log: the feed's second entry came after the people's.
  assert.ok(done.every((e) => e.seq < second!.seq));
});

test("`abusedesk audit verify` finds an entry changed behind the trigger's back, and exits non-zero", async () => {
  const { db } = env.conn;
  const env_ = { DATABASE_URL: env.tdb.url };
  const good = await runCli(["audit", "verify"], env_);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /audit log intact: \d+ entries in \d+ chains; head hash [0-9a-f]{64}/);

  // A superuser can get round the trigger; the hash chain still gives it away. Entry 9 is deleted: the
  // next entry of its chain is where the gap shows.
  const rows = await db
    .selectFrom("audit_log")
    .select(["seq", "chain", "chain_seq"])
    .orderBy("seq")
    .execute();
  const gone = rows.find(
    (r) => r.seq > 8 && rows.some((n) => n.chain === r.chain && n.chain_seq === r.chain_seq + 1),
  )!;
  const after = rows.find((n) => n.chain === gone.chain && n.chain_seq === gone.chain_seq + 1)!;
  await sql`alter table audit_log disable trigger audit_log_no_update`.execute(db);
  await sql`update audit_log set details = '{"i": 999}' where seq = 5`.execute(db);
  await sql`delete from audit_log where seq = ${gone.seq}`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_no_update`.execute(db);

  const bad = await runCli(["audit", "verify"], env_);
  assert.equal(bad.code, 3);
  assert.match(bad.stdout, /BROKEN at entry 5: entry 5 was changed after it was written/);
  assert.match(
    bad.stdout,
    new RegExp(`BROKEN at entry ${after.seq}: 1 entry is missing before entry ${after.seq}`),
  );
  assert.match(bad.stderr, /tampered with: 2 problem/);
});
