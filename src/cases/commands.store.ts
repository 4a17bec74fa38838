/**
 * What people do to cases: change state, take a step (with four eyes where the profile asks for it),
 * approve, add notes, assign, record facts, merge and split. Each is one transaction that locks the case,
 * checks, changes and writes its audit entry (actor and reason) together.
 */
import { sql, type Transaction } from "kysely";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { can } from "../auth/roles.ts";
import { inBrandScope } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import type { CaseState, Database } from "../db/schema.ts";
import { pgJson, pgText } from "../db/text.ts";
import { fail, ok, type Result } from "../errors.ts";
import { mayApprove, mayRequestSevere, needsApproval } from "../policy/approval.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import { SEVERE_STEPS, STEP_NOUNS, type Step } from "../policy/steps.ts";
import { assessCase, type CaseRow, findUser, lockCase } from "./cases.store.ts";
import { deadlinesFor } from "./clocks.ts";
import {
  type ActionForHistory,
  type AgentFacts,
  actionTakenAt,
  readAgentFacts,
  TAKEN_ACTION_STATES,
} from "./facts.ts";
import { insertDeadlines, refreshNextDue, reportersWaiting } from "./grouping.store.ts";
import { checkTransition, FINISHED_STATES, isOpen, stateAfterStep } from "./states.ts";

type Trx = Transaction<Database>;
type Case = NonNullable<CaseRow>;

const notFound = (id: number) => fail(404, `there is no case ${id}`);

async function withCase<T>(
  db: DB,
  actor: Actor,
  id: number,
  fn: (trx: Trx, kase: Case) => Promise<Result<T>>,
): Promise<Result<T>> {
  return db.transaction().execute(async (trx) => {
    // A case outside the actor's brands is not found, as for reading it (src/auth/scope.ts).
    const kase = await lockCase(trx, id, actor.brands);
    if (!kase) return notFound(id);
    return fn(trx, kase);
  });
}

/** Moves a case; the caller checked the move. Finished cases stop their clocks. */
async function moveCase(
  trx: Trx,
  actor: Actor,
  kase: Case,
  to: CaseState,
  reason: string | null,
  extra: Record<string, unknown> = {},
): Promise<Result<CaseState>> {
  const finished = !isOpen(to);
  try {
    await sql`savepoint move_case`.execute(trx);
    await trx
      .updateTable("cases")
      .set({
        state: to,
        updated_at: new Date(),
        closed_at: finished ? new Date() : null,
        ...(finished ? { next_due_at: "infinity" } : {}),
      })
      .where("id", "=", kase.id)
      .execute();
    await sql`release savepoint move_case`.execute(trx);
  } catch (err) {
    // Reopening while a newer open case exists for the same customer and problem.
    if ((err as { code?: string }).code === "23505") {
      await sql`rollback to savepoint move_case`.execute(trx);
      const other = await trx
        .selectFrom("cases")
        .select("id")
        .where("brand_id", "=", kase.brand_id)
        .where("customer_id", "=", kase.customer_id)
        .where("category", "=", kase.category)
        .where("subject_key", "=", kase.subject_key)
        .where("state", "not in", FINISHED_STATES)
        .executeTakeFirst();
      return fail(
        409,
        `case ${other?.id ?? "?"} is already open for this customer and problem; work on that one, or merge this case into it`,
      );
    }
    throw err;
  }
  if (finished)
    await trx
      .updateTable("case_deadlines")
      .set({ met_at: new Date() })
      .where("case_id", "=", kase.id)
      .where("met_at", "is", null)
      .execute();
  else await refreshNextDue(trx, [kase.id]);
  await appendAudit(trx, {
    actor: actor.name,
    action: "case.transition",
    subjectType: "case",
    subjectId: kase.id,
    details: { from: kase.state, to, reason, ...extra },
  });
  kase.state = to;
  return ok(to);
}

