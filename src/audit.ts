/**
 * The audit log: who did what, when and why, append-only and hash-chained. Each entry holds the hash of
 * the one before it in its chain, so a changed or deleted entry breaks the chain and `abusedesk audit
 * verify` says where. Entries are written in the same transaction as the change they record.
 *
 * Several chains (AUDIT_CHAINS): appending to a chain takes its lock until the transaction commits, and a
 * feed's grouping holds that lock for as long as the feed is being stored. With one chain every sign-in,
 * case action and other intake waited behind the biggest feed; now a transaction takes a chain no one
 * holds, and keeps it for its later entries. Within a chain, entries are numbered without gaps
 * (`chain_seq`); `seq` (from a sequence) orders the whole log and names an entry.
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
export type StoredEntry = Omit<AuditLogTable, "details" | "chain" | "chain_seq"> & {
  details: unknown;
  /** The chain and the place in it; absent only in entries made before chains (read as chain 0, seq). */
  chain?: number;
  chain_seq?: number;
};

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

/** The hash of an entry: its content and the hash it links to (its chain and place are told by the links). */
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

/**
 * Walks one chain's entries in their order and names every place where it is broken: an entry changed
 * after it was written, entries missing before one (its number in the chain jumps), a link that does not
 * hold (an entry before it was replaced).
 */
export async function verifyChain(
  entries: Iterable<StoredEntry> | AsyncIterable<StoredEntry>,
): Promise<{ count: number; head: string; problems: ChainProblem[] }> {
  const problems: ChainProblem[] = [];
  let prevHash = GENESIS;
  let expected = 1;
  let count = 0;
  for await (const e of entries) {
    count++;
    const place = e.chain_seq ?? e.seq;
    const chain = e.chain ? ` in chain ${e.chain}` : "";
    if (place !== expected) {
      const n = place - expected;
      problems.push({
        seq: e.seq,
        problem: "missing_before",
        message:
          n > 0
            ? `${n === 1 ? "1 entry is" : `${n} entries are`} missing before entry ${e.seq}${chain} (places ${expected}..${place - 1})`
            : `entry ${e.seq} repeats place ${place}${chain}`,
      });
    } else if (e.prev_hash !== prevHash) {
      problems.push({
        seq: e.seq,
        problem: "bad_link",
        message: `entry ${e.seq} does not link to the entry before it${chain}`,
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
    expected = place + 1;
  }
  return { count, head: prevHash, problems };
}

/** How many chains the log has: enough that the longest feeds never hold all of them. */
export const AUDIT_CHAINS = 16;

// Appending to chain c takes the transaction-scoped lock (AUDIT_LOCK, c), so that two writers never fork it.
const AUDIT_LOCK = 0x61756474; // "audt"

/** The chain each open transaction appends to (a transaction keeps its chain until it commits). */
const chainOf = new WeakMap<object, number>();
let nextStart = process.pid;

/**
 * A chain for this transaction: the one it holds, else the first free one (looked for from a different
 * place each time, in one statement that stops at the first lock it gets), else it waits for one.
 */
async function takeChain(trx: Transaction<Database>): Promise<number> {
  const held = chainOf.get(trx);
  if (held !== undefined) return held;
  const start = nextStart++ % AUDIT_CHAINS;
  // A Limit over a Filter pulls one row at a time: try-locks are taken only until the first succeeds.
  const free = await sql<{ chain: number }>`
    select (${start}::int + i) % ${AUDIT_CHAINS}::int as chain
    from generate_series(0, ${AUDIT_CHAINS - 1}::int) as i
    where pg_try_advisory_xact_lock(${AUDIT_LOCK}::int, ((${start}::int + i) % ${AUDIT_CHAINS}::int))
    limit 1`.execute(trx);
  let chain = free.rows[0]?.chain;
  if (chain === undefined) {
    // Every chain is held by a long transaction: wait for one.
    chain = start;
    await sql`select pg_advisory_xact_lock(${AUDIT_LOCK}::int, ${chain}::int)`.execute(trx);
  }
  chainOf.set(trx, chain);
  return chain;
}

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
  const chain = await takeChain(trx);
  // Read after the lock, in a statement of its own: it sees every entry committed on this chain.
  const head = await sql<{ chain_seq: number | null; hash: string | null; seqs: number[] }>`
    select (select chain_seq from audit_log where chain = ${chain} order by chain_seq desc limit 1) as chain_seq,
      (select hash from audit_log where chain = ${chain} order by chain_seq desc limit 1) as hash,
      array(select nextval('audit_log_seq') from generate_series(1, ${entries.length}::int)) as seqs`.execute(
    trx,
  );
  const { rows } = head;
  let place = Number(rows[0]?.chain_seq ?? 0);
  let prev = rows[0]?.hash ?? GENESIS;
  const seqs = (rows[0]?.seqs ?? []).map(Number);
  const at = new Date();
  const stored = entries.map((entry, i): StoredEntry => {
    place += 1;
    const draft = {
      seq: seqs[i]!,
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
    return { ...draft, hash: prev, chain, chain_seq: place };
  });
  const col = <K extends keyof StoredEntry>(k: K) => stored.map((e) => e[k]);
  // Arrays and unnest: one statement with a fixed number of parameters, whatever the number of entries.
  await sql`
    insert into audit_log (seq, at, actor, action, subject_type, subject_id, details, prev_hash, hash, chain,
      chain_seq)
    select v.seq, ${at.toISOString()}::timestamptz, v.actor, v.action, v.subject_type, v.subject_id, v.details,
      v.prev_hash, v.hash, ${chain}::smallint, v.chain_seq
    from unnest(${col("seq")}::bigint[], ${col("actor")}::text[], ${col("action")}::text[],
      ${col("subject_type")}::text[], ${col("subject_id")}::text[],
      ${stored.map((e) => JSON.stringify(e.details))}::jsonb[], ${col("prev_hash")}::text[], ${col("hash")}::text[],
      ${col("chain_seq")}::bigint[])
      as v(seq, actor, action, subject_type, subject_id, details, prev_hash, hash, chain_seq)`.execute(trx);
  return stored;
}

/** Appends an entry in a transaction of its own. */
export function audit(db: DB, entry: AuditEntry): Promise<StoredEntry> {
  return db.transaction().execute((trx) => appendAudit(trx, entry));
}

/**
 * Reads the whole log, chain by chain in pages, and verifies every chain. The head is one hash over the
 * heads of all chains: write it down elsewhere to anchor the log in time.
 */
export async function verifyAuditLog(db: DB) {
  const chains = await db.selectFrom("audit_log").select("chain").distinct().orderBy("chain").execute();
  async function* pages(chain: number): AsyncGenerator<StoredEntry> {
    let after = 0;
    for (;;) {
      const rows = await db
        .selectFrom("audit_log")
        .selectAll()
        .where("chain", "=", chain)
        .where("chain_seq", ">", after)
        .orderBy("chain_seq")
        .limit(5000)
        .execute();
      if (rows.length === 0) return;
      for (const r of rows) yield r as StoredEntry;
      after = rows[rows.length - 1]!.chain_seq;
    }
  }
  let count = 0;
  const problems: ChainProblem[] = [];
  const heads: string[] = [];
  for (const { chain } of chains) {
    const result = await verifyChain(pages(chain));
    count += result.count;
    problems.push(...result.problems);
    heads.push(`${chain}:${result.head}`);
  }
  problems.sort((a, b) => a.seq - b.seq);
  const head = heads.length === 0 ? GENESIS : createHash("sha256").update(heads.join("\n")).digest("hex");
  return { count, head, problems, chains: chains.length };
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
