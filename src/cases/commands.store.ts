/**
 * The SQL of what people do to cases (src/cases/commands.ts tells the story): each function is one or a
 * few statements inside the caller's transaction, and decides nothing.
 */
import { sql, type Transaction } from "kysely";
import { FINISHED_CASE_STATES } from "../db/case-states.ts";
import type { CaseState, Database } from "../db/schema.ts";
import { pgJson, pgText } from "../db/text.ts";
import type { ActionForHistory } from "./facts.ts";

type Trx = Transaction<Database>;

/**
 * Sets a case's state; a finished case's clocks stop. Reopening may collide with a newer open case of the
 * same customer and problem (the `cases_one_open` index): then nothing changes and that case's id is
 * answered as `conflict`.
 */
export async function updateCaseState(
  trx: Trx,
  kase: { id: number; brand_id: string; customer_id: string | null; category: string; subject_key: string },
  to: CaseState,
  opts: { finished: boolean; reopening: boolean },
): Promise<{ conflict: number | null } | undefined> {
  const { finished } = opts;
  const update = () =>
    trx
      .updateTable("cases")
      .set({
        state: to,
        updated_at: new Date(),
        closed_at: finished ? new Date() : null,
        ...(finished ? { next_due_at: "infinity" } : {}),
      })
      .where("id", "=", kase.id)
      .execute();
  if (!opts.reopening) await update();
  else
    try {
      await sql`savepoint move_case`.execute(trx);
      await update();
      await sql`release savepoint move_case`.execute(trx);
    } catch (err) {
      if ((err as { code?: string }).code !== "23505") throw err;
      await sql`rollback to savepoint move_case`.execute(trx);
      const other = await trx
        .selectFrom("cases")
        .select("id")
        .where("brand_id", "=", kase.brand_id)
        .where("customer_id", "=", kase.customer_id)
        .where("category", "=", kase.category)
        .where("subject_key", "=", kase.subject_key)
        .where("state", "not in", FINISHED_CASE_STATES)
        .executeTakeFirst();
      return { conflict: other?.id ?? null };
    }
  if (finished)
    await trx
      .updateTable("case_deadlines")
      .set({ met_at: new Date() })
      .where("case_id", "=", kase.id)
      .where("met_at", "is", null)
      .execute();
  return undefined;
}

export async function touchCase(trx: Trx, id: number): Promise<void> {
  await trx.updateTable("cases").set({ updated_at: new Date() }).where("id", "=", id).execute();
}

export async function insertNote(
  trx: Trx,
  note: { caseId: number; authorId: number | null; visibility: "internal" | "shared"; body: string },
): Promise<{ id: number; created_at: Date }> {
  return trx
    .insertInto("case_notes")
    .values({
      case_id: note.caseId,
      author_id: note.authorId,
      visibility: note.visibility,
      body: pgText(note.body),
    })
    .returning(["id", "created_at"])
    .executeTakeFirstOrThrow();
}

export async function updateOwner(trx: Trx, id: number, ownerId: number | null): Promise<void> {
  await trx
    .updateTable("cases")
    .set({ owner_id: ownerId, updated_at: new Date() })
    .where("id", "=", id)
    .execute();
}

export async function updateFacts(trx: Trx, id: number, facts: unknown): Promise<void> {
  await trx
    .updateTable("cases")
    .set({ facts: pgJson(facts), updated_at: new Date() })
    .where("id", "=", id)
    .execute();
}

/** The steps taken on a case, for its clocks. */
export async function caseActions(trx: Trx, caseId: number): Promise<ActionForHistory[]> {
  return (await trx
    .selectFrom("actions")
    .select(["case_id", "step", "state", "created_at", "approved_at", "done_at"])
    .where("case_id", "=", caseId)
    .execute()) as ActionForHistory[];
}

/** The case's first report: when it was received starts the reporter's clocks. */
export async function firstReportOf(
  trx: Trx,
  caseId: number,
): Promise<{ report_id: number; received_at: Date } | undefined> {
  return trx
    .selectFrom("events")
    .select(["report_id", "received_at"])
    .where("case_id", "=", caseId)
    .orderBy("received_at")
    .limit(1)
    .executeTakeFirst();
}

/** The cases named, locked in id order (as grouping locks them, so that the two never deadlock). */
export async function lockCasesInOrder(trx: Trx, ids: readonly number[]) {
  return trx
    .selectFrom("cases")
    .selectAll()
    .where(
      "id",
      "in",
      [...ids].sort((a, b) => a - b),
    )
    .orderBy("id")
    .forUpdate()
    .execute();
}

