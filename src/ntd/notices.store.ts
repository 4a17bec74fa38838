/**
 * The SQL of notice-and-takedown: notices and their files, the procedure of each location, complaints,
 * notifiers' standing (trusted, warned, suspended), the art. 18 flag and the transparency figures. It
 * decides nothing (notices.ts does).
 */
import { createHash } from "node:crypto";
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { type BrandScope, EVERY_BRAND, inBrandScope } from "../auth/scope.ts";
import { insertDeadlines, refreshNextDue } from "../cases/grouping.store.ts";
import type { Database, NoticesTable, NtdComplaintsTable, NtdProceduresTable } from "../db/schema.ts";
import { pgJson, pgText } from "../db/text.ts";

type Trx = Transaction<Database>;
type Db = Kysely<Database> | Trx;

export type NoticeRow = Selectable<NoticesTable>;
export type ProcedureRow = Selectable<NtdProceduresTable>;
export type ComplaintRow = Selectable<NtdComplaintsTable>;

// ---------------------------------------------------------------------------------------------------
// Notifiers

export interface Standing {
  id: number;
  email: string | null;
  name: string | null;
  org: string | null;
  kind: string;
  trusted: boolean;
  notices_warned_at: Date | null;
  notices_suspended_until: Date | null;
  notices_suspension_reason: string | null;
}

const STANDING = [
  "id",
  "email",
  "name",
  "org",
  "kind",
  "trusted",
  "notices_warned_at",
  "notices_suspended_until",
  "notices_suspension_reason",
] as const;

