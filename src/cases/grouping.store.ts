/**
 * The SQL of grouping: a few set-based statements per batch (arrays in, `unnest` in the database), never
 * one query per event.
 */
import { sql, type Transaction } from "kysely";
import { FINISHED_STATES_SQL } from "../db/case-states.ts";
import { copyField, copyInto } from "../db/copy.ts";
import type { CaseState, Database } from "../db/schema.ts";
import { pgText } from "../db/text.ts";
import { AUTOMATIC_DEADLINES, FEED_FORMATS } from "./clocks.ts";
import type { PlannedCase } from "./keys.ts";

type Trx = Transaction<Database>;

const iso = (d: Date) => d.toISOString();

export interface OpenCaseRow {
  id: number;
  brand_id: string;
  customer_id: string;
  category: string;
  subject_key: string;
  state: CaseState;
  opened_at: Date;
  last_event_at: Date | null;
}

/** Configured windows, keyed "brand/category" (category "*" is the brand's default). */
export async function loadWindows(trx: Trx): Promise<Map<string, number>> {
  const rows = await trx.selectFrom("case_windows").selectAll().execute();
  return new Map(rows.map((r) => [`${r.brand_id}/${r.category}`, r.window_days]));
}

/**
 * The open cases of these keys, locked. Rows are locked in id order so that two batches about the same
 * customers wait for each other instead of deadlocking. The join says what the unique index `cases_one_open`
 * says (its expression and its predicate), so that each key is one index lookup whatever the statistics:
 * joined on the bare customer_id, PostgreSQL sometimes chose to scan the busy cases table once per key
 * (a 5,000,000-row feed: 7 s per batch instead of 0.1 s until the next analyze).
 */
export async function lockOpenCases(
  trx: Trx,
  keys: readonly Pick<PlannedCase, "brand" | "customer" | "category" | "subjectKey">[],
): Promise<OpenCaseRow[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<OpenCaseRow>`
    select c.id, c.brand_id, c.customer_id, c.category, c.subject_key, c.state, c.opened_at, c.last_event_at
    from cases c
    join unnest(${keys.map((k) => k.brand)}::text[], ${keys.map((k) => k.customer)}::text[],
                ${keys.map((k) => k.category)}::text[], ${keys.map((k) => k.subjectKey)}::text[])
      as k(brand_id, customer_id, category, subject_key)
      on c.brand_id = k.brand_id and coalesce(c.customer_id, '') = coalesce(k.customer_id, '')
     and c.category = k.category and c.subject_key = k.subject_key
    where c.state not in ${FINISHED_STATES_SQL}
    order by c.id
    for update of c`.execute(trx);
  return rows;
}

/** Closes cases that went quiet; their clocks stop. Returns the ids closed. */
export async function closeQuietCases(trx: Trx, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ id: number }>`
    update cases set state = 'closed', closed_at = now(), updated_at = now(), next_due_at = 'infinity'
    where id = any(${ids}::bigint[]) and state not in ${FINISHED_STATES_SQL}
    returning id`.execute(trx);
  await sql`update case_deadlines set met_at = now()
    where case_id = any(${ids}::bigint[]) and met_at is null`.execute(trx);
  return rows.map((r) => r.id);
}

export interface NewCaseRow {
  id: number;
  brand_id: string;
  customer_id: string;
  category: string;
  subject_key: string;
}

/** A case to open: the plan, and the earliest clock the desk must meet (Infinity when none). */
export interface CaseToOpen {
  plan: PlannedCase;
  nextDueAt: Date | undefined;
}

/**
 * Opens a case for each key that has no open one, with its counts already set. A key another transaction
 * opened meanwhile is left out (`on conflict do nothing` on the partial unique index `cases_one_open`):
 * the caller selects it again and adds its events to it.
 */
export async function insertCases(trx: Trx, open: readonly CaseToOpen[]): Promise<NewCaseRow[]> {
  if (open.length === 0) return [];
  const p = open.map((o) => o.plan);
  const { rows } = await sql<NewCaseRow>`
    insert into cases (brand_id, customer_id, category, kind, subject_key, priority, event_count,
      first_event_at, last_event_at, subject_count, next_due_at)
    select * from unnest(${p.map((x) => x.brand)}::text[], ${p.map((x) => x.customer)}::text[],
      ${p.map((x) => x.category)}::text[], ${p.map((x) => x.kind)}::text[],
      ${p.map((x) => x.subjectKey)}::text[], ${p.map((x) => x.priority)}::smallint[],
      ${p.map((x) => x.eventIndexes.length)}::int[], ${p.map((x) => iso(x.firstAt))}::timestamptz[],
      ${p.map((x) => iso(x.lastAt))}::timestamptz[], ${p.map((x) => x.subjects.size)}::int[],
      ${open.map((o) => (o.nextDueAt ? iso(o.nextDueAt) : "infinity"))}::timestamptz[])
    on conflict (brand_id, coalesce(customer_id, ''), category, subject_key)
      where state not in ${FINISHED_STATES_SQL}
      do nothing
    returning id, brand_id, customer_id, category, subject_key`.execute(trx);
  return rows;
}

/**
 * Records the cases' subjects and adds the counts to the cases that were open
 * already (`opened` ones got theirs when inserted). updated_at is left alone on purpose: it says when
 * someone last worked the case (new events show in last_event_at), and leaving the indexed columns as they
 * are lets PostgreSQL update the rows in place (HOT), which keeps big feeds fast.
 */
