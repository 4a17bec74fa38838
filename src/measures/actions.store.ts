/**
 * The SQL of actions and of the calls that carry them out. It decides nothing: src/measures/actions.ts
 * and execute.ts tell the story. Locks are always taken case → action → call, so that people's commands
 * and workers never wait for each other in a circle.
 */

import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { type BrandScope, EVERY_BRAND, inBrandScope } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import type { ActionsTable, Database, MeasureCallsTable } from "../db/schema.ts";
import { pgJson, pgText } from "../db/text.ts";
import type { ActionState } from "./lifecycle.ts";
import type { CallSubject } from "./payload.ts";

type Trx = Transaction<Database>;
type Db = Kysely<Database> | Trx;

export type ActionRow = Selectable<ActionsTable>;
export type CallRow = Selectable<MeasureCallsTable>;

export interface NewAction {
  case_id: number;
  step: string;
  proposed_step: string | null;
  state: ActionState;
  actor: string;
  requested_by_user: number | null;
  reason: string | null;
  note: string | null;
  params: unknown;
  clause: { document: string; article: string; quote: string } | null;
  order_id?: number | null;
}

export async function insertAction(
  trx: Trx,
  a: NewAction,
): Promise<{ id: number; state: string; created_at: Date }> {
  return trx
    .insertInto("actions")
    .values({
      case_id: a.case_id,
      step: a.step,
      proposed_step: a.proposed_step,
      state: a.state,
      actor: pgText(a.actor),
      requested_by_user: a.requested_by_user,
      reason: pgText(a.reason),
      note: pgText(a.note),
      params: pgJson(a.params ?? {}),
      clause_document: a.clause ? pgText(a.clause.document) : null,
      clause_article: a.clause ? pgText(a.clause.article) : null,
      clause_quote: a.clause ? pgText(a.clause.quote) : null,
      order_id: a.order_id ?? null,
    })
    .returning(["id", "state", "created_at"])
    .executeTakeFirstOrThrow();
}

/** Which case an action is on (no lock: the caller locks the case, then the action). */
export async function caseOfAction(db: Db, actionId: number): Promise<number | undefined> {
  const row = await db.selectFrom("actions").select("case_id").where("id", "=", actionId).executeTakeFirst();
  return row?.case_id;
}

export async function lockAction(trx: Trx, actionId: number): Promise<ActionRow | undefined> {
  return trx.selectFrom("actions").selectAll().where("id", "=", actionId).forUpdate().executeTakeFirst();
}

/** The calls of an action: the one that carries it out and the one that undoes it. */
export async function callsOf(db: Db, actionId: number): Promise<{ call?: CallRow; undo?: CallRow }> {
  const rows = await db.selectFrom("measure_calls").selectAll().where("action_id", "=", actionId).execute();
  return { call: rows.find((r) => !r.undo), undo: rows.find((r) => r.undo) };
}

export async function updateAction(
  trx: Trx,
  id: number,
  set: Partial<{
    state: ActionState;
    approved_by: string;
    approved_by_user: number | null;
    approved_at: Date;
    done_at: Date;
    lift_at: Date | null;
    undone_at: Date;
    closed_at: Date;
    closed_by: string;
    closed_by_user: number | null;
    closed_reason: string | null;
  }>,
): Promise<void> {
  await trx
    .updateTable("actions")
    .set({
      ...set,
      ...(set.closed_reason !== undefined ? { closed_reason: pgText(set.closed_reason) } : {}),
      ...(set.closed_by !== undefined ? { closed_by: pgText(set.closed_by) } : {}),
    })
    .where("id", "=", id)
    .execute();
}

export interface NewCall {
  action_id: number;
  undo: boolean;
  key: string;
  connector: string | null;
  body: string;
  requested_by: string;
  requested_by_user: number | null;
  reason: string | null;
}