export async function transitionCase(
  db: DB,
  actor: Actor,
  id: number,
  input: { to: CaseState; reason?: string | undefined },
): Promise<Result<{ id: number; from: CaseState; to: CaseState }>> {
  return withCase(db, actor, id, async (trx, kase) => {
    const from = kase.state;
    const check = checkTransition(from, input.to, input.reason);
    if (!check.ok) return check;
    const moved = await moveCase(trx, actor, kase, input.to, input.reason?.trim() || null);
    if (!moved.ok) return moved;
    return ok({ id, from, to: input.to });
  });
}

export async function addNote(
  db: DB,
  actor: Actor,
  id: number,
  input: { body: string; visibility: "internal" | "shared" },
): Promise<Result<{ id: number; case_id: number; visibility: "internal" | "shared"; created_at: Date }>> {
  const body = pgText(input.body.trim());
  if (!body) return fail(422, "a note needs text");
  return withCase(db, actor, id, async (trx, kase) => {
    const note = await trx
      .insertInto("case_notes")
      .values({
        case_id: kase.id,
        author_id: actor.userId,
        visibility: input.visibility,
        body,
      })
      .returning(["id", "created_at"])
      .executeTakeFirstOrThrow();
    await trx.updateTable("cases").set({ updated_at: new Date() }).where("id", "=", kase.id).execute();
    // The text stays in case_notes; the log records that it was written, by whom, and for whom.
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.note",
      subjectType: "case",
      subjectId: kase.id,
      details: { note: note.id, visibility: input.visibility },
    });
    return ok({ id: note.id, case_id: kase.id, visibility: input.visibility, created_at: note.created_at });
  });
}

export async function assignCase(
  db: DB,
  actor: Actor,
  id: number,
  input: { owner: number | string | null; reason?: string | undefined },
): Promise<Result<{ id: number; owner: { id: number; email: string } | null }>> {
  let owner: { id: number; email: string } | null = null;
  if (input.owner !== null) {
    const user = await findUser(db, input.owner);
    if (!user) return fail(422, `there is no user ${input.owner}; give a user's id or e-mail address`);
    if (user.disabled_at) return fail(422, `the user ${user.email} is disabled`);
    owner = { id: user.id, email: user.email };
  }
  return withCase(db, actor, id, async (trx, kase) => {
    if ((kase.owner_id ?? null) === (owner?.id ?? null)) return ok({ id, owner });
    await trx
      .updateTable("cases")
      .set({ owner_id: owner?.id ?? null, updated_at: new Date() })
      .where("id", "=", kase.id)
      .execute();
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.assign",
      subjectType: "case",
      subjectId: kase.id,
      details: { from: kase.owner_id, to: owner?.email ?? null, reason: input.reason ?? null },
    });
    return ok({ id, owner });
  });
}

export async function setFacts(
  db: DB,
  actor: Actor,
  id: number,
  input: { facts: AgentFacts; reason?: string | undefined },
): Promise<Result<{ id: number; facts: AgentFacts }>> {
  return withCase(db, actor, id, async (trx, kase) => {
    const before = readAgentFacts(kase.facts);
    const after = { ...before, ...input.facts };
    await trx
      .updateTable("cases")
      .set({ facts: pgJson(after), updated_at: new Date() })
      .where("id", "=", kase.id)
      .execute();
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.facts",
      subjectType: "case",
      subjectId: kase.id,
      details: { set: input.facts, reason: input.reason ?? null },
    });
    return ok({ id, facts: after });
  });
}

export interface ActionInput {
  step: Step;
  reason?: string | undefined;
  note?: string | undefined;
  params?: Record<string, unknown> | undefined;
}

export interface ActionResult {
  action: {
    id: number;
    step: Step;
    state: string;
    proposed_step: string | null;
    needs_approval: boolean;
  };
  case_state: CaseState;
}

