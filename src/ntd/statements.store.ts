/** The SQL of statements of reasons: the restrictions carried out in a period, within the reader's brands. */
import { sql } from "kysely";
import { type BrandScope, inBrandScope } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import { RESTRICTING_STEPS } from "./statements.ts";

/** Most statements one answer holds (the reader asks for a shorter period for more). */
export const MAX_STATEMENTS = 10_000;

export async function restrictionsBetween(db: DB, from: Date, to: Date, scope: BrandScope) {
  return db
    .selectFrom("actions as a")
    .innerJoin("cases as c", "c.id", "a.case_id")
    .leftJoin("orders as o", "o.id", "a.order_id")
    .select([
      "a.id",
      "a.step",
      "a.actor",
      "a.reason",
      "a.note",
      "a.done_at",
      "a.lift_at",
      "a.clause_document",
      "a.clause_article",
      "a.clause_quote",
      "c.id as case_id",
      "c.brand_id",
      "c.category",
      "c.kind",
      "c.opened_at",
      "c.first_event_at",
      "o.legal_basis as order_legal_basis",
      sql<string[]>`array(
        select coalesce(e.subject_url, e.subject_domain, host(e.subject_ip), e.subject_email, e.subject_phone)
        from events e where e.case_id = c.id order by e.id limit 10)`.as("subjects"),
      sql<boolean>`exists(
        select 1 from events e join reports r on r.id = e.report_id join reporters p on p.id = r.reporter_id
        where e.case_id = c.id and (p.trusted or p.kind = 'trusted_flagger'))`.as("trusted"),
    ])
    .where("a.step", "in", RESTRICTING_STEPS)
    .where("a.state", "in", ["done", "undone"])
    .where("a.done_at", ">=", from)
    .where("a.done_at", "<", to)
    .where(inBrandScope(scope, "c.brand_id"))
    .orderBy("a.done_at")
    .orderBy("a.id")
    .limit(MAX_STATEMENTS + 1)
    .execute();
}