export async function standingByEmail(db: Db, email: string): Promise<Standing | undefined> {
  return db
    .selectFrom("reporters")
    .select(STANDING)
    .where("email", "=", email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function standingById(db: Db, id: number): Promise<Standing | undefined> {
  return db.selectFrom("reporters").select(STANDING).where("id", "=", id).executeTakeFirst();
}

export async function lockStanding(trx: Trx, id: number): Promise<Standing | undefined> {
  return trx.selectFrom("reporters").select(STANDING).where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function upsertNotifier(
  trx: Trx,
  n: { email: string; name: string | null; org: string | null },
): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    insert into reporters (email, name, org)
    values (${pgText(n.email).toLowerCase().slice(0, 320)}, ${pgText(n.name)?.slice(0, 300) ?? null},
      ${pgText(n.org)?.slice(0, 300) ?? null})
    on conflict (email) where email is not null
    do update set name = coalesce(reporters.name, excluded.name), org = coalesce(reporters.org, excluded.org)
    returning id`.execute(trx);
  return rows[0]!.id;
}

export async function setTrusted(trx: Trx, id: number, trusted: boolean): Promise<void> {
  await sql`update reporters set trusted = ${trusted},
      kind = case when ${trusted} and kind = 'person' then 'trusted_flagger'
                  when not ${trusted} and kind = 'trusted_flagger' then 'person' else kind end
    where id = ${id}`.execute(trx);
}

export async function setWarned(trx: Trx, id: number, at: Date): Promise<void> {
  await trx.updateTable("reporters").set({ notices_warned_at: at }).where("id", "=", id).execute();
}

export async function setSuspension(trx: Trx, id: number, until: Date | null, reason: string | null) {
  await trx
    .updateTable("reporters")
    .set({ notices_suspended_until: until, notices_suspension_reason: pgText(reason) })
    .where("id", "=", id)
    .execute();
}

/** Notices of a notifier decided manifestly unfounded since `since`. */
export async function countUnfounded(trx: Db, reporterId: number, since: Date): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(distinct p.notice_id)::int as n from ntd_procedures p join notices n on n.id = p.notice_id
    where n.reporter_id = ${reporterId} and p.manifestly_unfounded and p.decided_at >= ${since.toISOString()}::timestamptz`.execute(
    trx,
  );
  return rows[0]?.n ?? 0;
}

/** A notifier's notices in numbers, for the reporter's page. */
export async function noticeCounts(db: Db, reporterId: number) {
  const { rows } = await sql<{ notices: number; upheld: number; rejected: number; unfounded: number }>`
    select count(distinct n.id)::int as notices,
      count(*) filter (where p.decision = 'upheld')::int as upheld,
      count(*) filter (where p.decision = 'rejected')::int as rejected,
      count(*) filter (where p.manifestly_unfounded)::int as unfounded
    from notices n left join ntd_procedures p on p.notice_id = n.id
    where n.reporter_id = ${reporterId}`.execute(db);
  return rows[0] ?? { notices: 0, upheld: 0, rejected: 0, unfounded: 0 };
}

// ---------------------------------------------------------------------------------------------------
// Notices

/** The report that records a notice's receipt (its JSON as received, without the files). */
export async function insertNoticeReport(
  trx: Trx,
  r: {
    channel: "form" | "api";
    receivedAt: Date;
    raw: Buffer;
    brand: string;
    reporterId: number | null;
    subject: string;
  },
): Promise<number> {
  const row = await trx
    .insertInto("reports")
    .values({
      channel: r.channel,
      received_at: r.receivedAt,
      sha256: createHash("sha256").update(r.raw).digest("hex"),
      raw: r.raw,
      size: r.raw.length,
      content_type: "application/json",
      brand_id: r.brand,
      subject: pgText(r.subject).slice(0, 998),
      reporter_id: r.reporterId,
      format: "ntd-notice",
      state: "parsed",
      processed_at: new Date(),
      // The notice's own acknowledgement (notice_received) answers it, not the generic one.
      acknowledgement: "written",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface NewNotice {
  brand_id: string;
  report_id: number;
  channel: "form" | "api" | "mail";
  reporter_id: number | null;
  notifier_name: string | null;
  notifier_email: string | null;
  notifier_role: string | null;
  interest: string | null;
  legal_ground: string | null;
  category: string;
  explanation: string | null;
  locations: string[];
  good_faith: boolean;
  anonymous: boolean;
  trusted: boolean;
  missing: string[];
  language: string;
  received_at: Date;
  created_by: string;
  created_by_user: number | null;
}

/** Inserts a notice; its reference is made from its id by `reference`. */
export async function insertNotice(
  trx: Trx,
  n: NewNotice,
  reference: (id: number) => string,
): Promise<{ id: number; reference: string }> {
  const { rows } = await sql<{
    id: number;
  }>`select nextval(pg_get_serial_sequence('notices', 'id'))::bigint as id`.execute(trx);
  const id = Number(rows[0]!.id);
  const ref = reference(id);
  await sql`insert into notices (id, reference, brand_id, report_id, channel, reporter_id, notifier_name,
      notifier_email, notifier_role, interest, legal_ground, category, explanation, locations, good_faith,
      anonymous, trusted, missing, language, received_at, created_by, created_by_user)
    overriding system value
    values (${id}, ${ref}, ${n.brand_id}, ${n.report_id}, ${n.channel}, ${n.reporter_id},
      ${pgText(n.notifier_name)}, ${pgText(n.notifier_email)}, ${pgText(n.notifier_role)}, ${pgText(n.interest)},
      ${pgText(n.legal_ground)}, ${n.category}, ${pgText(n.explanation)}, ${n.locations.map((l) => pgText(l))}::text[],
      ${n.good_faith}, ${n.anonymous}, ${n.trusted}, ${n.missing}::text[], ${n.language},
      ${n.received_at.toISOString()}::timestamptz, ${pgText(n.created_by)}, ${n.created_by_user})`.execute(
    trx,
  );
  return { id, reference: ref };
}

export async function insertNoticeFiles(
  trx: Trx,
  noticeId: number,
  files: readonly { filename: string; declaredType: string | null; data: Buffer }[],
): Promise<void> {
  for (const f of files)
    await trx
      .insertInto("notice_files")
      .values({
        notice_id: noticeId,
        filename: pgText(f.filename).slice(0, 255) || "file",
        declared_type: pgText(f.declaredType)?.slice(0, 200) ?? null,
        size: f.data.length,
        sha256: createHash("sha256").update(f.data).digest("hex"),
        data: f.data,
      })
      .execute();
}

export async function setUnresolvedLocations(trx: Trx, id: number, unresolved: readonly string[]) {
  await trx
    .updateTable("notices")
    .set({ unresolved: unresolved.map((u) => pgText(u)) })
    .where("id", "=", id)
    .execute();
}

export async function lockNotice(trx: Trx, id: number, scope: BrandScope = EVERY_BRAND) {
  return trx
    .selectFrom("notices")
    .selectAll()
    .where("id", "=", id)
    .where(inBrandScope(scope, "notices.brand_id"))
    .forUpdate()
    .executeTakeFirst();
}

export async function noticeOfReport(db: Db, reportId: number) {
  return db.selectFrom("notices").selectAll().where("report_id", "=", reportId).executeTakeFirst();
}

export async function updateNoticeContent(
  trx: Trx,
  id: number,
  c: {
    notifier_name: string | null;
    notifier_email: string | null;
    interest: string | null;
    legal_ground: string | null;
    explanation: string | null;
    good_faith: boolean;
    missing: string[];
    completed_at: Date | null;
  },
) {
  await trx
    .updateTable("notices")
    .set({
      notifier_name: pgText(c.notifier_name),
      notifier_email: pgText(c.notifier_email),
      interest: pgText(c.interest),
      legal_ground: pgText(c.legal_ground),
      explanation: pgText(c.explanation),
      good_faith: c.good_faith,
      missing: c.missing,
      completed_at: c.completed_at,
    })
    .where("id", "=", id)
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Procedures

export async function insertProcedures(
  trx: Trx,
  rows: readonly { case_id: number; notice_id: number; location: string; state: ProcedureRow["state"] }[],
): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto("ntd_procedures")
    .values(rows.map((r) => ({ ...r, location: pgText(r.location) })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The procedures of a notice (or the named cases of it), locked, in case order. */
export async function lockProcedures(trx: Trx, noticeId: number, caseIds?: readonly number[]) {
  let q = trx.selectFrom("ntd_procedures").selectAll().where("notice_id", "=", noticeId);
  if (caseIds) q = q.where("case_id", "in", caseIds.length > 0 ? [...caseIds] : [-1]);
  return q.orderBy("case_id").forUpdate().execute();
}

export async function procedureOfCase(db: Db, caseId: number) {
  return db.selectFrom("ntd_procedures").selectAll().where("case_id", "=", caseId).executeTakeFirst();
}

export async function updateProcedure(
  trx: Trx,
  caseId: number,
  patch: Partial<Omit<ProcedureRow, "case_id" | "notice_id" | "location" | "decision_ground">> & {
    decision_ground?: unknown;
  },
): Promise<void> {
  const { decision_ground, ...rest } = patch;
  await trx
    .updateTable("ntd_procedures")
    .set({
      ...rest,
      ...(rest.reaction !== undefined ? { reaction: pgText(rest.reaction) } : {}),
      ...(rest.rebuttal !== undefined ? { rebuttal: pgText(rest.rebuttal) } : {}),
      ...(rest.decision_reason !== undefined ? { decision_reason: pgText(rest.decision_reason) } : {}),
      ...(decision_ground !== undefined ? { decision_ground: pgJson(decision_ground) } : {}),
      ...(rest.state ? { state_since: new Date() } : {}),
    })
    .where("case_id", "=", caseId)
    .execute();
}

/** Starts a case's procedure clock (kept if it runs already) and marks others met. */
export async function setClocks(
  trx: Trx,
  caseIds: readonly number[],
  start: readonly { caseId: number; name: string; dueAt: Date; source: string }[],
  meet: readonly string[],
): Promise<void> {
  if (caseIds.length === 0) return;
  if (meet.length > 0)
    await sql`update case_deadlines set met_at = now()
      where case_id = any(${caseIds}::bigint[]) and name = any(${meet}::text[]) and met_at is null`.execute(
      trx,
    );
  if (start.length > 0) await insertDeadlines(trx, start, caseIds);
  else await refreshNextDue(trx, caseIds);
}

/** A trusted flagger's notice leads the queue; CSAM-like urgency stays in the case's priority. */
export async function setLead(trx: Trx, caseIds: readonly number[]): Promise<void> {
  if (caseIds.length === 0) return;
  await sql`update cases set lead = true where id = any(${caseIds}::bigint[])`.execute(trx);
}

/** The latest words the customer sent on a case since `since` (portal answer or mail reply). */
export async function latestCustomerWords(db: Db, caseId: number, since: Date | null) {
  return db
    .selectFrom("messages")
    .select(["id", "body", "created_at"])
    .where("case_id", "=", caseId)
    .where("direction", "=", "in")
    .where("party", "=", "customer")
    .$if(since !== null, (q) => q.where("created_at", ">=", since!))
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------------
// Complaints

export async function insertComplaint(
  trx: Trx,
  c: Omit<
    ComplaintRow,
    "id" | "outcome" | "outcome_reason" | "decided_at" | "decided_by" | "decided_by_user"
  >,
): Promise<number> {
  const row = await trx
    .insertInto("ntd_complaints")
    .values({ ...c, text: pgText(c.text), recorded_by: pgText(c.recorded_by) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function lockComplaint(trx: Trx, id: number) {
  return trx.selectFrom("ntd_complaints").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function decideComplaintRow(
  trx: Trx,
  id: number,
  d: { outcome: string; reason: string; by: string; userId: number | null },
) {
  await trx
    .updateTable("ntd_complaints")
    .set({
      outcome: d.outcome as ComplaintRow["outcome"],
      outcome_reason: pgText(d.reason),
      decided_at: new Date(),
      decided_by: pgText(d.by),
      decided_by_user: d.userId,
    })
    .where("id", "=", id)
    .execute();
}

export async function complaintsOf(db: Db, noticeIds: readonly number[]) {
  if (noticeIds.length === 0) return [];
  return db
    .selectFrom("ntd_complaints")
    .selectAll()
    .where("notice_id", "in", [...noticeIds])
    .orderBy("id")
    .execute();
}

export async function listComplaints(
  db: Db,
  f: { open?: boolean; scope: BrandScope; limit: number; before?: number },
) {
  return db
    .selectFrom("ntd_complaints as c")
    .innerJoin("notices as n", "n.id", "c.notice_id")
    .select([
      "c.id",
      "c.case_id",
      "c.notice_id",
      "n.reference",
      "n.brand_id",
      "c.complainant",
      "c.channel",
      "c.text",
      "c.received_at",
      "c.due_at",
      "c.recorded_by",
      "c.outcome",
      "c.outcome_reason",
      "c.decided_at",
      "c.decided_by",
    ])
    .where(inBrandScope(f.scope, "n.brand_id"))
    .$if(f.open === true, (q) => q.where("c.decided_at", "is", null))
    .$if(f.open === false, (q) => q.where("c.decided_at", "is not", null))
    .$if(f.before !== undefined, (q) => q.where("c.id", "<", f.before!))
    .orderBy("c.id", "desc")
    .limit(f.limit)
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Reading

/** A notice with its procedures (each with its open deadline), complaints and files, within `scope`. */
export async function loadNotice(db: Db, id: number, scope: BrandScope) {
  const notice = await db
    .selectFrom("notices")
    .selectAll()
    .where("id", "=", id)
    .where(inBrandScope(scope, "notices.brand_id"))
    .executeTakeFirst();
  if (!notice) return undefined;
  const [procedures, complaints, files] = await Promise.all([
    proceduresWithDue(db, [id]),
    complaintsOf(db, [id]),
    db
      .selectFrom("notice_files")
      .select(["id", "filename", "declared_type", "size", "sha256", "created_at"])
      .where("notice_id", "=", id)
      .orderBy("id")
      .execute(),
  ]);
  return { notice, procedures, complaints, files };
}

/** The clocks of the procedure itself (its state's, a complaint's, art. 18's), shown as its `due`. */
const PROCEDURE_CLOCKS = [
  "ntd_completeness",
  "ntd_assessment",
  "ntd_customer_reaction",
  "ntd_notifier_rebuttal",
  "ntd_complaint",
  "threat_to_life_report",
];

export type ProcedureWithDue = ProcedureRow & {
  customer_id: string | null;
  case_state: string;
  due: { name: string; due_at: string; source: string } | null;
};

export async function proceduresWithDue(db: Db, noticeIds: readonly number[]): Promise<ProcedureWithDue[]> {
  if (noticeIds.length === 0) return [];
  const { rows } = await sql<ProcedureWithDue>`
    select p.*, c.customer_id, c.state as case_state,
      (select json_build_object('name', d.name, 'due_at', d.due_at, 'source', d.source)
         from case_deadlines d where d.case_id = p.case_id and d.met_at is null
           and d.name = any(${PROCEDURE_CLOCKS}::text[])
         order by d.due_at limit 1) as due
    from ntd_procedures p join cases c on c.id = p.case_id
    where p.notice_id = any(${noticeIds}::bigint[])
    order by p.notice_id, p.case_id`.execute(db);
  return rows;
}

export async function listNotices(
  db: Db,
  f: { scope: BrandScope; state?: string; brand?: string; limit: number; before?: number },
) {
  const rows = await db
    .selectFrom("notices as n")
    .selectAll("n")
    .where(inBrandScope(f.scope, "n.brand_id"))
    .$if(f.brand !== undefined, (q) => q.where("n.brand_id", "=", f.brand!))
    .$if(f.state !== undefined, (q) =>
      q.where((eb) =>
        eb.exists(
          eb
            .selectFrom("ntd_procedures as p")
            .select("p.case_id")
            .whereRef("p.notice_id", "=", "n.id")
            .where("p.state", "=", f.state as ProcedureRow["state"]),
        ),
      ),
    )
    .$if(f.before !== undefined, (q) => q.where("n.id", "<", f.before!))
    .orderBy("n.id", "desc")
    .limit(f.limit)
    .execute();
  const procedures = await proceduresWithDue(
    db,
    rows.map((r) => r.id),
  );
  const complaints = await complaintsOf(
    db,
    rows.map((r) => r.id),
  );
  return { rows, procedures, complaints };
}

// ---------------------------------------------------------------------------------------------------
// Art. 18

export async function threatOf(db: Db, caseId: number) {
  return db.selectFrom("case_threats").selectAll().where("case_id", "=", caseId).executeTakeFirst();
}

export async function insertThreat(
  trx: Trx,
  t: { caseId: number; by: string; userId: number | null; reason: string },
): Promise<boolean> {
  const res = await trx
    .insertInto("case_threats")
    .values({
      case_id: t.caseId,
      flagged_by: pgText(t.by),
      flagged_by_user: t.userId,
      reason: pgText(t.reason),
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function markThreatReported(
  trx: Trx,
  t: { caseId: number; by: string; userId: number | null; authority: string; reference: string | null },
) {
  await trx
    .updateTable("case_threats")
    .set({
      informed_at: new Date(),
      informed_by: pgText(t.by),
      informed_by_user: t.userId,
      authority: pgText(t.authority),
      authority_reference: pgText(t.reference),
    })
    .where("case_id", "=", t.caseId)
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Transparency (DSA arts. 15, 24)

export async function transparencyRows(db: Db, from: Date, to: Date, scope: BrandScope) {
  const f = from.toISOString();
  const t = to.toISOString();
  const brandOk = (col: string) =>
    scope === null ? sql`true` : sql`${sql.ref(col)} = any(${[...scope]}::text[])`;
  const scopeList = scope === null ? [] : [...scope];
  const everyBrand = scope === null;
  const [notices, decisions, measures, complaints, orders, suspensions, threats, medians] = await Promise.all(
    [
      sql<{ category: string; trusted: boolean; channel: string; n: number }>`
      select category, trusted, channel, count(*)::int as n from notices
      where received_at >= ${f}::timestamptz and received_at < ${t}::timestamptz and ${brandOk("brand_id")}
      group by 1, 2, 3 order by 1, 2, 3`.execute(db),
      sql<{ decision: string; basis: string | null; n: number; median_seconds: number | null }>`
      select p.decision, p.decision_basis as basis, count(*)::int as n,
        percentile_cont(0.5) within group (order by extract(epoch from p.decided_at - n.received_at))
          as median_seconds
      from ntd_procedures p join notices n on n.id = p.notice_id
      where p.decided_at >= ${f}::timestamptz and p.decided_at < ${t}::timestamptz and ${brandOk("n.brand_id")}
      group by 1, 2 order by 1, 2`.execute(db),
      sql<{ step: string; ground: string; source: string; n: number; median_seconds: number | null }>`
      select a.step,
        case when a.order_id is not null then 'law'
             when p.decision_basis in ('manifest', 'law', 'order') then 'law' else 'terms' end as ground,
        case when a.order_id is not null then 'order' when p.case_id is not null then 'notice'
             else 'own_initiative' end as source,
        count(*)::int as n,
        percentile_cont(0.5) within group (order by extract(epoch from a.done_at - n.received_at))
          filter (where n.received_at is not null) as median_seconds
      from actions a
      join cases c on c.id = a.case_id
      left join ntd_procedures p on p.case_id = a.case_id
      left join notices n on n.id = p.notice_id
      where a.state in ('done', 'undone') and a.done_at >= ${f}::timestamptz and a.done_at < ${t}::timestamptz
        and a.step in ('suspend', 'block', 'remove_content', 'downgrade', 'terminate')
        and ${brandOk("c.brand_id")}
      group by 1, 2, 3 order by 1, 2, 3`.execute(db),
      sql<{ complainant: string; outcome: string | null; n: number; median_seconds: number | null }>`
      select c.complainant, c.outcome, count(*)::int as n,
        percentile_cont(0.5) within group (order by extract(epoch from c.decided_at - c.received_at))
          as median_seconds
      from ntd_complaints c join notices n on n.id = c.notice_id
      where c.received_at >= ${f}::timestamptz and c.received_at < ${t}::timestamptz and ${brandOk("n.brand_id")}
      group by 1, 2 order by 1, 2`.execute(db),
      sql<{ authority: string; category: string; n: number; median_execute_seconds: number | null }>`
      select o.authority, o.category, count(*)::int as n,
        percentile_cont(0.5) within group (order by extract(epoch from o.executed_at - o.received_at))
          as median_execute_seconds
      from orders o join reports r on r.id = o.report_id
      where o.received_at >= ${f}::timestamptz and o.received_at < ${t}::timestamptz
        and (${everyBrand} or r.brand_id = any(${scopeList}::text[]))
      group by 1, 2 order by 1, 2`.execute(db),
      sql<{ n: number }>`
      select count(*)::int as n from audit_log
      where action = 'reporter.notices_suspended' and at >= ${f}::timestamptz and at < ${t}::timestamptz`.execute(
        db,
      ),
      sql<{ flagged: number; reported: number }>`
      select count(*)::int as flagged, count(t.informed_at)::int as reported
      from case_threats t join cases c on c.id = t.case_id
      where t.flagged_at >= ${f}::timestamptz and t.flagged_at < ${t}::timestamptz and ${brandOk("c.brand_id")}`.execute(
        db,
      ),
      sql<{ decision: number | null; action: number | null; complaint: number | null; order: number | null }>`
      select
        (select percentile_cont(0.5) within group (order by extract(epoch from p.decided_at - n.received_at))
          from ntd_procedures p join notices n on n.id = p.notice_id
          where p.decided_at >= ${f}::timestamptz and p.decided_at < ${t}::timestamptz and ${brandOk("n.brand_id")}) as decision,
        (select percentile_cont(0.5) within group (order by extract(epoch from a.done_at - n.received_at))
          from actions a join ntd_procedures p on p.case_id = a.case_id join notices n on n.id = p.notice_id
          where a.state in ('done', 'undone') and a.done_at >= ${f}::timestamptz and a.done_at < ${t}::timestamptz
            and ${brandOk("n.brand_id")}) as action,
        (select percentile_cont(0.5) within group (order by extract(epoch from c.decided_at - c.received_at))
          from ntd_complaints c join notices n on n.id = c.notice_id
          where c.decided_at >= ${f}::timestamptz and c.decided_at < ${t}::timestamptz and ${brandOk("n.brand_id")}) as complaint,
        (select percentile_cont(0.5) within group (order by extract(epoch from o.executed_at - o.received_at))
          from orders o join reports r on r.id = o.report_id
          where o.executed_at >= ${f}::timestamptz and o.executed_at < ${t}::timestamptz
            and (${everyBrand} or r.brand_id = any(${scopeList}::text[]))) as "order"`.execute(db),
    ],
  );
  return {
    notices: notices.rows,
    decisions: decisions.rows,
    measures: measures.rows,
    complaints: complaints.rows,
    orders: orders.rows,
    suspensions: suspensions.rows[0]?.n ?? 0,
    threats: threats.rows[0] ?? { flagged: 0, reported: 0 },
    medians: medians.rows[0] ?? { decision: null, action: null, complaint: null, order: null },
  };
}

/** A reporter as the reader may see them: only one who reported to a brand within the reader's brands. */
export async function reporterInScope(db: Db, id: number, scope: BrandScope): Promise<Standing | undefined> {
  let q = db
    .selectFrom("reporters as p")
    .select(STANDING.map((c) => `p.${c}` as const))
    .where("p.id", "=", id);
  if (scope !== null)
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("reports as r")
          .select("r.id")
          .whereRef("r.reporter_id", "=", "p.id")
          .where(inBrandScope(scope, "r.brand_id")),
      ),
    );
  return q.executeTakeFirst();
}

export async function noticeFile(db: Db, noticeId: number, fileId: number, scope: BrandScope) {
  return db
    .selectFrom("notice_files as f")
    .innerJoin("notices as n", "n.id", "f.notice_id")
    .select(["f.filename", "f.data", "f.size"])
    .where("f.id", "=", fileId)
    .where("f.notice_id", "=", noticeId)
    .where(inBrandScope(scope, "n.brand_id"))
    .executeTakeFirst();
}