/** After a step is in force: the case moves on and the clocks it starts run. */
async function stepTaken(
  trx: Trx,
  actor: Actor,
  kase: Case,
  profile: PolicyProfile | undefined,
  step: Step,
  actionId: number,
) {
  const to = stateAfterStep(kase.state, step);
  if (to) await moveCase(trx, actor, kase, to, `${STEP_NOUNS[step]} (action ${actionId})`);
  if (!profile) return;
  const actions = (await trx
    .selectFrom("actions")
    .select(["case_id", "step", "state", "created_at", "approved_at", "done_at"])
    .where("case_id", "=", kase.id)
    .execute()) as ActionForHistory[];
  const taken = actions
    .filter((a) => TAKEN_ACTION_STATES.includes(a.state))
    .map((a) => ({ step: a.step as Step, at: actionTakenAt(a) }));
  const first = await trx
    .selectFrom("events")
    .select(["report_id", "received_at"])
    .where("case_id", "=", kase.id)
    .orderBy("received_at")
    .limit(1)
    .executeTakeFirst();
  const waiting = first ? await reportersWaiting(trx, [first.report_id]) : new Map<number, boolean>();
  const deadlines = deadlinesFor(profile, {
    kind: kase.kind,
    category: kase.category as Parameters<typeof deadlinesFor>[1]["category"],
    receivedAt: first?.received_at ?? kase.opened_at,
    hasReporter: first ? (waiting.get(first.report_id) ?? true) : false,
    actions: taken,
  });
  await insertDeadlines(
    trx,
    deadlines.map((d) => ({ caseId: kase.id, name: d.name, dueAt: d.due_at, source: d.source })),
    [kase.id],
  );
}

/**
 * Takes a step on a case. The proposed step needs no reason; another step does (the `actions` check
 * constraint enforces it as well). Severe steps wait for a second person unless the profile waives it.
 */
export async function takeAction(
  db: DB,
  policies: ReadonlyMap<string, PolicyProfile>,
  actor: Actor,
  id: number,
  input: ActionInput,
): Promise<Result<ActionResult>> {
  if (input.step === "provide_data" && !can(actor.role, "legal"))
    return fail(
      403,
      `the role ${actor.role} may not provide data to an authority (it needs the "legal" permission)`,
    );
  return withCase(db, actor, id, async (trx, kase) => {
    if (!isOpen(kase.state))
      return fail(
        409,
        `case ${id} is ${kase.state}; reopen it (transition to in_review) before taking a step`,
      );
    const { proposal } = await assessCase(trx, policies, kase);
    const reason = input.reason?.trim() || null;
    const deviates = proposal !== null && proposal.step !== input.step;
    if (deviates && !reason)
      return fail(
        422,
        `the proposed step is ${proposal.step} (${proposal.clause.document}, ${proposal.clause.article}); taking ${input.step} instead needs a reason in "reason"`,
      );
    const profile = policies.get(kase.brand_id);
    const severe = needsApproval(profile, input.step);
    if (severe || SEVERE_STEPS.includes(input.step)) {
      const person = mayRequestSevere(actor, input.step);
      if (!person.ok) return person;
    }
    const clause = proposal && !deviates ? proposal.clause : null;
    const row = await trx
      .insertInto("actions")
      .values({
        case_id: kase.id,
        step: input.step,
        proposed_step: proposal?.step ?? null,
        state: severe ? "awaiting_approval" : "pending",
        actor: actor.name,
        requested_by_user: actor.userId,
        reason: pgText(reason),
        note: pgText(input.note ?? null),
        params: pgJson(input.params ?? {}),
        clause_document: clause?.document ?? null,
        clause_article: clause?.article ?? null,
        clause_quote: clause?.quote ?? null,
      })
      .returning(["id", "state"])
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.action",
      subjectType: "case",
      subjectId: kase.id,
      details: {
        action: row.id,
        step: input.step,
        proposed_step: proposal?.step ?? null,
        rule: proposal?.rule ?? null,
        deviates,
        reason,
        awaiting_approval: severe,
        clause,
      },
    });
    await trx.updateTable("cases").set({ updated_at: new Date() }).where("id", "=", kase.id).execute();
    if (!severe) await stepTaken(trx, actor, kase, profile, input.step, row.id);
    return ok({
      action: {
        id: row.id,
        step: input.step,
        state: row.state,
        proposed_step: proposal?.step ?? null,
        needs_approval: severe,
      },
      case_state: kase.state,
    });
  });
}

