/** The SQL of classification: mapping rules, the events a reclassification moves, and the case they leave. */
import { type Kysely, sql, type Transaction } from "kysely";
import { FINISHED_STATES_SQL } from "../db/case-states.ts";
import type { Database } from "../db/schema.ts";
import { pgText } from "../db/text.ts";
import { STORED_EVENT_COLUMNS, type StoredEventRow } from "../events/event.store.ts";
import type { Category } from "../taxonomy.ts";
import type { MappingRule } from "./mappings.ts";

type Db = Kysely<Database> | Transaction<Database>;
type Trx = Transaction<Database>;

export interface MappingRow extends MappingRule {
  note: string | null;
  created_by: string;
  created_at: Date;
}

/** Rules that may apply to a report of this format (its own and the `*` ones). */
export async function rulesForFormat(db: Db, format: string): Promise<MappingRule[]> {
  const rows = await db
    .selectFrom("category_mappings")
    .select(["id", "format", "label", "sender", "category"])
    .where("format", "in", [format, "*"])
    .execute();
  return rows as MappingRule[];
}

export async function listMappings(db: Db): Promise<MappingRow[]> {
  const rows = await db.selectFrom("category_mappings").selectAll().orderBy("id").execute();
  return rows as MappingRow[];
}

export async function findMapping(db: Db, id: number): Promise<MappingRow | undefined> {
  return (await db.selectFrom("category_mappings").selectAll().where("id", "=", id).executeTakeFirst()) as
    | MappingRow
    | undefined;
}

/** The rule with this key, if one exists. */
export async function mappingWithKey(
  db: Db,
  key: { format: string; label: string; sender: string | null },
): Promise<MappingRow | undefined> {
  return (await db
    .selectFrom("category_mappings")
    .selectAll()
    .where("format", "=", key.format)
    .where("label", "=", key.label)
    .where(sql<boolean>`coalesce(sender, '') = ${key.sender ?? ""}`)
    .executeTakeFirst()) as MappingRow | undefined;
}

export async function insertMapping(
  trx: Trx,
  m: Omit<MappingRule, "id"> & { note: string | null; createdBy: string },
): Promise<MappingRow> {
  return (await trx
    .insertInto("category_mappings")
    .values({
      format: m.format,
      label: pgText(m.label),
      sender: m.sender,
      category: m.category,
      note: m.note === null ? null : pgText(m.note),
      created_by: pgText(m.createdBy),
    })
    .returningAll()
    .executeTakeFirstOrThrow()) as MappingRow;
}

export async function deleteMapping(trx: Trx, id: number): Promise<MappingRow | undefined> {
  return (await trx.deleteFrom("category_mappings").where("id", "=", id).returningAll().executeTakeFirst()) as
    | MappingRow
    | undefined;
}

/**
 * Open cases waiting for classification that hold events with this label (of this format, from this
 * sender when the rule names one), with how many such events each holds.
 */
export async function openCasesWithLabel(
  db: Db,
  rule: Pick<MappingRule, "format" | "label" | "sender">,
  limit: number,
): Promise<{ id: number; events: number }[]> {
  const { rows } = await sql<{ id: number; events: number }>`
    select c.id, count(*)::int as events
    from cases c
    join events e on e.case_id = c.id and e.category = 'other'
    join reports r on r.id = e.report_id
    left join reporters rep on rep.id = r.reporter_id
    where c.needs_classification and c.state not in ${FINISHED_STATES_SQL}
      and lower(e.details->>'source_category') = ${rule.label}
      and (${rule.format} = '*' or r.format = ${rule.format})
      and (${rule.sender}::text is null or lower(split_part(rep.email, '@', 2)) = ${rule.sender})
    group by c.id
    order by c.id
    limit ${limit}`.execute(db);
  return rows;
}

/** The events a reclassification of a case moves: all of them, or those with one label (and format). */
export async function eventsToRefile(
  trx: Trx,
  caseId: number,
  only?: { label: string; format?: string; sender?: string | null },
): Promise<StoredEventRow[]> {
  const { rows } = await sql<StoredEventRow>`
    select ${STORED_EVENT_COLUMNS}
    from events e
    join reports r on r.id = e.report_id
    left join reporters rep on rep.id = r.reporter_id
    where e.case_id = ${caseId}
      and (${only?.label ?? null}::text is null or lower(e.details->>'source_category') = ${only?.label ?? null})
      and (${only?.format ?? null}::text is null or ${only?.format ?? null} = '*' or r.format = ${only?.format ?? null})
      and (${only?.sender ?? null}::text is null or lower(split_part(rep.email, '@', 2)) = ${only?.sender ?? null})
    order by e.id`.execute(trx);
  return rows;
}