/** Moves the sources' subjects, events, actions and notes into the target and closes the sources. */
export async function mergeInto(trx: Trx, targetId: number, sources: readonly number[]): Promise<void> {
  await sql`
    insert into case_subjects as cs (case_id, kind, value, event_count, first_seen_at, last_seen_at)
    select ${targetId}, kind, value, sum(event_count), min(first_seen_at), max(last_seen_at)
    from case_subjects where case_id = any(${sources}::bigint[]) group by kind, value
    on conflict (case_id, kind, value) do update set
      event_count = cs.event_count + excluded.event_count,
      first_seen_at = least(cs.first_seen_at, excluded.first_seen_at),
      last_seen_at = greatest(cs.last_seen_at, excluded.last_seen_at)`.execute(trx);
  await sql`delete from case_subjects where case_id = any(${sources}::bigint[])`.execute(trx);
  await sql`update events set case_id = ${targetId} where case_id = any(${sources}::bigint[])`.execute(trx);
  // Steps and notes follow the events, so that the customer's history counts them once.
  await sql`update actions set case_id = ${targetId} where case_id = any(${sources}::bigint[])`.execute(trx);
  await sql`update case_notes set case_id = ${targetId} where case_id = any(${sources}::bigint[])`.execute(
    trx,
  );
  await sql`update case_deadlines set met_at = now() where case_id = any(${sources}::bigint[]) and met_at is null`.execute(
    trx,
  );
  await sql`update cases set state = 'closed', closed_at = now(), merged_into = ${targetId},
    next_due_at = 'infinity', updated_at = now() where id = any(${sources}::bigint[])`.execute(trx);
  await sql`update cases t set priority = least(t.priority, (select min(priority) from cases where id = any(${sources}::bigint[])))
    where t.id = ${targetId}`.execute(trx);
}

/** Recounts cases' events, subjects and first/last event from what they hold now (after merge or split). */
export async function recount(trx: Trx, ids: readonly number[]): Promise<void> {
  await sql`
    update cases c set
      event_count = coalesce(e.n, 0), first_event_at = e.first_at, last_event_at = e.last_at,
      subject_count = (select count(*) from case_subjects s where s.case_id = c.id), updated_at = now()
    from (select c2.id, x.n, x.first_at, x.last_at from cases c2
          left join lateral (select count(*)::int as n, min(coalesce(occurred_at, received_at)) as first_at,
            max(coalesce(occurred_at, received_at)) as last_at from events where case_id = c2.id) x on true
          where c2.id = any(${ids}::bigint[])) e
    where c.id = e.id`.execute(trx);
}

/** Which of these subject values the case holds. */
export async function findSubjects(trx: Trx, caseId: number, values: readonly string[]) {
  return trx
    .selectFrom("case_subjects")
    .select(["kind", "value"])
    .where("case_id", "=", caseId)
    .where("value", "in", [...values])
    .execute();
}

/** A new case of the same customer and problem, with its own subject key (never the one new events join). */
export async function insertSplitCase(
  trx: Trx,
  from: {
    brand_id: string;
    customer_id: string | null;
    category: string;
    kind: "abuse" | "ntd" | "authority";
    priority: number;
    owner_id: number | null;
    gag: boolean;
  },
  sourceId: number,
  facts: unknown,
): Promise<number> {
  const created = await trx
    .insertInto("cases")
    .values({
      brand_id: from.brand_id,
      customer_id: from.customer_id,
      category: from.category,
      kind: from.kind,
      subject_key: `split:${sourceId}:pending`,
      priority: from.priority,
      facts: pgJson(facts),
      owner_id: from.owner_id,
      gag: from.gag,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .updateTable("cases")
    .set({ subject_key: `split:${created.id}` })
    .where("id", "=", created.id)
    .execute();
  return created.id;
}

/** Moves subjects, their events and the running clocks from one case to another; the number of events moved. */
export async function moveSubjects(
  trx: Trx,
  fromId: number,
  toId: number,
  subjects: readonly { kind: string; value: string }[],
): Promise<number> {
  const kinds = subjects.map((f) => f.kind);
  const vals = subjects.map((f) => f.value);
  await sql`update case_subjects set case_id = ${toId}
    where case_id = ${fromId} and (kind, value) in (select * from unnest(${kinds}::text[], ${vals}::text[]))`.execute(
    trx,
  );
  const moved = await sql<{ n: number }>`
    with m as (
      update events set case_id = ${toId}
      where case_id = ${fromId} and (
        subject_url = any(${vals}::text[]) or host(subject_ip) = any(${vals}::text[]) or subject_ip::text = any(${vals}::text[])
        or lower(subject_domain) = any(${vals}::text[]) or lower(subject_email) = any(${vals}::text[])
        or subject_phone = any(${vals}::text[]))
      returning 1)
    select count(*)::int as n from m`.execute(trx);
  await sql`insert into case_deadlines (case_id, name, due_at, source)
    select ${toId}, name, due_at, source from case_deadlines where case_id = ${fromId} and met_at is null`.execute(
    trx,
  );
  return moved.rows[0]?.n ?? 0;
}