/** A second person approves a severe step; whoever asked for it cannot. */
export async function approveAction(
  db: DB,
  policies: ReadonlyMap<string, PolicyProfile>,
  actor: Actor,
  caseId: number,
  actionId: number,
  input: { note?: string | undefined },
): Promise<Result<ActionResult>> {
  return withCase(db, actor, caseId, async (trx, kase) => {
    const action = await trx
      .selectFrom("actions")
      .selectAll()
      .where("id", "=", actionId)
      .where("case_id", "=", caseId)
      .forUpdate()
      .executeTakeFirst();
    if (!action) return fail(404, `case ${caseId} has no action ${actionId}`);
    if (action.state !== "awaiting_approval")
      return fail(409, `action ${actionId} does not wait for approval (it is ${action.state})`);
    const fourEyes = mayApprove(actor, action.requested_by_user);
    if (!fourEyes.ok) return fourEyes;
    if (action.step === "provide_data" && !can(actor.role, "legal"))
      return fail(
        403,
        `approving the provision of data needs the "legal" permission; the role ${actor.role} lacks it`,
      );
    const now = new Date();
    await trx
      .updateTable("actions")
      .set({ state: "approved", approved_by: actor.name, approved_by_user: actor.userId, approved_at: now })
      .where("id", "=", actionId)
      .execute();
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.action.approve",
      subjectType: "case",
      subjectId: caseId,
      details: { action: actionId, step: action.step, requested_by: action.actor, note: input.note ?? null },
    });
    await stepTaken(trx, actor, kase, policies.get(kase.brand_id), action.step as Step, actionId);
    return ok({
      action: {
        id: actionId,
        step: action.step as Step,
        state: "approved",
        proposed_step: action.proposed_step,
        needs_approval: true,
      },
      case_state: kase.state,
    });
  });
}

/** Recounts a case's events, subjects and first/last event from what it holds now (after merge or split). */
async function recount(trx: Trx, ids: readonly number[]) {
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

/** Moves other cases of the same customer into this one; they are closed and point at it. */
export async function mergeCases(
  db: DB,
  actor: Actor,
  targetId: number,
  input: { from: number[]; reason: string },
): Promise<Result<{ id: number; merged: number[] }>> {
  const sources = [...new Set(input.from)].filter((s) => s !== targetId);
  if (sources.length === 0) return fail(422, "name at least one other case to merge into this one");
  if (!input.reason.trim()) return fail(422, "merging needs a reason");
  return db.transaction().execute(async (trx) => {
    // Lock in id order, as grouping does.
    const all = [targetId, ...sources].sort((a, b) => a - b);
    const rows = await trx
      .selectFrom("cases")
      .selectAll()
      .where("id", "in", all)
      .where(inBrandScope(actor.brands, "brand_id"))
      .orderBy("id")
      .forUpdate()
      .execute();
    const target = rows.find((r) => r.id === targetId);
    if (!target) return notFound(targetId);
    if (!isOpen(target.state))
      return fail(409, `case ${targetId} is ${target.state}; merge into an open case`);
    for (const s of sources) {
      const src = rows.find((r) => r.id === s);
      if (!src) return notFound(s);
      if (src.merged_into !== null)
        return fail(409, `case ${s} was already merged into case ${src.merged_into}`);
      if (src.brand_id !== target.brand_id || src.customer_id !== target.customer_id)
        return fail(
          409,
          `case ${s} is about another brand or customer than case ${targetId}; only one customer's cases can be merged`,
        );
    }
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
    await sql`update actions set case_id = ${targetId} where case_id = any(${sources}::bigint[])`.execute(
      trx,
    );
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
    await recount(trx, [targetId, ...sources]);
    for (const s of sources)
      await appendAudit(trx, {
        actor: actor.name,
        action: "case.merged",
        subjectType: "case",
        subjectId: s,
        details: { into: targetId, from_state: rows.find((r) => r.id === s)?.state, reason: input.reason },
      });
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.merge",
      subjectType: "case",
      subjectId: targetId,
      details: { from: sources, reason: input.reason },
    });
    return ok({ id: targetId, merged: sources });
  });
}

