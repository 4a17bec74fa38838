/**
 * Many audit entries in one go, for grouping: a Shadowserver report opens a thousand cases, and one
 * round trip per entry would cost more than the grouping itself. Same chain, lock and hashing as
 * `appendAudit` in src/audit.ts (which should take this over; see docs/cases.md).
 */
import { sql, type Transaction } from "kysely";
import { type AuditEntry, entryHash, GENESIS } from "../audit.ts";
import type { Database } from "../db/schema.ts";

// Must be the lock of src/audit.ts: both writers extend the same chain.
const AUDIT_LOCK = 0x61756474;

export async function appendAuditBatch(trx: Transaction<Database>, entries: readonly AuditEntry[]) {
  if (entries.length === 0) return;
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
  const last = await trx
    .selectFrom("audit_log")
    .select(["seq", "hash"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  let seq = last?.seq ?? 0;
  let prev = last?.hash ?? GENESIS;
  const at = new Date();
  const rows = entries.map((entry) => {
    seq += 1;
    const draft = {
      seq,
      at,
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId == null ? null : String(entry.subjectId),
      details: JSON.parse(JSON.stringify(entry.details ?? {})) as unknown,
      prev_hash: prev,
    };
    const hash = entryHash(draft);
    prev = hash;
    return { ...draft, hash, details: JSON.stringify(draft.details) };
  });
  // Arrays and unnest: one statement with nine parameters, whatever the number of entries.
  await sql`
    insert into audit_log (seq, at, actor, action, subject_type, subject_id, details, prev_hash, hash)
    select v.seq, ${at.toISOString()}::timestamptz, v.actor, v.action, v.subject_type, v.subject_id, v.details,
      v.prev_hash, v.hash
    from unnest(${rows.map((r) => r.seq)}::bigint[], ${rows.map((r) => r.actor)}::text[],
      ${rows.map((r) => r.action)}::text[], ${rows.map((r) => r.subject_type)}::text[],
      ${rows.map((r) => r.subject_id)}::text[], ${rows.map((r) => r.details)}::jsonb[],
      ${rows.map((r) => r.prev_hash)}::text[], ${rows.map((r) => r.hash)}::text[])
      as v(seq, actor, action, subject_type, subject_id, details, prev_hash, hash)`.execute(trx);
}