/** Gives events their new category and takes them out of their case (grouping files them again). */
export async function recategorize(
  trx: Trx,
  ids: readonly number[],
  category: Category,
  kind: string,
): Promise<void> {
  if (ids.length === 0) return;
  await sql`update events set category = ${category}, kind = ${kind}, case_id = null
    where id = any(${ids}::bigint[])`.execute(trx);
}

/**
 * Rebuilds what a case holds after events left it: its subjects (the same choice of subject as grouping:
 * for abuse the host, else the URL, ...), its counts and first/last event. Answers how many events remain.
 */
export async function recountCase(trx: Trx, caseId: number): Promise<number> {
  await sql`delete from case_subjects where case_id = ${caseId}`.execute(trx);
  await sql`
    insert into case_subjects (case_id, kind, value, event_count, first_seen_at, last_seen_at)
    select ${caseId}, s.kind, s.value, count(*), min(s.at), max(s.at)
    from (
      select
        case when e.kind = 'abuse' and e.subject_ip is not null then 'ip'
             when e.subject_url is not null then 'url' when e.subject_ip is not null then 'ip'
             when e.subject_domain is not null then 'domain' when e.subject_email is not null then 'email'
             else 'phone' end as kind,
        case when e.kind = 'abuse' and e.subject_ip is not null then host(e.subject_ip)
             when e.subject_url is not null then e.subject_url
             when e.subject_ip is not null then host(e.subject_ip)
             when e.subject_domain is not null then lower(e.subject_domain)
             when e.subject_email is not null then lower(e.subject_email)
             else e.subject_phone end as value,
        coalesce(e.occurred_at, e.received_at) as at
      from events e where e.case_id = ${caseId}
    ) s
    where s.value is not null
    group by s.kind, s.value`.execute(trx);
  const { rows } = await sql<{ n: number }>`
    update cases c set
      event_count = x.n, first_event_at = x.first_at, last_event_at = x.last_at,
      subject_count = (select count(*) from case_subjects s where s.case_id = c.id), updated_at = now()
    from (select count(*)::int as n, min(coalesce(occurred_at, received_at)) as first_at,
            max(coalesce(occurred_at, received_at)) as last_at
          from events where case_id = ${caseId}) x
    where c.id = ${caseId}
    returning x.n as n`.execute(trx);
  return rows[0]?.n ?? 0;
}

/** Closes a case whose events were all filed elsewhere; it points at the case they went to, if one. */
export async function closeEmptiedCase(trx: Trx, caseId: number, into: number | null): Promise<void> {
  await sql`update cases set state = 'closed', closed_at = now(), updated_at = now(),
      next_due_at = 'infinity', needs_classification = false, merged_into = ${into}
    where id = ${caseId}`.execute(trx);
  await sql`update case_deadlines set met_at = now() where case_id = ${caseId} and met_at is null`.execute(
    trx,
  );
}

/** A person said what the case is: it no longer waits for classification. */
export async function markClassified(trx: Trx, caseId: number): Promise<void> {
  await sql`update cases set needs_classification = false, updated_at = now() where id = ${caseId}`.execute(
    trx,
  );
}

/** Why a report is in triage (kept in the audit entry of its classification). */
export async function triageReasonOf(db: Db, reportId: number): Promise<string | null> {
  const row = await db
    .selectFrom("reports")
    .select("triage_reason")
    .where("id", "=", reportId)
    .executeTakeFirst();
  return row?.triage_reason ?? null;
}

/** The senders' own labels of a case's unclassified events, most frequent first. */
export async function sourceCategoriesOf(
  db: Db,
  caseId: number,
  limit = 20,
): Promise<{ label: string; format: string | null; events: number }[]> {
  const { rows } = await sql<{ label: string; format: string | null; events: number }>`
    select e.details->>'source_category' as label, r.format, count(*)::int as events
    from events e join reports r on r.id = e.report_id
    where e.case_id = ${caseId} and e.category = 'other' and e.details->>'source_category' is not null
    group by 1, 2
    order by 3 desc, 1
    limit ${limit}`.execute(db);
  return rows;
}