/**
 * Takes some subjects (hosts, URLs) out of a case into a new case of the same customer and problem, with
 * their events and the running clocks. New events about them keep joining the original case.
 */
export async function splitCase(
  db: DB,
  actor: Actor,
  id: number,
  input: { subjects: string[]; reason: string },
): Promise<Result<{ id: number; new_case: number; events: number; subjects: number }>> {
  if (!input.reason.trim()) return fail(422, "splitting needs a reason");
  const values = [...new Set(input.subjects.map((s) => s.trim()).filter(Boolean))];
  if (values.length === 0) return fail(422, "name the subjects (hosts, URLs, ...) to split off");
  return withCase(db, actor, id, async (trx, kase) => {
    if (!isOpen(kase.state)) return fail(409, `case ${id} is ${kase.state}; only an open case can be split`);
    const found = await trx
      .selectFrom("case_subjects")
      .select(["kind", "value"])
      .where("case_id", "=", id)
      .where("value", "in", values)
      .execute();
    const missing = values.filter((v) => !found.some((f) => f.value === v));
    if (missing.length > 0) return fail(422, `case ${id} has no subject ${missing.slice(0, 5).join(", ")}`);
    if (found.length === kase.subject_count)
      return fail(422, "that is every subject of the case; nothing would be left to split from");
    const created = await trx
      .insertInto("cases")
      .values({
        brand_id: kase.brand_id,
        customer_id: kase.customer_id,
        category: kase.category,
        kind: kase.kind,
        subject_key: `split:${id}:pending`,
        priority: kase.priority,
        facts: pgJson(readAgentFacts(kase.facts)),
        owner_id: kase.owner_id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const newId = created.id;
    // Its own key, so that it never takes the place of the case new events join.
    await trx
      .updateTable("cases")
      .set({ subject_key: `split:${newId}` })
      .where("id", "=", newId)
      .execute();
    const kinds = found.map((f) => f.kind);
    const vals = found.map((f) => f.value);
    await sql`update case_subjects set case_id = ${newId}
      where case_id = ${id} and (kind, value) in (select * from unnest(${kinds}::text[], ${vals}::text[]))`.execute(
      trx,
    );
    const moved = await sql<{ n: number }>`
      with m as (
        update events set case_id = ${newId}
        where case_id = ${id} and (
          subject_url = any(${vals}::text[]) or host(subject_ip) = any(${vals}::text[]) or subject_ip::text = any(${vals}::text[])
          or lower(subject_domain) = any(${vals}::text[]) or lower(subject_email) = any(${vals}::text[])
          or subject_phone = any(${vals}::text[]))
        returning 1)
      select count(*)::int as n from m`.execute(trx);
    await sql`insert into case_deadlines (case_id, name, due_at, source)
      select ${newId}, name, due_at, source from case_deadlines where case_id = ${id} and met_at is null`.execute(
      trx,
    );
    await recount(trx, [id, newId]);
    await refreshNextDue(trx, [newId]);
    const events = moved.rows[0]?.n ?? 0;
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.split",
      subjectType: "case",
      subjectId: id,
      details: { new_case: newId, subjects: vals.slice(0, 100), events, reason: input.reason },
    });
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.open",
      subjectType: "case",
      subjectId: newId,
      details: { split_from: id, subjects: vals.slice(0, 100), events, reason: input.reason },
    });
    return ok({ id, new_case: newId, events, subjects: found.length });
  });
}
