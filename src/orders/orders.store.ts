/**
 * The SQL of authority orders: the report that records an order's receipt, the order, its clocks on the
 * cases, data holds and provisions, and the reading the API presents. It decides nothing (orders.ts does).
 */

import { createHash } from "node:crypto";
import { type ExpressionBuilder, type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { type BrandScope, EVERY_BRAND, inBrandScope } from "../auth/scope.ts";
import { insertDeadlines, refreshNextDue } from "../cases/grouping.store.ts";
import type { Authority, Database, OrdersTable } from "../db/schema.ts";
import { pgJson, pgText } from "../db/text.ts";

type Trx = Transaction<Database>;
type Db = Kysely<Database> | Trx;

export type OrderRow = Selectable<OrdersTable>;

/** The authority as a reporter: trusted, of kind authority. */
export async function upsertAuthorityReporter(
  trx: Trx,
  contact: { name?: string; email?: string },
  org: string,
): Promise<number> {
  const email = pgText(contact.email)?.trim().toLowerCase().slice(0, 320) || null;
  const name = pgText(contact.name)?.slice(0, 300) ?? null;
  if (email) {
    const { rows } = await sql<{ id: number }>`
      insert into reporters (email, name, org, kind, trusted) values (${email}, ${name}, ${org}, 'authority', true)
      on conflict (email) where email is not null
      do update set kind = 'authority', trusted = true, name = coalesce(reporters.name, excluded.name)
      returning id`.execute(trx);
    return rows[0]!.id;
  }
  const { rows } = await sql<{ id: number }>`
    insert into reporters (email, name, org, kind, trusted) values (null, ${name}, ${org}, 'authority', true)
    on conflict (org) where email is null and org is not null
    do update set kind = 'authority', trusted = true
    returning id`.execute(trx);
  return rows[0]!.id;
}

/** The report that records the receipt of an order entered through the API (its JSON, as received). */
export async function insertOrderReport(
  trx: Trx,
  r: { receivedAt: Date; raw: Buffer; brand: string | null; reporterId: number; subject: string },
): Promise<number> {
  const row = await trx
    .insertInto("reports")
    .values({
      channel: "authority",
      received_at: r.receivedAt,
      sha256: createHash("sha256").update(r.raw).digest("hex"),
      raw: r.raw,
      size: r.raw.length,
      content_type: "application/json",
      brand_id: r.brand,
      subject: pgText(r.subject).slice(0, 998),
      reporter_id: r.reporterId,
      format: "authority-order",
      state: "parsed",
      processed_at: new Date(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A stored report, locked, with whether it is an order already. */
export async function lockReportForOrder(trx: Trx, id: number) {
  const report = await trx
    .selectFrom("reports")
    .select(["id", "received_at", "brand_id", "state", "reporter_id"])
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!report) return undefined;
  const order = await trx.selectFrom("orders").select("id").where("report_id", "=", id).executeTakeFirst();
  return { ...report, order_id: order?.id ?? null };
}

export async function setReportReporter(trx: Trx, reportId: number, reporterId: number): Promise<void> {
  await trx.updateTable("reports").set({ reporter_id: reporterId }).where("id", "=", reportId).execute();
}

export interface NewOrder {
  authority: Authority;
  reference: string;
  received_at: Date;
  legal_basis: string;
  subjects: string[];
  requested: string[];
  category: string;
  stated_deadline_at: Date | null;
  due_at: Date;
  deadline_source: string;
  gag: boolean;
  contact: unknown;
  report_id: number;
  created_by: string;
  created_by_user: number | null;
}

export async function insertOrder(trx: Trx, o: NewOrder): Promise<number> {
  const row = await trx
    .insertInto("orders")
    .values({
      ...o,
      reference: pgText(o.reference),
      legal_basis: pgText(o.legal_basis),
      subjects: o.subjects.map((s) => pgText(s)),
      contact: pgJson(o.contact),
      created_by: pgText(o.created_by),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setUnresolved(trx: Trx, orderId: number, subjects: readonly string[]): Promise<void> {
  await trx
    .updateTable("orders")
    .set({ unresolved: subjects.map((s) => pgText(s)) })
    .where("id", "=", orderId)
    .execute();
}

/**
 * Marks the order's cases: gagged when the order forbids telling the customer, the demanded step among the
 * facts (the profile's rules for orders read it), and the legal clock with its half-term warning.
 */
export async function markOrderCases(
  trx: Trx,
  caseIds: readonly number[],
  o: { gag: boolean; requestedStep: string | null; due: Date; half: Date; source: string },
): Promise<void> {
  if (caseIds.length === 0) return;
  await sql`update cases set gag = gag or ${o.gag}, priority = 0,
      facts = case when ${o.requestedStep}::text is null then facts
                   else facts || jsonb_build_object('requested_step', ${o.requestedStep}::text) end
    where id = any(${caseIds}::bigint[])`.execute(trx);
  await insertDeadlines(
    trx,
    caseIds.flatMap((caseId) => [
      { caseId, name: "authority_order", dueAt: o.due, source: o.source },
      { caseId, name: "authority_order_half_term", dueAt: o.half, source: `half the term of ${o.source}` },
    ]),
    caseIds,
  );
}

export async function insertHold(
  trx: Trx,
  h: {
    order_id: number | null;
    case_id: number | null;
    customer_id: string | null;
    subjects: string[];
    legal_basis: string;
    reason: string | null;
    held_until: Date | null;
    created_by: string;
    created_by_user: number | null;
  },
): Promise<number> {
  const row = await trx
    .insertInto("data_holds")
    .values({
      ...h,
      subjects: h.subjects.map((s) => pgText(s)),
      legal_basis: pgText(h.legal_basis),
      reason: pgText(h.reason),
      created_by: pgText(h.created_by),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function lockHold(trx: Trx, id: number) {
  return trx.selectFrom("data_holds").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function releaseHoldRow(
  trx: Trx,
  id: number,
  by: { name: string; userId: number | null },
  reason: string,
): Promise<void> {
  await trx
    .updateTable("data_holds")
    .set({
      released_at: new Date(),
      released_by: pgText(by.name),
      released_by_user: by.userId,
      release_reason: pgText(reason),
    })
    .where("id", "=", id)
    .execute();
}

export async function insertProvision(
  trx: Trx,
  p: {
    order_id: number | null;
    case_id: number;
    action_id: number | null;
    what: string;
    given_to: string;
    legal_basis: string;
    recorded_by: string;
    recorded_by_user: number | null;
  },
): Promise<number> {
  const row = await trx
    .insertInto("data_provisions")
    .values({
      ...p,
      what: pgText(p.what),
      given_to: pgText(p.given_to),
      legal_basis: pgText(p.legal_basis),
      recorded_by: pgText(p.recorded_by),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function lockOrder(trx: Trx, id: number): Promise<OrderRow | undefined> {
  return trx.selectFrom("orders").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function orderActions(db: Db, orderId: number) {
  return db
    .selectFrom("actions")
    .select(["id", "case_id", "step", "state", "done_at", "created_at"])
    .where("order_id", "=", orderId)
    .orderBy("id")
    .execute();
}

export async function markOrderExecuted(trx: Trx, orderId: number, at: Date): Promise<void> {
  await trx.updateTable("orders").set({ executed_at: at }).where("id", "=", orderId).execute();
}

/** The order's clocks on its cases are met (the queue moves them down). */
export async function meetOrderDeadlines(trx: Trx, caseIds: readonly number[], at: Date): Promise<void> {
  if (caseIds.length === 0) return;
  await sql`update case_deadlines set met_at = ${at.toISOString()}::timestamptz
    where case_id = any(${caseIds}::bigint[]) and met_at is null
      and name in ('authority_order', 'authority_order_half_term')`.execute(trx);
  await refreshNextDue(trx, caseIds);
}

// ---------------------------------------------------------------------------------------------------
// Reading

export interface OrderFilter {
  /** The reader's brands: only orders with a case of one of them; undefined: every order. */
  scope?: BrandScope;
  authority?: Authority;
  /** open: not executed yet; executed. */
  state?: "open" | "executed";
}

export async function listOrders(
  db: Db,
  f: OrderFilter,
  page: { limit: number; before?: number },
): Promise<{ rows: OrderRow[]; total: number }> {
  let q = db.selectFrom("orders");
  if (f.scope) q = q.where((eb) => inScopeOrder(eb, f.scope ?? EVERY_BRAND));
  if (f.authority) q = q.where("authority", "=", f.authority);
  if (f.state === "open") q = q.where("executed_at", "is", null);
  if (f.state === "executed") q = q.where("executed_at", "is not", null);
  const count = q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  let rq = q.selectAll();
  if (page.before !== undefined) rq = rq.where("id", "<", page.before);
  const [n, rows] = await Promise.all([
    count,
    rq
      .orderBy("id", "desc")
      .limit(page.limit + 1)
      .execute(),
  ]);
  return { rows, total: Number(n.n) };
}

/** An order a brand-limited reader may see: one with a case (through the order's events) of their brands. */
function inScopeOrder(eb: ExpressionBuilder<Database, "orders">, scope: BrandScope) {
  return eb.exists(
    eb
      .selectFrom("events as e")
      .innerJoin("cases as c", "c.id", "e.case_id")
      .select(sql`1`.as("one"))
      .whereRef("e.report_id", "=", "orders.report_id")
      .where(inBrandScope(scope, "c.brand_id")),
  );
}

export async function loadOrder(db: Db, id: number, scope: BrandScope = EVERY_BRAND) {
  let q = db.selectFrom("orders").selectAll().where("id", "=", id);
  if (scope) q = q.where((eb) => inScopeOrder(eb, scope));
  const order = await q.executeTakeFirst();
  if (!order) return undefined;
  const [cases, actions, holds, provisions] = await Promise.all([
    db
      .selectFrom("cases as c")
      .leftJoin("customers as cu", "cu.id", "c.customer_id")
      .select(["c.id", "c.brand_id", "c.customer_id", "cu.name as customer_name", "c.state", "c.gag"])
      .where(inBrandScope(scope, "c.brand_id"))
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("events as e")
            .select(sql`1`.as("one"))
            .whereRef("e.case_id", "=", "c.id")
            .where("e.report_id", "=", order.report_id)
            .where("e.kind", "=", "authority"),
        ),
      )
      .orderBy("c.id")
      .execute(),
    db
      .selectFrom("actions")
      .select(["id", "case_id", "step", "state", "created_at", "approved_at", "done_at"])
      .where("order_id", "=", id)
      .orderBy("id")
      .execute(),
    db.selectFrom("data_holds").selectAll().where("order_id", "=", id).orderBy("id").execute(),
    db.selectFrom("data_provisions").selectAll().where("order_id", "=", id).orderBy("id").execute(),
  ]);
  return { order, cases, actions, holds, provisions };
}
export type OrderBundle = NonNullable<Awaited<ReturnType<typeof loadOrder>>>;
