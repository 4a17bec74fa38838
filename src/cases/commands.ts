/**
 * What people do to cases: change state, add notes, assign, record facts, merge and split. Each use case is
 * one transaction that locks the case, checks with the state machine (states.ts), changes it through the
 * store (commands.store.ts) and writes its audit entry (actor and reason) with it. Steps on cases are
 * actions, whose home is src/measures/.
 */
import type { Transaction } from "kysely";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { type BrandScope, brandInScope, EVERY_BRAND } from "../auth/scope.ts";
import { decide } from "../db/decide.ts";
import type { DB } from "../db/index.ts";
import type { CaseState, Database } from "../db/schema.ts";
import { pgText } from "../db/text.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import { STEP_NOUNS, type Step } from "../policy/steps.ts";
import { type CaseRow, findUser, lockCase } from "./cases.store.ts";
import { deadlinesFor } from "./clocks.ts";
import {
  caseActions,
  findSubjects,
  firstReportOf,
  insertNote,
  insertSplitCase,
  lockCasesInOrder,
  mergeInto,
  moveSubjects,
  recount,
  touchCase,
  updateCaseState,
  updateFacts,
  updateOwner,
} from "./commands.store.ts";
import { type AgentFacts, actionTakenAt, readAgentFacts, TAKEN_ACTION_STATES } from "./facts.ts";
import { insertDeadlines, refreshNextDue, reportersWaiting } from "./grouping.store.ts";
import { checkTransition, isOpen, stateAfterStep } from "./states.ts";

type Trx = Transaction<Database>;
export type Case = NonNullable<CaseRow>;

const notFound = (id: number) => fail(404, `there is no case ${id}`);

/** Runs `fn` in a transaction with the case locked (rolled back when it fails); 404 without such a case. */
export async function withCase<T>(
  db: DB,
  id: number,
  fn: (trx: Trx, kase: Case) => Promise<Result<T>>,
  scope: BrandScope = EVERY_BRAND,
): Promise<Result<T>> {
  return decide(db, async (trx) => {
    // A case outside the actor's brands is not found, as for reading it (src/auth/scope.ts).
    const kase = await lockCase(trx, id, scope);
    if (!kase) return notFound(id);
    return fn(trx, kase);
  });
}

/** `withCase` within the actor's brands. */
const withCaseOf = <T>(db: DB, actor: Actor, id: number, fn: (trx: Trx, kase: Case) => Promise<Result<T>>) =>
  withCase(db, id, fn, actor.brands);

/** Moves a locked case; the caller checked the move. Finished cases stop their clocks. */
export async function moveCase(
  trx: Trx,
  actor: Actor,
  kase: Case,
  to: CaseState,
  reason: string | null,
  extra: Record<string, unknown> = {},
): Promise<Result<CaseState>> {
  const finished = !isOpen(to);
  const collision = await updateCaseState(trx, kase, to, {
    finished,
    reopening: !isOpen(kase.state) && !finished,
  });
  if (collision)
    return fail(
      409,
      `case ${collision.conflict ?? "?"} is already open for this customer and problem; work on that one, or merge this case into it`,
    );
  if (!finished) await refreshNextDue(trx, [kase.id]);
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

/** The clocks a step starts (a warning starts the customer's term, …), from every step taken on the case. */
export async function clocksAfterStep(
  trx: Trx,
  kase: Case,
  profile: PolicyProfile | undefined,
): Promise<void> {
  if (!profile) return;
  const taken = (await caseActions(trx, kase.id))
    .filter((a) => TAKEN_ACTION_STATES.includes(a.state))
    .map((a) => ({ step: a.step as Step, at: actionTakenAt(a) }));
  const first = await firstReportOf(trx, kase.id);
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

/** Where a step takes the case: waiting for the customer, measures, review. */
export async function moveAfterStep(trx: Trx, actor: Actor, kase: Case, step: Step, actionId: number) {
  const to = stateAfterStep(kase.state, step);
  if (to) await moveCase(trx, actor, kase, to, `${STEP_NOUNS[step]} (action ${actionId})`);
}

export async function transitionCase(
  db: DB,
  actor: Actor,
  id: number,
  input: { to: CaseState; reason?: string | undefined },
): Promise<Result<{ id: number; from: CaseState; to: CaseState }>> {
  return withCaseOf(db, actor, id, async (trx, kase) => {
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
  return withCaseOf(db, actor, id, async (trx, kase) => {
    const note = await insertNote(trx, {
      caseId: kase.id,
      authorId: actor.userId,
      visibility: input.visibility,
      body,
    });
    await touchCase(trx, kase.id);
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
  return withCaseOf(db, actor, id, async (trx, kase) => {
    if ((kase.owner_id ?? null) === (owner?.id ?? null)) return ok({ id, owner });
    await updateOwner(trx, kase.id, owner?.id ?? null);
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
  return withCaseOf(db, actor, id, async (trx, kase) => {
    const after = { ...readAgentFacts(kase.facts), ...input.facts };
    await updateFacts(trx, kase.id, after);
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
  return decide(db, async (trx) => {
    // Cases outside the actor's brands are not found, as for reading them.
    const rows = (await lockCasesInOrder(trx, [targetId, ...sources])).filter((r) =>
      brandInScope(actor.brands, r.brand_id),
    );
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
    await mergeInto(trx, targetId, sources);
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
 * their events and the running clocks. New events about them keep joining the original case. A gagged
 * case's part stays gagged.
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
  return withCaseOf(db, actor, id, async (trx, kase) => {
    if (!isOpen(kase.state)) return fail(409, `case ${id} is ${kase.state}; only an open case can be split`);
    const found = await findSubjects(trx, id, values);
    const missing = values.filter((v) => !found.some((f) => f.value === v));
    if (missing.length > 0) return fail(422, `case ${id} has no subject ${missing.slice(0, 5).join(", ")}`);
    if (found.length === kase.subject_count)
      return fail(422, "that is every subject of the case; nothing would be left to split from");
    const newId = await insertSplitCase(trx, kase, id, readAgentFacts(kase.facts));
    const events = await moveSubjects(trx, id, newId, found);
    await recount(trx, [id, newId]);
    await refreshNextDue(trx, [newId]);
    const vals = found.map((f) => f.value);
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
