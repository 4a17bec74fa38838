/**
 * Authority orders (SPEC C12), as the story goes: an order arrives (through the API, or as a mail a person
 * recognises as one), its receipt is recorded as a report, its subjects are resolved to customers like
 * any report's, each customer gets a case of kind `authority` that leads the queue with the legal term
 * (and a supervisor warned at half of it), a gagged order gags its cases, the demanded steps are taken
 * with the legal basis as their clause (severe ones wait for a second person), and preservation holds the
 * data out of the retention purge until released. Proof of execution follows in execution.ts.
 */
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { lockCase } from "../cases/cases.store.ts";
import { decide } from "../db/decide.ts";
import type { Authority } from "../db/schema.ts";
import { fail, ok, type Result } from "../errors.ts";
import { insertEvents } from "../events/event.store.ts";
import { type Demand, type MeasureDeps, sendCalls, takeActionOn } from "../measures/actions.ts";
import { type CallSubject, classifySubject } from "../measures/payload.ts";
import type { ParsedEvent } from "../parsers/types.ts";
import type { PendingEvent, Pipeline } from "../pipeline.ts";
import { STEP_NOUNS } from "../policy/steps.ts";
import type { Category } from "../taxonomy.ts";
import {
  AUTHORITY_NAMES,
  type Contact,
  categoryOfOrder,
  checkStatedDeadline,
  orderDue,
  type Request,
  STEP_OF_REQUEST,
} from "./deadlines.ts";
import {
  insertHold,
  insertOrder,
  insertOrderReport,
  lockHold,
  lockReportForOrder,
  markOrderCases,
  releaseHoldRow,
  setReportReporter,
  setUnresolved,
  upsertAuthorityReporter,
} from "./orders.store.ts";

/** An order names at most this many subjects (URLs, addresses, domains); split a longer list. */
export const MAX_ORDER_SUBJECTS = 1000;

/** A receipt time later than now by more than this is a typing error, not an order from the future. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface OrderDeps extends MeasureDeps {
  pipeline: Pipeline;
}

export interface OrderInput {
  authority: Authority;
  reference: string;
  received_at?: Date | undefined;
  legal_basis: string;
  subjects: string[];
  requested: Request[];
  deadline_at?: Date | undefined;
  gag: boolean;
  contact: Contact;
  category?: Category | undefined;
  /** The brand the order was addressed to, when known (the customer's brand decides the case's). */
  brand?: string | undefined;
  /** When preservation ends; left out: until a person releases the hold. */
  preserve_until?: Date | undefined;
}

export interface OrderCreated {
  id: number;
  report_id: number;
  cases: number[];
  actions: number[];
  holds: number[];
  unresolved: string[];
  due_at: Date;
}

