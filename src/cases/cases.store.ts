/**
 * Reading cases: the queue (filtered, due first, keyset cursor), one case with everything the desk shows,
 * and the customer's history the policy engine reads.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { auditTrail } from "../audit.ts";
import { type BrandScope, EVERY_BRAND, inBrandScope } from "../auth/scope.ts";
import type { CaseState, Database } from "../db/schema.ts";
import { fail, ok } from "../errors.ts";
import type { CustomerHistory, Proposal } from "../policy/engine.ts";
import { proposeNextStep } from "../policy/engine.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import type { Kind } from "../taxonomy.ts";
import { AUTOMATIC_DEADLINES } from "./clocks.ts";
import {
  type ActionForHistory,
  buildFacts,
  buildHistory,
  type CaseForHistory,
  readAgentFacts,
} from "./facts.ts";
import { kycStatusOf } from "./kyc.store.ts";
import { FINISHED_STATES } from "./states.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface CaseFilter {
  /** Undefined: the open cases (the default queue). */
  states?: readonly CaseState[];
  brand?: string;
  customer?: string;
  category?: string;
  kind?: Kind;
  dueBefore?: Date;
  q?: string;
  owner?: number;
  escalated?: boolean;
  /** Cases of category other waiting for a person to classify them. */
  needsClassification?: boolean;
  /** Cases with (true) or without (false) a step waiting for a second person's approval. */
  awaitingApproval?: boolean;
  /** Cases nobody owns (true) or someone owns (false). */
  unassigned?: boolean;
  /** Only cases of these brands (the reader's scope); undefined: every brand. */
  scope?: BrandScope;
}

export interface QueueCursor {
  /** cases.queue_rank: orders lead, then escalated cases, then the rest. */
  rank: number;
  due: string;
  priority: number;
  id: number;
}

export function encodeCursor(c: QueueCursor): string {
  return Buffer.from(JSON.stringify([c.rank, c.due, c.priority, c.id])).toString("base64url");
}

