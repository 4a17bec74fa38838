/**
 * The dashboard's figures, in SQL only: open work, what is due today or overdue, what waits for a second
 * person, volumes over time, how fast the desk answers and acts, and which customers have the most cases.
 * Every figure is within the reader's brands, and every one matches a list the console links to.
 */
import { type RawBuilder, sql } from "kysely";
import { type BrandScope, inBrandScope } from "../auth/scope.ts";
import { TAKEN_ACTION_STATES } from "../cases/facts.ts";
import { FINISHED_CASE_STATES } from "../db/case-states.ts";
import type { DB } from "../db/index.ts";

/** The longest period the volumes cover: a year (one row per day, category, brand and kind at most). */
export const MAX_STATS_DAYS = 366;
/** How many customers the "top customers" list names. */
export const TOP_CUSTOMERS = 10;

export interface Overview {
  open: number;
  due_today: number;
  overdue: number;
  awaiting_approval: number;
  needs_classification: number;
  triage: number;
  from: string;
  to: string;
  volumes: { day: string; category: string; brand: string; kind: string; count: number }[];
  median_first_reply_seconds: number | null;
  median_to_action_seconds: number | null;
  top_customers: { id: string; name: string; cases: number }[];
}

/**
 * The overview of the `days` up to `now`; "today" ends at midnight in `zone` (the desk's calendar). The
 * medians are over the cases opened in the period that were answered (a message out) or acted on.
 */
export async function overview(
  db: DB,
  scope: BrandScope,
  opts: { days: number; now: Date; endOfToday: Date },
): Promise<Overview> {
  const days = Math.min(Math.max(1, Math.floor(opts.days)), MAX_STATS_DAYS);
  const from = new Date(opts.now.getTime() - days * 86_400_000);
  const finished = [...FINISHED_CASE_STATES];
  const counts = db
    .selectFrom("cases as c")
    .where(inBrandScope(scope, "c.brand_id"))
    .where("c.state", "not in", finished)
    .select((eb) => [
      eb.fn.countAll<string>().as("open"),
      sql<string>`count(*) filter (where c.next_due_at < ${opts.endOfToday} and c.next_due_at >= ${opts.now})`.as(
        "due_today",
      ),
      sql<string>`count(*) filter (where c.next_due_at < ${opts.now})`.as("overdue"),
      sql<string>`count(*) filter (where c.needs_classification)`.as("needs_classification"),
      sql<string>`count(*) filter (where exists (select 1 from actions a where a.case_id = c.id
        and a.state = 'awaiting_approval'))`.as("awaiting_approval"),
    ])
    .executeTakeFirstOrThrow();
  const triage = db
    .selectFrom("reports as r")
    .where("r.state", "=", "triage")
    .where(inBrandScope(scope, "r.brand_id"))
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  const volumes = db
    .selectFrom("cases as c")
    .where(inBrandScope(scope, "c.brand_id"))
    .where("c.opened_at", ">=", from)
    .select([
      sql<string>`to_char(date_trunc('day', c.opened_at at time zone 'UTC'), 'YYYY-MM-DD')`.as("day"),
      "c.category",
      "c.brand_id as brand",
      "c.kind",
      (eb) => eb.fn.countAll<string>().as("count"),
    ])
    .groupBy([sql`1`, "c.category", "c.brand_id", "c.kind"])
    .orderBy(sql`1`)
    .execute();
  // Medians over the period's cases that were answered / acted on: from the period's messages and actions
  // (a first reply to a case opened in the period cannot be older than the period), first one per case.
  const median = (firsts: RawBuilder<unknown>) =>
    sql<{ median: number | null }>`select percentile_cont(0.5) within group
        (order by extract(epoch from f.at - c.opened_at)) as median
      from (${firsts}) f join cases c on c.id = f.case_id
      where c.opened_at >= ${from} and ${inBrandScope(scope, "c.brand_id")}`
      .execute(db)
      .then((r) => r.rows[0]?.median ?? null);
  const firstReply = median(sql`select case_id, min(created_at) as at from messages
    where direction = 'out' and case_id is not null and created_at >= ${from} group by case_id`);
  const toAction = median(sql`select case_id, min(created_at) as at from actions
    where state = any(${[...TAKEN_ACTION_STATES]}::text[]) and created_at >= ${from} group by case_id`);
  const top = db
    .selectFrom("cases as c")
    .innerJoin("customers as cu", "cu.id", "c.customer_id")
    .where(inBrandScope(scope, "c.brand_id"))
    .where("c.opened_at", ">=", from)
    .select(["cu.id", "cu.name", (eb) => eb.fn.countAll<string>().as("cases")])
    .groupBy(["cu.id", "cu.name"])
    .orderBy("cases", "desc")
    .orderBy("cu.id")
    .limit(TOP_CUSTOMERS)
    .execute();
  const [c, t, v, fr, ta, tc] = await Promise.all([counts, triage, volumes, firstReply, toAction, top]);
  const seconds = (x: number | string | null) => (x === null ? null : Math.round(Number(x)));
  return {
    open: Number(c.open),
    due_today: Number(c.due_today),
    overdue: Number(c.overdue),
    awaiting_approval: Number(c.awaiting_approval),
    needs_classification: Number(c.needs_classification),
    triage: Number(t.n),
    from: from.toISOString(),
    to: opts.now.toISOString(),
    volumes: v.map((r) => ({
      day: r.day,
      category: r.category,
      brand: r.brand,
      kind: r.kind,
      count: Number(r.count),
    })),
    median_first_reply_seconds: seconds(fr),
    median_to_action_seconds: seconds(ta),
    top_customers: tc.map((r) => ({ id: r.id, name: r.name, cases: Number(r.cases) })),
  };
}
