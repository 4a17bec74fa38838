/**
 * The audit log: who did what, when and why, append-only and hash-chained. Each entry holds the hash of
 * the one before it, so a changed or deleted entry breaks the chain and `abusedesk audit verify` says where.
 * Entries are written in the same transaction as the change they record.
 */
import { createHash } from "node:crypto";
import { sql, type Transaction } from "kysely";
import type { DB } from "./db/index.ts";
import type { AuditLogTable, Database } from "./db/schema.ts";
import { pgJson, pgText } from "./db/text.ts";

export const GENESIS = "0".repeat(64);

export interface AuditEntry {
  actor: string;
  action: string;
  subjectType: string;
  subjectId?: string | number | null;
  details?: Record<string, unknown>;
}

/** An entry as stored; `details` as read back from jsonb. */
export type StoredEntry = Omit<AuditLogTable, "details"> & { details: unknown };

/** JSON with sorted keys, so that the same content always hashes the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

export function entryHash(e: Omit<StoredEntry, "hash">): string {
  const body = canonicalJson({
    seq: e.seq,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    subject_type: e.subject_type,
    subject_id: e.subject_id,
    details: e.details,
  });
  return createHash("sha256").update(e.prev_hash).update("\n").update(body).digest("hex");
}

export interface ChainProblem {
  seq: number;
  problem: "changed" | "missing_before" | "bad_link";
  message: string;
}

/** Walks entries in seq order and names every place where the chain is broken. */
export async function verifyChain(
  entries: Iterable<StoredEntry> | AsyncIterable<StoredEntry>,
): Promise<{ count: number; head: string; problems: ChainProblem[] }> {
  const problems: ChainProblem[] = [];
  let prevHash = GENESIS;
  let expectedSeq = 1;
  let count = 0;
  for await (const e of entries) {
    count++;
    if (e.seq !== expectedSeq) {
      problems.push({
        seq: e.seq,
        problem: "missing_before",
        message: `entries ${expectedSeq}..${e.seq - 1} are missing before entry ${e.seq}`,
      });
    } else if (e.prev_hash !== prevHash) {
      problems.push({
        seq: e.seq,
        problem: "bad_link",
        message: `entry ${e.seq} does not link to the entry before it`,
      });
    }
    if (entryHash(e) !== e.hash) {
      problems.push({
        seq: e.seq,
        problem: "changed",
        message: `entry ${e.seq} was changed after it was written`,
      });
    }
    prevHash = e.hash;
    expectedSeq = e.seq + 1;
  }
  return { count, head: prevHash, problems };
}

// One chain: appends take this transaction-scoped lock so that two writers never fork it.
const AUDIT_LOCK = 0x61756474; // "audt"

/** Appends an entry inside the caller's transaction (the change and its record commit together). */
export async function appendAudit(trx: Transaction<Database>, entry: AuditEntry): Promise<StoredEntry> {
  const [stored] = await appendAuditBatch(trx, [entry]);
  return stored!;
}

/**
 * Appends many entries with one statement, in order (grouping opens a thousand cases from one feed
 * report; one round trip per entry would cost more than the grouping itself).
 */
export async function appendAuditBatch(
  trx: Transaction<Database>,
  entries: readonly AuditEntry[],
): Promise<StoredEntry[]> {
  if (entries.length === 0) return [];
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
  const stored = entries.map((entry): StoredEntry => {
    seq += 1;
    const draft = {
      seq,
      at,
      actor: pgText(entry.actor),
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId == null ? null : String(entry.subjectId),
      // What PostgreSQL stores is what is hashed: a NUL in a reason is dropped before both.
      details: JSON.parse(pgJson(entry.details ?? {})) as unknown,
      prev_hash: prev,
    };
    prev = entryHash(draft);
    return { ...draft, hash: prev };
  });
  const col = <K extends keyof StoredEntry>(k: K) => stored.map((e) => e[k]);
  // Arrays and unnest: one statement with a fixed number of parameters, whatever the number of entries.
  await sql`
    insert into audit_log (seq, at, actor, action, subject_type, subject_id, details, prev_hash, hash)
    select v.seq, ${at.toISOString()}::timestamptz, v.actor, v.action, v.subject_type, v.subject_id, v.details,
      v.prev_hash, v.hash
    from unnest(${col("seq")}::bigint[], ${col("actor")}::text[], ${col("action")}::text[],
      ${col("subject_type")}::text[], ${col("subject_id")}::text[],
      ${stored.map((e) => JSON.stringify(e.details))}::jsonb[], ${col("prev_hash")}::text[], ${col("hash")}::text[])
      as v(seq, actor, action, subject_type, subject_id, details, prev_hash, hash)`.execute(trx);
  return stored;
}

/** Appends an entry in a transaction of its own. */
export function audit(db: DB, entry: AuditEntry): Promise<StoredEntry> {
  return db.transaction().execute((trx) => appendAudit(trx, entry));
}

/** Reads the whole log in pages and verifies the chain. */
export async function verifyAuditLog(db: DB) {
  async function* pages(): AsyncGenerator<StoredEntry> {
    let after = 0;
    for (;;) {
      const rows = await db
        .selectFrom("audit_log")
        .selectAll()
        .where("seq", ">", after)
        .orderBy("seq")
        .limit(5000)
        .execute();
      if (rows.length === 0) return;
      for (const r of rows) yield r as StoredEntry;
      after = rows[rows.length - 1]!.seq;
    }
  }
  return verifyChain(pages());
}

/** Entries about one subject (a case's timeline is read from here). */
export function auditTrail(db: DB, subjectType: string, subjectId: string | number) {
  return db
    .selectFrom("audit_log")
    .selectAll()
    .where("subject_type", "=", subjectType)
    .where("subject_id", "=", String(subjectId))
    .orderBy("seq")
    .execute();
}