export async function addEvents(
  trx: Trx,
  targets: readonly { caseId: number; plan: PlannedCase }[],
  opened: ReadonlySet<number>,
) {
  if (targets.length === 0) return;
  const subjectsOf = (list: readonly { caseId: number; plan: PlannedCase }[]) => {
    const s = {
      caseId: [] as number[],
      kind: [] as string[],
      value: [] as string[],
      n: [] as number[],
      first: [] as string[],
      last: [] as string[],
    };
    for (const t of list)
      for (const sub of t.plan.subjects.values()) {
        s.caseId.push(t.caseId);
        s.kind.push(sub.kind);
        s.value.push(sub.value);
        s.n.push(sub.count);
        s.first.push(iso(sub.first));
        s.last.push(iso(sub.last));
      }
    return s;
  };
  // A case opened by this batch has no subjects yet (and its counts went in with it): a plain COPY.
  const fresh = targets.filter((t) => opened.has(t.caseId));
  if (fresh.length > 0) {
    function* rows() {
      let text = "";
      for (const t of fresh) {
        const caseId = copyField(t.caseId);
        for (const sub of t.plan.subjects.values()) {
          text += `${caseId}\t${sub.kind}\t${copyField(pgText(sub.value))}\t${sub.count}\t${iso(sub.first)}\t${iso(sub.last)}\n`;
          if (text.length > 1 << 18) {
            yield text;
            text = "";
          }
        }
      }
      if (text) yield text;
    }
    await copyInto(
      trx,
      "copy case_subjects (case_id, kind, value, event_count, first_seen_at, last_seen_at) from stdin",
      rows(),
    );
  }
  const existing = targets.filter((t) => !opened.has(t.caseId));
  if (existing.length === 0) return;
  const s = subjectsOf(existing);
  // New subjects raise an existing case's subject_count (xmax = 0 marks a row this statement inserted).
  await sql`
    with up as (
      insert into case_subjects as cs (case_id, kind, value, event_count, first_seen_at, last_seen_at)
      select * from unnest(${s.caseId}::bigint[], ${s.kind}::text[], ${s.value}::text[], ${s.n}::int[],
        ${s.first}::timestamptz[], ${s.last}::timestamptz[])
      on conflict (case_id, kind, value) do update set
        event_count = cs.event_count + excluded.event_count,
        first_seen_at = least(cs.first_seen_at, excluded.first_seen_at),
        last_seen_at = greatest(cs.last_seen_at, excluded.last_seen_at)
      returning case_id, (xmax = 0) as inserted
    ),
    added as (select case_id, count(*) filter (where inserted) as k from up group by case_id)
    update cases c set
      event_count = c.event_count + v.n,
      first_event_at = least(c.first_event_at, v.first_at),
      last_event_at = greatest(c.last_event_at, v.last_at),
      priority = least(c.priority, v.priority),
      subject_count = c.subject_count + coalesce(added.k, 0)
    from unnest(${existing.map((t) => t.caseId)}::bigint[], ${existing.map((t) => t.plan.eventIndexes.length)}::int[],
      ${existing.map((t) => iso(t.plan.firstAt))}::timestamptz[], ${existing.map((t) => iso(t.plan.lastAt))}::timestamptz[],
      ${existing.map((t) => t.plan.priority)}::smallint[]) as v(id, n, first_at, last_at, priority)
      left join added on added.case_id = v.id
    where c.id = v.id`.execute(trx);
}

/** Whether someone waits for an answer on each report (automated feeds do not). */
export async function reportersWaiting(
  trx: Trx,
  reportIds: readonly number[],
): Promise<Map<number, boolean>> {
  if (reportIds.length === 0) return new Map();
  const { rows } = await sql<{ id: number; format: string | null; reporter_kind: string | null }>`
    select r.id, r.format, rep.kind as reporter_kind
    from reports r left join reporters rep on rep.id = r.reporter_id
    where r.id = any(${reportIds}::bigint[])`.execute(trx);
  return new Map(
    rows.map((r) => [
      r.id,
      !(r.reporter_kind === "feed" || (r.format !== null && FEED_FORMATS.includes(r.format))),
    ]),
  );
}

export interface DeadlineRow {
  caseId: number;
  name: string;
  dueAt: Date;
  source: string;
}

/** Records clocks (a clock already kept is left as it is) and refreshes the cases' next_due_at. */
export async function insertDeadlines(trx: Trx, rows: readonly DeadlineRow[], caseIds: readonly number[]) {
  if (rows.length > 0)
    await sql`
      insert into case_deadlines (case_id, name, due_at, source)
      select * from unnest(${rows.map((r) => r.caseId)}::bigint[], ${rows.map((r) => r.name)}::text[],
        ${rows.map((r) => iso(r.dueAt))}::timestamptz[], ${rows.map((r) => r.source)}::text[])
      on conflict (case_id, name) do nothing`.execute(trx);
  await refreshNextDue(trx, caseIds);
}

/** The earliest clock the desk must meet, kept on the case for the queue's order. */
export async function refreshNextDue(trx: Trx, caseIds: readonly number[]) {
  if (caseIds.length === 0) return;
  await sql`
    update cases c set next_due_at = coalesce(
      (select min(d.due_at) from case_deadlines d
        where d.case_id = c.id and d.met_at is null and d.name <> all(${AUTOMATIC_DEADLINES}::text[])),
      'infinity')
    where c.id = any(${caseIds}::bigint[])`.execute(trx);
}