export async function insertCall(trx: Trx, c: NewCall): Promise<{ id: number }> {
  return trx
    .insertInto("measure_calls")
    .values({
      action_id: c.action_id,
      undo: c.undo,
      idempotency_key: c.key,
      connector: c.connector,
      body: c.body,
      requested_by: pgText(c.requested_by),
      requested_by_user: c.requested_by_user,
      reason: pgText(c.reason),
      next_attempt_at: new Date(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export async function updateCall(
  trx: Trx,
  id: number,
  set: Partial<{
    state: CallRow["state"];
    attempts: number;
    next_attempt_at: Date;
    lease_until: Date | null;
    last_status: number | null;
    last_error: string | null;
    answer: string | null;
    finished_at: Date | null;
    done_by: string;
    done_by_user: number | null;
    note: string | null;
  }>,
): Promise<void> {
  await trx
    .updateTable("measure_calls")
    .set({
      ...set,
      ...(set.last_error !== undefined ? { last_error: pgText(set.last_error) } : {}),
      ...(set.answer !== undefined ? { answer: pgText(set.answer) } : {}),
      ...(set.note !== undefined ? { note: pgText(set.note) } : {}),
    })
    .where("id", "=", id)
    .execute();
}

/** Calls that finished well, in one statement. */
export async function finishCalls(
  trx: Trx,
  rows: readonly { id: number; status: number | null; answer: string | null }[],
  at: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await sql`update measure_calls m set state = 'done', finished_at = ${at.toISOString()}::timestamptz,
      lease_until = null, last_status = v.status, last_error = null, answer = v.answer
    from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.status)}::int[],
      ${rows.map((r) => pgText(r.answer))}::text[]) as v(id, status, answer)
    where m.id = v.id`.execute(trx);
}

export async function markActionsDone(
  trx: Trx,
  rows: readonly { id: number; lift: Date | null }[],
  at: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await sql`update actions a set state = 'done', done_at = ${at.toISOString()}::timestamptz, lift_at = v.lift
    from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.lift?.toISOString() ?? null)}::timestamptz[])
      as v(id, lift)
    where a.id = v.id`.execute(trx);
}

export async function markActionsUndone(trx: Trx, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql`update actions set state = 'undone', undone_at = ${at.toISOString()}::timestamptz
    where id = any(${ids}::bigint[])`.execute(trx);
}

export async function customerNames(trx: Trx, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom("customers")
    .select(["id", "name"])
    .where("id", "in", [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Actions, locked in id order. */
export async function lockActions(trx: Trx, ids: readonly number[]): Promise<ActionRow[]> {
  if (ids.length === 0) return [];
  return trx
    .selectFrom("actions")
    .selectAll()
    .where("id", "in", [...ids])
    .orderBy("id")
    .forUpdate()
    .execute();
}

/** The calls this worker still holds (each at the attempt it made), locked: a fence against a worker thought dead. */
export async function lockHeldCalls(
  trx: Trx,
  held: readonly { id: number; attempt: number }[],
): Promise<CallRow[]> {
  if (held.length === 0) return [];
  const { rows } = await sql<CallRow>`
    select m.* from measure_calls m
    join unnest(${held.map((h) => h.id)}::bigint[], ${held.map((h) => h.attempt)}::int[]) as v(id, attempt)
      on m.id = v.id and m.attempts = v.attempt
    where m.state = 'executing'
    order by m.id
    for update of m`.execute(trx);
  return rows.map((r) => ({ ...r, idempotency_key: String(r.idempotency_key) }));
}

/** What a call's payload is built from: the case, its customer, its subjects and the order. */
export async function callContext(trx: Trx, caseId: number, orderId: number | null) {
  const kase = await trx
    .selectFrom("cases as c")
    .leftJoin("customers as cu", "cu.id", "c.customer_id")
    .select(["c.id", "c.brand_id", "c.customer_id", "cu.name as customer_name", "c.subject_count"])
    .where("c.id", "=", caseId)
    .executeTakeFirstOrThrow();
  const subjects = (await trx
    .selectFrom("case_subjects")
    .select(["kind", "value"])
    .where("case_id", "=", caseId)
    .orderBy("event_count", "desc")
    .orderBy("value")
    .limit(1001)
    .execute()) as CallSubject[];
  const order = orderId
    ? await trx
        .selectFrom("orders")
        .select(["id", "authority", "reference", "legal_basis"])
        .where("id", "=", orderId)
        .executeTakeFirst()
    : undefined;
  return { kase, subjects, order };
}

// ---------------------------------------------------------------------------------------------------
// Workers

export interface ClaimedCall {
  id: number;
  action_id: number;
  case_id: number;
  undo: boolean;
  idempotency_key: string;
  connector: string | null;
  body: string;
  attempts: number;
}

/**
 * Takes the queued calls of `callIds` that are due (and their actions' state to `executing`), each held
 * until its lease runs out. Calls not there to take (done, taken by another worker, cancelled, not due,
 * done by hand) are left out.
 */
export async function claimCalls(
  db: DB,
  callIds: readonly number[],
  leaseOf: (connector: string | null) => number,
): Promise<ClaimedCall[]> {
  if (callIds.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const targets = await trx
      .selectFrom("measure_calls as m")
      .innerJoin("actions as a", "a.id", "m.action_id")
      .select(["m.id", "m.action_id", "a.case_id", "m.connector"])
      .where("m.id", "in", [...callIds])
      .where("m.state", "=", "queued")
      .execute();
    if (targets.length === 0) return [];
    const actionIds = [...new Set(targets.map((t) => t.action_id))].sort((a, b) => a - b);
    await sql`select id from actions where id = any(${actionIds}::bigint[]) order by id for update`.execute(
      trx,
    );
    const { rows } = await sql<Omit<ClaimedCall, "case_id">>`
      update measure_calls m set state = 'executing', attempts = m.attempts + 1, started_at = now(),
        lease_until = now() + make_interval(secs => v.lease)
      from unnest(${targets.map((t) => t.id)}::bigint[], ${targets.map((t) => leaseOf(t.connector))}::float8[])
        as v(id, lease)
      where m.id = v.id and m.state = 'queued' and m.next_attempt_at <= now() and m.connector is not null
      returning m.id, m.action_id, m.undo, m.idempotency_key::text as idempotency_key, m.connector, m.body,
        m.attempts`.execute(trx);
    const doing = rows.filter((r) => !r.undo).map((r) => r.action_id);
    if (doing.length > 0)
      await trx
        .updateTable("actions")
        .set({ state: "executing" })
        .where("id", "in", doing)
        .where("state", "in", ["pending", "approved"])
        .execute();
    const caseOf = new Map(targets.map((t) => [t.action_id, t.case_id]));
    return rows.map((r) => ({ ...r, case_id: caseOf.get(r.action_id)! }));
  });
}

/** Calls whose worker did not finish in time (it died): queued again, to be made with the same key. */
export async function requeueExpired(db: DB, limit = 500): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    update measure_calls set state = 'queued', next_attempt_at = now(), lease_until = null,
      last_error = 'the worker making this call stopped before it finished; it is made again with the same key'
    where id in (select id from measure_calls where state = 'executing' and lease_until < now()
      order by lease_until limit ${limit} for update skip locked)
    returning id`.execute(db);
  return rows.map((r) => r.id);
}

/** Queued calls that are due since `graceSeconds` (their job may have been lost): their jobs are sent again. */
export async function overdueQueuedCalls(db: DB, graceSeconds: number, limit = 500): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    select id from measure_calls where state = 'queued' and connector is not null
      and next_attempt_at < now() - make_interval(secs => ${graceSeconds}::float8)
    order by next_attempt_at limit ${limit}`.execute(db);
  return rows.map((r) => r.id);
}

/** Done lasting measures whose term ran out and that nobody is undoing yet. */
export async function dueLifts(db: DB, limit = 200): Promise<{ id: number; case_id: number }[]> {
  const { rows } = await sql<{ id: number; case_id: number }>`
    select a.id, a.case_id from actions a
    where a.state = 'done' and a.lift_at <= now()
      and not exists (select 1 from measure_calls m where m.action_id = a.id and m.undo)
    order by a.lift_at limit ${limit}`.execute(db);
  return rows;
}

/** Done lasting measures of a case that nobody is undoing yet. */
export async function measuresInForce(
  trx: Trx,
  caseId: number,
  steps: readonly string[],
): Promise<ActionRow[]> {
  return trx
    .selectFrom("actions as a")
    .selectAll("a")
    .where("a.case_id", "=", caseId)
    .where("a.state", "=", "done")
    .where("a.step", "in", [...steps])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("measure_calls as m")
            .select(sql`1`.as("one"))
            .whereRef("m.action_id", "=", "a.id")
            .where("m.undo", "=", true),
        ),
      ),
    )
    .orderBy("a.id")
    .execute();
}

/** A supervisor notification, queued for delivery by the deadline sweep (notify.supervisor). */
export async function insertNotification(
  trx: Trx,
  n: { caseId: number; kind: "measure_failed" | "supervisor_escalation"; details: Record<string, unknown> },
): Promise<number> {
  const row = await trx
    .insertInto("case_notifications")
    .values({ case_id: n.caseId, kind: n.kind, details: pgJson(n.details) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

// ---------------------------------------------------------------------------------------------------
// Reading

export interface ActionFilter {
  /** The reader's brands (src/auth/scope.ts); undefined: every brand. */
  scope?: BrandScope;
  states?: readonly ActionState[];
  brand?: string;
  caseId?: number;
  step?: string;
  orderId?: number;
}

function listed(db: Db, f: ActionFilter) {
  let q = db
    .selectFrom("actions as a")
    .innerJoin("cases as c", "c.id", "a.case_id")
    .where(inBrandScope(f.scope ?? EVERY_BRAND, "c.brand_id"));
  if (f.states && f.states.length > 0) q = q.where("a.state", "in", [...f.states]);
  if (f.brand) q = q.where("c.brand_id", "=", f.brand);
  if (f.caseId !== undefined) q = q.where("a.case_id", "=", f.caseId);
  if (f.step) q = q.where("a.step", "=", f.step);
  if (f.orderId !== undefined) q = q.where("a.order_id", "=", f.orderId);
  return q;
}

export type ListedAction = ActionRow & {
  brand_id: string;
  customer_id: string | null;
  customer_name: string | null;
  gag: boolean;
};

/** Actions, newest first; `before` is the keyset cursor (the last id of the page before). */
export async function listActions(
  db: Db,
  f: ActionFilter,
  page: { limit: number; before?: number },
): Promise<{ rows: ListedAction[]; total: number; calls: CallRow[] }> {
  let q = listed(db, f);
  const count = q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  if (page.before !== undefined) q = q.where("a.id", "<", page.before);
  const rowsQuery = q
    .leftJoin("customers as cu", "cu.id", "c.customer_id")
    .selectAll("a")
    .select(["c.brand_id", "c.customer_id", "cu.name as customer_name", "c.gag"])
    .orderBy("a.id", "desc")
    .limit(page.limit + 1)
    .execute();
  const [n, rows] = await Promise.all([count, rowsQuery]);
  const ids = rows.slice(0, page.limit).map((r) => r.id);
  const calls = ids.length
    ? await db.selectFrom("measure_calls").selectAll().where("action_id", "in", ids).execute()
    : [];
  return { rows: rows as ListedAction[], total: Number(n.n), calls };
}

export async function loadAction(
  db: Db,
  id: number,
  scope: BrandScope = EVERY_BRAND,
): Promise<ListedAction | undefined> {
  return (await db
    .selectFrom("actions as a")
    .innerJoin("cases as c", "c.id", "a.case_id")
    .leftJoin("customers as cu", "cu.id", "c.customer_id")
    .selectAll("a")
    .select(["c.brand_id", "c.customer_id", "cu.name as customer_name", "c.gag"])
    .where("a.id", "=", id)
    .where(inBrandScope(scope, "c.brand_id"))
    .executeTakeFirst()) as ListedAction | undefined;
}