export function decodeCursor(s: string): QueueCursor | undefined {
  try {
    const v = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(v) || v.length !== 4) return undefined;
    const [rank, due, priority, id] = v as unknown[];
    if (
      typeof rank !== "number" ||
      typeof due !== "string" ||
      typeof priority !== "number" ||
      typeof id !== "number"
    )
      return undefined;
    if (due !== "infinity" && Number.isNaN(Date.parse(due))) return undefined;
    return { rank, due, priority, id };
  } catch {
    return undefined;
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface QueueRow {
  id: number;
  brand_id: string;
  customer_id: string | null;
  customer_name: string | null;
  category: string;
  kind: Kind;
  state: CaseState;
  priority: number;
  owner_id: number | null;
  owner_email: string | null;
  escalated: boolean;
  needs_classification: boolean;
  event_count: number;
  subject_count: number;
  top_subjects: string[];
  next_due_at: Date | number;
  queue_rank: number;
  next_deadline: { name: string; due_at: string; source: string } | null;
  opened_at: Date;
  updated_at: Date;
  first_event_at: Date | null;
  last_event_at: Date | null;
  merged_into: number | null;
}

function filtered(db: Db, f: CaseFilter) {
  let q = db
    .selectFrom("cases as c")
    .leftJoin("customers as cu", "cu.id", "c.customer_id")
    .where(inBrandScope(f.scope ?? EVERY_BRAND, "c.brand_id"));
  // The default queue uses the very predicate of the partial index cases_open_due.
  if (f.states === undefined) q = q.where("c.state", "not in", [...FINISHED_STATES]);
  else if (f.states.length > 0) q = q.where("c.state", "in", [...f.states]);
  if (f.brand) q = q.where("c.brand_id", "=", f.brand);
  if (f.customer) q = q.where("c.customer_id", "=", f.customer);
  if (f.category) q = q.where("c.category", "=", f.category);
  if (f.kind) q = q.where("c.kind", "=", f.kind);
  if (f.dueBefore) q = q.where("c.next_due_at", "<", f.dueBefore);
  if (f.owner !== undefined) q = q.where("c.owner_id", "=", f.owner);
  if (f.unassigned !== undefined) q = q.where("c.owner_id", f.unassigned ? "is" : "is not", null);
  if (f.escalated !== undefined) q = q.where("c.escalated", "=", f.escalated);
  if (f.needsClassification !== undefined) q = q.where("c.needs_classification", "=", f.needsClassification);
  if (f.awaitingApproval !== undefined) {
    const want = f.awaitingApproval;
    q = q.where((eb) => {
      const waiting = eb.exists(
        eb
          .selectFrom("actions as a")
          .select(sql`1`.as("one"))
          .whereRef("a.case_id", "=", "c.id")
          .where("a.state", "=", "awaiting_approval"),
      );
      return want ? waiting : eb.not(waiting);
    });
  }
  const text = f.q?.trim();
  if (text) {
    const like = `%${escapeLike(text)}%`;
    const asId = /^#?\d{1,15}$/.test(text) ? Number(text.replace("#", "")) : undefined;
    q = q.where((eb) =>
      eb.or([
        eb("c.customer_id", "ilike", like),
        eb("cu.name", "ilike", like),
        eb("c.subject_key", "ilike", like),
        eb.exists(
          eb
            .selectFrom("case_subjects as s")
            .select(sql`1`.as("one"))
            .whereRef("s.case_id", "=", "c.id")
            .where("s.value", "ilike", like),
        ),
        ...(asId !== undefined ? [eb("c.id", "=", asId)] : []),
      ]),
    );
  }
  return q;
}

/**
 * The queue: authority orders lead, then escalated cases, then the rest (cases.queue_rank); within each,
 * what is due first (the earliest open deadline), then priority, then age.
 */
export async function listCases(
  db: Db,
  f: CaseFilter,
  page: { limit: number; cursor?: QueueCursor },
): Promise<{ rows: QueueRow[]; total: number; next: QueueCursor | null }> {
  let q = filtered(db, f);
  const countQuery = q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  if (page.cursor) {
    const { rank, due, priority, id } = page.cursor;
    q = q.where(
      sql<boolean>`(c.queue_rank, c.next_due_at, c.priority, c.id) > (${rank}, ${due}::timestamptz, ${priority}, ${id})`,
    );
  }
  const rowsQuery = q
    .leftJoin("users as u", "u.id", "c.owner_id")
    .select([
      "c.id",
      "c.brand_id",
      "c.customer_id",
      "cu.name as customer_name",
      "c.category",
      "c.kind",
      "c.state",
      "c.priority",
      "c.owner_id",
      "u.email as owner_email",
      "c.escalated",
      "c.needs_classification",
      "c.event_count",
      "c.subject_count",
      "c.next_due_at",
      "c.queue_rank",
      "c.opened_at",
      "c.updated_at",
      "c.first_event_at",
      "c.last_event_at",
      "c.merged_into",
      sql<string[]>`array(select s.value from case_subjects s where s.case_id = c.id
        order by s.kind, s.value limit 3)`.as("top_subjects"),
      sql<
        QueueRow["next_deadline"]
      >`(select json_build_object('name', d.name, 'due_at', d.due_at, 'source', d.source)
        from case_deadlines d where d.case_id = c.id and d.met_at is null
          and d.name <> all(${AUTOMATIC_DEADLINES}::text[])
        order by d.due_at limit 1)`.as("next_deadline"),
    ])
    .orderBy("c.queue_rank")
    .orderBy("c.next_due_at")
    .orderBy("c.priority")
    .orderBy("c.id")
    .limit(page.limit + 1)
    .execute();
  const [count, rows] = await Promise.all([countQuery, rowsQuery]);
  const more = rows.length > page.limit;
  const items = (more ? rows.slice(0, page.limit) : rows) as QueueRow[];
  const last = items.at(-1);
  const next =
    more && last
      ? {
          rank: last.queue_rank,
          due: last.next_due_at instanceof Date ? last.next_due_at.toISOString() : "infinity",
          priority: last.priority,
          id: last.id,
        }
      : null;
  return { rows: items, total: Number(count.n), next };
}

export type CaseRow = Awaited<ReturnType<typeof loadCase>>;

/** A case; undefined when there is none, or none within `scope` (the reader's brands). */
export async function loadCase(db: Db, id: number, scope: BrandScope = EVERY_BRAND) {
  return db
    .selectFrom("cases")
    .selectAll()
    .where("id", "=", id)
    .where(inBrandScope(scope, "cases.brand_id"))
    .executeTakeFirst();
}

/** The case row, locked for the rest of the transaction; undefined outside `scope`. */
export async function lockCase(trx: Transaction<Database>, id: number, scope: BrandScope = EVERY_BRAND) {
  return trx
    .selectFrom("cases")
    .selectAll()
    .where("id", "=", id)
    .where(inBrandScope(scope, "cases.brand_id"))
    .forUpdate()
    .executeTakeFirst();
}

/** Cases kept for history: the customer's latest thousand, and always the current one. */
const HISTORY_LIMIT = 1000;

export async function customerHistoryRows(
  db: Db,
  customerId: string | null,
  currentCaseId: number,
): Promise<{ cases: CaseForHistory[]; actions: ActionForHistory[] }> {
  const cases = customerId
    ? await db
        .selectFrom("cases")
        .select(["id", "category", "kind", "state", "opened_at", "first_event_at"])
        .where("customer_id", "=", customerId)
        .where("merged_into", "is", null)
        .orderBy("opened_at", "desc")
        .limit(HISTORY_LIMIT)
        .execute()
    : await db
        .selectFrom("cases")
        .select(["id", "category", "kind", "state", "opened_at", "first_event_at"])
        .where("id", "=", currentCaseId)
        .execute();
  const ids = cases.map((c) => c.id);
  if (!ids.includes(currentCaseId)) ids.push(currentCaseId);
  const actions = await db
    .selectFrom("actions")
    .select(["case_id", "step", "state", "created_at", "approved_at", "done_at"])
    // A customer of a large feed has thousands of cases: one array parameter, whatever their number.
    .where(sql<boolean>`case_id = any(${ids}::bigint[])`)
    .execute();
  return { cases, actions };
}

export interface Assessment {
  proposal: Proposal | null;
  history: CustomerHistory;
  /** Why there is no proposal, when there is none. */
  note?: string;
}

/** The proposal for a case now, from the brand's profile, the case's facts and the customer's history. */
export async function assessCase(
  db: Db,
  policies: ReadonlyMap<string, PolicyProfile>,
  kase: NonNullable<CaseRow>,
  now = new Date(),
): Promise<Assessment> {
  const rows = await customerHistoryRows(db, kase.customer_id, kase.id);
  const history = buildHistory(rows.cases, rows.actions);
  const profile = policies.get(kase.brand_id);
  if (!profile)
    return { proposal: null, history, note: `no policy profile is loaded for brand ${kase.brand_id}` };
  const facts = buildFacts(kase, readAgentFacts(kase.facts), history, {
    now,
    kycStatus: await kycStatusOf(db, kase.customer_id),
    repeatWindowDays: profile.repeat_window_days,
  });
  return { proposal: proposeNextStep(profile, facts, history), history };
}

/** Everything GET /cases/:id shows, read in one go. */
export async function loadCaseBundle(
  db: Db,
  id: number,
  opts: { events: number; subjects: number },
  scope: BrandScope = EVERY_BRAND,
) {
  const kase = await loadCase(db, id, scope);
  if (!kase) return undefined;
  const [customer, owner, deadlines, subjects, notes, actions, trail, events, reports, byCategory] =
    await Promise.all([
      kase.customer_id
        ? db
            .selectFrom("customers")
            .select(["id", "name"])
            .where("id", "=", kase.customer_id)
            .executeTakeFirst()
        : undefined,
      kase.owner_id
        ? db
            .selectFrom("users")
            .select(["id", "email", "name"])
            .where("id", "=", kase.owner_id)
            .executeTakeFirst()
        : undefined,
      db.selectFrom("case_deadlines").selectAll().where("case_id", "=", id).orderBy("due_at").execute(),
      db
        .selectFrom("case_subjects")
        .selectAll()
        .where("case_id", "=", id)
        .orderBy("event_count", "desc")
        .orderBy("value")
        .limit(opts.subjects)
        .execute(),
      db
        .selectFrom("case_notes as n")
        .leftJoin("users as u", "u.id", "n.author_id")
        .select(["n.id", "n.visibility", "n.body", "n.created_at", "u.email as author_email"])
        .where("n.case_id", "=", id)
        .orderBy("n.created_at")
        .execute(),
      db.selectFrom("actions").selectAll().where("case_id", "=", id).orderBy("created_at").execute(),
      auditTrail(db as Kysely<Database>, "case", id),
      db
        .selectFrom("events")
        .selectAll()
        .where("case_id", "=", id)
        .orderBy("occurred_at")
        .orderBy("id")
        .limit(opts.events)
        .execute(),
      db
        .selectFrom("events")
        .select([
          "report_id",
          (eb) => eb.fn.min("received_at").as("received_at"),
          (eb) => eb.fn.countAll<number>().as("n"),
        ])
        .where("case_id", "=", id)
        .groupBy("report_id")
        .orderBy("report_id")
        .limit(200)
        .execute(),
      db
        .selectFrom("events")
        .select(["category", (eb) => eb.fn.countAll<number>().as("n")])
        .where("case_id", "=", id)
        .groupBy("category")
        .execute(),
    ]);
  return { kase, customer, owner, deadlines, subjects, notes, actions, trail, events, reports, byCategory };
}
export type CaseBundle = NonNullable<Awaited<ReturnType<typeof loadCaseBundle>>>;

export async function findUser(db: Db, ref: number | string) {
  const q = db.selectFrom("users").select(["id", "email", "name", "disabled_at"]);
  return typeof ref === "number"
    ? q.where("id", "=", ref).executeTakeFirst()
    : q.where("email", "=", ref.trim().toLowerCase()).executeTakeFirst();
}

/** Ids of the cases a filter matches, for bulk actions (at most `limit`). */
export async function matchingCaseIds(db: Db, f: CaseFilter, limit: number): Promise<number[]> {
  const rows = await filtered(db, f)
    .select("c.id")
    .orderBy("c.queue_rank")
    .orderBy("c.next_due_at")
    .orderBy("c.priority")
    .orderBy("c.id")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** The most cases one request may ask the proposals of (a queue page is 50). */
export const MAX_PROPOSALS = 100;

/** The proposals now for a page of cases (those within `scope`; others are left out). */
export async function proposalsFor(
  db: Db,
  policies: ReadonlyMap<string, PolicyProfile>,
  ids: readonly number[],
  scope: BrandScope = EVERY_BRAND,
): Promise<{ id: number; assessment: Assessment }[]> {
  const wanted = [...new Set(ids)].slice(0, MAX_PROPOSALS);
  if (wanted.length === 0) return [];
  const cases = await db
    .selectFrom("cases")
    .selectAll()
    .where(sql<boolean>`id = any(${wanted}::bigint[])`)
    .where(inBrandScope(scope, "cases.brand_id"))
    .execute();
  const now = new Date();
  return Promise.all(
    cases.map(async (kase) => ({ id: kase.id, assessment: await assessCase(db, policies, kase, now) })),
  );
}

/** One case as GET /cases/:id shows it: the bundle and the proposal now. */
export async function readCase(
  db: Db,
  policies: ReadonlyMap<string, PolicyProfile>,
  id: number,
  opts: { events: number; subjects: number } = { events: 20, subjects: 200 },
  /** The reader's brands: a case outside them is not found (404, not 403). */
  scope: BrandScope = EVERY_BRAND,
) {
  const bundle = await loadCaseBundle(db, id, opts, scope);
  if (!bundle) return fail(404, `there is no case ${id}`);
  return ok({ bundle, assessment: await assessCase(db, policies, bundle.kase) });
}
