/**
 * The SQL of actions and of the calls that carry them out. It decides nothing: src/measures/actions.ts
 * and execute.ts tell the story. Locks are always taken case → action → call, so that people's commands
 * and workers never wait for each other in a circle.
 */
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
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
 * Takes a queued call that is due (and its action's state to `executing`), holding it until `leaseSeconds`
 * from now. Undefined when it is not there to take: done, taken by another worker, cancelled, not due.
 */
export async function claimCall(
  db: DB,
  callId: number,
  leaseSeconds: number,
): Promise<ClaimedCall | undefined> {
  return db.transaction().execute(async (trx) => {
    const target = await trx
      .selectFrom("measure_calls as m")
      .innerJoin("actions as a", "a.id", "m.action_id")
      .select(["m.action_id", "a.case_id"])
      .where("m.id", "=", callId)
      .executeTakeFirst();
    if (!target) return undefined;
    await sql`select 1 from actions where id = ${target.action_id} for update`.execute(trx);
    const { rows } = await sql<Omit<ClaimedCall, "case_id">>`
      update measure_calls set state = 'executing', attempts = attempts + 1, started_at = now(),
        lease_until = now() + make_interval(secs => ${leaseSeconds}::float8)
      where id = ${callId} and state = 'queued' and next_attempt_at <= now() and connector is not null
      returning id, action_id, undo, idempotency_key::text as idempotency_key, connector, body, attempts`.execute(
      trx,
    );
    const call = rows[0];
    if (!call) return undefined;
    if (!call.undo)
      await trx
        .updateTable("actions")
        .set({ state: "executing" })
        .where("id", "=", call.action_id)
        .where("state", "in", ["pending", "approved"])
        .execute();
    return { ...call, case_id: target.case_id };
  });
}

/** The call, locked, if this worker still holds it (`attempt` is the attempt it made): a fence against a worker that was thought dead. */
export async function lockHeldCall(trx: Trx, callId: number, attempt: number): Promise<CallRow | undefined> {
  return trx
    .selectFrom("measure_calls")
    .selectAll()
    .where("id", "=", callId)
    .where("state", "=", "executing")
    .where("attempts", "=", attempt)
    .forUpdate()
    .executeTakeFirst();
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
  states?: readonly ActionState[];
  brand?: string;
  caseId?: number;
  step?: string;
  orderId?: number;
}

function listed(db: Db, f: ActionFilter) {
  let q = db.selectFrom("actions as a").innerJoin("cases as c", "c.id", "a.case_id");
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

export async function loadAction(db: Db, id: number): Promise<ListedAction | undefined> {
  return (await db
    .selectFrom("actions as a")
    .innerJoin("cases as c", "c.id", "a.case_id")
    .leftJoin("customers as cu", "cu.id", "c.customer_id")
    .selectAll("a")
    .select(["c.brand_id", "c.customer_id", "cu.name as customer_name", "c.gag"])
    .where("a.id", "=", id)
    .executeTakeFirst()) as ListedAction | undefined;
}