/** Records an order and takes what it demands; `fromReport` turns a stored report (a mail) into the order. */
export async function createOrder(
  deps: OrderDeps,
  actor: Actor,
  input: OrderInput,
  fromReport?: number,
): Promise<Result<OrderCreated>> {
  if (input.subjects.length > MAX_ORDER_SUBJECTS)
    return fail(
      422,
      `an order names at most ${MAX_ORDER_SUBJECTS} subjects; this one names ${input.subjects.length}: record it as several orders with the same reference`,
    );
  const subjects: { text: string; subject: CallSubject }[] = [];
  for (const text of input.subjects) {
    const subject = classifySubject(text);
    if (!subject)
      return fail(
        422,
        `the subject "${text.slice(0, 100)}" is not a URL, IP address, domain, e-mail address or phone number (+31…); correct it or leave it out`,
      );
    subjects.push({ text: text.trim(), subject });
  }
  const steps = [...new Set(input.requested)];
  if (fromReport === undefined && !input.received_at)
    return fail(422, "say when the order was received in received_at");
  if (input.received_at && input.received_at.getTime() > Date.now() + CLOCK_SKEW_MS)
    return fail(422, "received_at lies in the future; give the moment the order reached us");

  const calls: number[] = [];
  const result = await decide(deps.db, async (trx): Promise<Result<OrderCreated>> => {
    const org = AUTHORITY_NAMES[input.authority];
    const reporterId = await upsertAuthorityReporter(trx, input.contact, org);
    let reportId: number;
    let receivedAt: Date;
    let brand = input.brand ?? null;
    if (fromReport !== undefined) {
      const report = await lockReportForOrder(trx, fromReport);
      if (!report) return fail(404, `there is no report ${fromReport}`);
      if (report.order_id !== null)
        return fail(409, `report ${fromReport} is order ${report.order_id} already`);
      reportId = report.id;
      receivedAt = input.received_at ?? report.received_at;
      brand ??= report.brand_id;
      await setReportReporter(trx, reportId, reporterId);
    } else {
      receivedAt = input.received_at!;
      reportId = await insertOrderReport(trx, {
        receivedAt,
        raw: Buffer.from(JSON.stringify({ ...input, received_at: receivedAt })),
        brand,
        reporterId,
        subject: `${org} order ${input.reference}`,
      });
    }
    const stated = checkStatedDeadline(receivedAt, input.deadline_at);
    if (stated) return fail(422, stated);
    const due = orderDue({
      authority: input.authority,
      receivedAt,
      statedDeadline: input.deadline_at,
      legalBasis: input.legal_basis,
    });
    const category = categoryOfOrder(input.authority, input.category);
    const orderId = await insertOrder(trx, {
      authority: input.authority,
      reference: input.reference.trim(),
      received_at: receivedAt,
      legal_basis: input.legal_basis.trim(),
      subjects: subjects.map((s) => s.text),
      requested: steps,
      category,
      stated_deadline_at: input.deadline_at ?? null,
      due_at: due.due_at,
      deadline_source: due.source,
      gag: input.gag,
      contact: input.contact,
      report_id: reportId,
      created_by: actor.name,
      created_by_user: actor.userId,
    });

    // The order's subjects are resolved and grouped like any report's events.
    const parsed: ParsedEvent[] = subjects.map((s) => ({
      category,
      kind: "authority",
      subject: { [s.subject.kind]: s.subject.value },
      occurredAt: receivedAt,
      details: { order: orderId, reference: input.reference },
    }));
    const pending: PendingEvent[] = parsed.map((e) => ({
      report_id: reportId,
      brand_id: brand,
      category,
      kind: "authority",
      subject: e.subject,
      occurred_at: receivedAt,
      received_at: receivedAt,
    }));
    const resolved = await deps.pipeline.resolve(trx, pending);
    const caseIds = await deps.pipeline.group(trx, resolved);
    await insertEvents(trx, { reportId, receivedAt }, parsed, { resolved, caseIds });
    const unresolved = subjects.filter((_, i) => caseIds[i] === null).map((s) => s.text);
    await setUnresolved(trx, orderId, unresolved);
    const cases = [...new Set(caseIds.filter((c): c is number => c !== null))].sort((a, b) => a - b);
    const measureSteps = steps.filter((r): r is Exclude<Request, "preserve_data"> => r !== "preserve_data");
    await markOrderCases(trx, cases, {
      gag: input.gag,
      requestedStep: measureSteps[0] ? STEP_OF_REQUEST[measureSteps[0]] : null,
      due: due.due_at,
      half: due.half_at,
      source: due.source,
    });
    await appendAudit(trx, {
      actor: actor.name,
      action: "order.create",
      subjectType: "order",
      subjectId: orderId,
      details: {
        authority: input.authority,
        reference: input.reference,
        report: reportId,
        requested: steps,
        gag: input.gag,
        due_at: due.due_at.toISOString(),
        source: due.source,
        cases,
        unresolved,
      },
    });

    const holds: number[] = [];
    const actions: number[] = [];
    const clause = (step: string) => ({
      document: `${org} order ${input.reference.trim()}`,
      article: input.legal_basis.trim(),
      quote: `The order of ${receivedAt.toISOString().slice(0, 10)} demands: ${step}.`,
    });
    for (const caseId of cases) {
      const kase = (await lockCase(trx, caseId))!;
      await appendAudit(trx, {
        actor: actor.name,
        action: "case.order",
        subjectType: "case",
        subjectId: caseId,
        details: { order: orderId, authority: input.authority, reference: input.reference, gag: input.gag },
      });
      if (steps.includes("preserve_data")) {
        const caseSubjects = subjects.filter((_, i) => caseIds[i] === caseId).map((s) => s.text);
        const hold = await insertHold(trx, {
          order_id: orderId,
          case_id: caseId,
          customer_id: kase.customer_id,
          subjects: caseSubjects,
          legal_basis: input.legal_basis.trim(),
          reason: `preservation demanded by ${org} order ${input.reference.trim()}`,
          held_until: input.preserve_until ?? null,
          created_by: actor.name,
          created_by_user: actor.userId,
        });
        holds.push(hold);
        await appendAudit(trx, {
          actor: actor.name,
          action: "case.hold",
          subjectType: "case",
          subjectId: caseId,
          details: { hold, order: orderId, held_until: input.preserve_until?.toISOString() ?? null },
        });
      }
      for (const request of measureSteps) {
        const step = STEP_OF_REQUEST[request];
        const demand: Demand = { orderId, clause: clause(STEP_NOUNS[step]) };
        const taken = await takeActionOn(
          trx,
          deps,
          actor,
          kase,
          {
            step,
            reason: `demanded by ${org} order ${input.reference.trim()} (${input.legal_basis.trim()})`,
          },
          demand,
          calls,
        );
        if (!taken.ok) return taken;
        actions.push(taken.value.action.id);
      }
    }
    return ok({ id: orderId, report_id: reportId, cases, actions, holds, unresolved, due_at: due.due_at });
  });
  if (result.ok) await sendCalls(deps, calls);
  return result;
}

/** Ends a preservation hold: the retention purge may then take the data. */
export async function releaseHold(
  deps: Pick<MeasureDeps, "db">,
  actor: Actor,
  id: number,
  input: { reason?: string | undefined },
): Promise<Result<{ id: number; released_at: Date }>> {
  const reason = input.reason?.trim();
  if (!reason) return fail(422, 'releasing a hold needs a reason in "reason"; it goes into the audit log');
  return decide(deps.db, async (trx) => {
    const hold = await lockHold(trx, id);
    if (!hold) return fail(404, `there is no hold ${id}`);
    if (hold.released_at) return fail(409, `hold ${id} was released already by ${hold.released_by}`);
    await releaseHoldRow(trx, id, { name: actor.name, userId: actor.userId }, reason);
    await appendAudit(trx, {
      actor: actor.name,
      action: "hold.release",
      subjectType: hold.case_id ? "case" : "order",
      subjectId: hold.case_id ?? hold.order_id,
      details: { hold: id, order: hold.order_id, reason },
    });
    return ok({ id, released_at: new Date() });
  });
}
