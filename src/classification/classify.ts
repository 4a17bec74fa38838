/**
 * What people do about classification, each a story in one transaction with its audit (the intake's own
 * step is in intake.ts):
 * - a person reclassifies a case: its events take the new category and are filed again, as if they had
 *   just come in (`reclassifyCase`);
 * - an administrator adds a mapping rule, which covers later reports and is offered for the open cases
 *   that wait for it (`addMapping`, `applyMapping`, `removeMapping`);
 * - a person classifies a report that waits in triage: its events are made and filed (`classifyReport`).
 */
import type { Transaction } from "kysely";
import { getDomain } from "tldts";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { lockCase } from "../cases/cases.store.ts";
import { isOpen } from "../cases/states.ts";
import type { DB } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import { fail, ok, type Result } from "../errors.ts";
import { insertEvents, storedEventOf, unstorableReason } from "../events/event.store.ts";
import { hintOf } from "../intake/process.ts";
import { finishReport, lockReport, upsertReporter } from "../intake/report.store.ts";
import { makeEvent, normalizeIp, normalizePort } from "../parsers/common.ts";
import { isParseFailure, parseReport } from "../parsers/index.ts";
import type { ParseContext, ParsedEvent, Subject } from "../parsers/types.ts";
import { type PendingEvent, type Pipeline, processStoredEvents } from "../pipeline.ts";
import { CATEGORIES, CATEGORY_IDS, type Category, isCategory } from "../taxonomy.ts";
import {
  closeEmptiedCase,
  deleteMapping,
  eventsToRefile,
  findMapping,
  insertMapping,
  listMappings,
  type MappingRow,
  mappingWithKey,
  markClassified,
  openCasesWithLabel,
  recategorize,
  recountCase,
  triageReasonOf,
} from "./classification.store.ts";
import { normalizeLabel } from "./mappings.ts";

type Trx = Transaction<Database>;

/** How many open cases adding a rule lists (and applying it reclassifies) at once. */
export const MAX_CASES_PER_APPLY = 500;

/** How many subjects one classification of a triage report may name. */
export const MAX_SUBJECTS_PER_CLASSIFY = 1000;

/** "spam" is a category; anything else gets the list, so that the person can pick. */
export function categoryError(value: string): string {
  return `"${value.slice(0, 60)}" is not a category; use one of ${CATEGORY_IDS.join(", ")}`;
}

export interface ReclassifyInput {
  category: string;
  /** Only the events with this label of the sender's (the case may hold several); all when absent. */
  source_category?: string | undefined;
  reason?: string | undefined;
}

export interface ReclassifyOutcome {
  id: number;
  category: Category;
  /** Events filed again. */
  events: number;
  /** The cases they went into (a new case, or the open one of that customer and category). */
  cases: number[];
  /** Whether this case was closed because nothing was left in it. */
  closed: boolean;
}

/**
 * A person says what a case is: its events take the category and are filed again like fresh ones (into
 * the open case of that customer and category, or a new one with the profile's clocks). The case they
 * leave is closed and points at where they went. Confirming `other` only clears the flag.
 */
export async function reclassifyCase(
  db: DB,
  pipeline: Pipeline,
  actor: Actor,
  caseId: number,
  input: ReclassifyInput,
): Promise<Result<ReclassifyOutcome>> {
  if (!isCategory(input.category)) return fail(422, categoryError(input.category));
  const category = input.category;
  return db.transaction().execute(async (trx) => {
    const kase = await lockCase(trx, caseId);
    if (!kase) return fail(404, `there is no case ${caseId}`);
    if (!isOpen(kase.state))
      return fail(409, `case ${caseId} is ${kase.state}; reopen it first, then classify it`);
    const label = input.source_category ? normalizeLabel(input.source_category) : undefined;
    if (category === kase.category && !label) {
      if (!kase.needs_classification)
        return fail(409, `case ${caseId} is ${category} already; choose another category to move it`);
      await markClassified(trx, caseId);
      await appendAudit(trx, {
        actor: actor.name,
        action: "case.classify",
        subjectType: "case",
        subjectId: caseId,
        details: { from: kase.category, to: category, events: 0, reason: input.reason ?? null },
      });
      return ok({ id: caseId, category, events: 0, cases: [caseId], closed: false });
    }
    const moved = await refile(trx, pipeline, caseId, category, label ? { label } : undefined);
    if (moved.events === 0)
      return fail(
        422,
        label
          ? `case ${caseId} holds no event with the sender's label "${label}"; GET /api/v1/cases/${caseId} lists its labels`
          : `case ${caseId} holds no events to classify`,
      );
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.classify",
      subjectType: "case",
      subjectId: caseId,
      details: {
        from: kase.category,
        to: category,
        source_category: label ?? null,
        events: moved.events,
        into: moved.cases,
        closed: moved.closed,
        reason: input.reason ?? null,
      },
    });
    return ok({ id: caseId, category, ...moved });
  });
}

/** Moves a case's events (or those with one label) to a category and files them again. */
async function refile(
  trx: Trx,
  pipeline: Pipeline,
  caseId: number,
  category: Category,
  only?: { label: string; format?: string; sender?: string | null },
): Promise<{ events: number; cases: number[]; closed: boolean }> {
  const rows = await eventsToRefile(trx, caseId, only);
  if (rows.length === 0) return { events: 0, cases: [], closed: false };
  const kind = CATEGORIES[category].kind;
  await recategorize(
    trx,
    rows.map((r) => Number(r.id)),
    category,
    kind,
  );
  const events = rows.map((r) => ({ ...storedEventOf(r), category, kind }));
  const { caseIds } = await processStoredEvents(trx, pipeline, events);
  const cases = [...new Set(caseIds.filter((c): c is number => c !== null))].sort((a, b) => a - b);
  const left = await recountCase(trx, caseId);
  const closed = left === 0;
  if (closed) await closeEmptiedCase(trx, caseId, cases.length === 1 ? cases[0]! : null);
  return { events: rows.length, cases, closed };
}

export interface MappingInput {
  format: string;
  label: string;
  category: string;
  sender?: string | undefined;
  note?: string | undefined;
}

export interface MappingView {
  id: number;
  format: string;
  label: string;
  sender: string | null;
  category: string;
  note: string | null;
  created_by: string;
  created_at: string;
}

export function presentMapping(m: MappingRow): MappingView {
  return {
    id: m.id,
    format: m.format,
    label: m.label,
    sender: m.sender,
    category: m.category,
    note: m.note,
    created_by: m.created_by,
    created_at: m.created_at.toISOString(),
  };
}

export async function mappings(db: DB): Promise<MappingView[]> {
  return (await listMappings(db)).map(presentMapping);
}

/**
 * An administrator maps a sender's label to a category. It applies to every later report at once; the
 * open cases that wait for it are listed, to be reclassified with `applyMapping`.
 */
export async function addMapping(
  db: DB,
  actor: Actor,
  input: MappingInput,
): Promise<Result<{ mapping: MappingView; open_cases: { id: number; events: number }[] }>> {
  if (!isCategory(input.category)) return fail(422, categoryError(input.category));
  if (input.category === "other")
    return fail(422, 'mapping a label to "other" changes nothing; choose the category it really is');
  const format = input.format.trim().toLowerCase();
  if (!/^[a-z0-9*][a-z0-9.*_-]{0,39}$/.test(format))
    return fail(
      422,
      `"${format.slice(0, 40)}" is not a report format; use e.g. shadowserver, xarf-v4, xarf-0.2, arf, or * for any`,
    );
  const label = normalizeLabel(input.label);
  if (!label) return fail(422, "the label is empty; give the sender's own label, e.g. population_bgp");
  const sender = input.sender?.trim().toLowerCase() || null;
  if (sender && !/^[a-z0-9.-]{1,253}$/.test(sender))
    return fail(
      422,
      `"${sender.slice(0, 60)}" is not a domain; give the sender's e-mail domain, e.g. shadowserver.org`,
    );
  const category = input.category;
  return db.transaction().execute(async (trx) => {
    const existing = await mappingWithKey(trx, { format, label, sender });
    if (existing)
      return fail(
        409,
        `rule ${existing.id} maps "${label}" of ${format}${sender ? ` from ${sender}` : ""} to ${existing.category} already; remove it first to change it`,
      );
    const row = await insertMapping(trx, {
      format,
      label,
      sender,
      category,
      note: input.note?.trim().slice(0, 2000) || null,
      createdBy: actor.name,
    });
    await appendAudit(trx, {
      actor: actor.name,
      action: "mapping.add",
      subjectType: "mapping",
      subjectId: row.id,
      details: { format, label, sender, category, note: row.note },
    });
    const open = await openCasesWithLabel(trx, row, MAX_CASES_PER_APPLY);
    return ok({ mapping: presentMapping(row), open_cases: open });
  });
}

export async function removeMapping(db: DB, actor: Actor, id: number): Promise<Result<MappingView>> {
  return db.transaction().execute(async (trx) => {
    const row = await deleteMapping(trx, id);
    if (!row) return fail(404, `there is no mapping rule ${id}`);
    await appendAudit(trx, {
      actor: actor.name,
      action: "mapping.remove",
      subjectType: "mapping",
      subjectId: id,
      details: { format: row.format, label: row.label, sender: row.sender, category: row.category },
    });
    return ok(presentMapping(row));
  });
}

/** Reclassifies the open cases that wait for a rule: their events with its label are filed again. */
export async function applyMapping(
  db: DB,
  pipeline: Pipeline,
  actor: Actor,
  id: number,
): Promise<Result<{ mapping: MappingView; cases: ReclassifyOutcome[] }>> {
  const rule = await findMapping(db, id);
  if (!rule) return fail(404, `there is no mapping rule ${id}`);
  if (!isCategory(rule.category)) return fail(409, categoryError(rule.category));
  const category = rule.category;
  const open = await openCasesWithLabel(db, rule, MAX_CASES_PER_APPLY);
  const outcomes: ReclassifyOutcome[] = [];
  // One transaction per case: a large backlog does not hold every case's lock at once.
  for (const { id: caseId } of open) {
    const outcome = await db.transaction().execute(async (trx) => {
      const kase = await lockCase(trx, caseId);
      if (!kase || !isOpen(kase.state) || !kase.needs_classification) return undefined;
      const moved = await refile(trx, pipeline, caseId, category, {
        label: rule.label,
        format: rule.format,
        sender: rule.sender,
      });
      if (moved.events === 0) return undefined;
      await appendAudit(trx, {
        actor: actor.name,
        action: "case.classify",
        subjectType: "case",
        subjectId: caseId,
        details: {
          from: kase.category,
          to: category,
          source_category: rule.label,
          mapping: rule.id,
          events: moved.events,
          into: moved.cases,
          closed: moved.closed,
          reason: `mapping rule ${rule.id}`,
        },
      });
      return { id: caseId, category, ...moved };
    });
    if (outcome) outcomes.push(outcome);
  }
  return ok({ mapping: presentMapping(rule), cases: outcomes });
}

export interface ClassifyReportInput {
  category: string;
  /** IP addresses (with :port), URLs, domains, e-mail addresses, phone numbers; read from the report when absent. */
  subjects?: string[] | undefined;
  occurred_at?: string | undefined;
}

/** A subject as a person writes it: "192.0.2.1", "192.0.2.1:25", "https://x.example/a", "x.example", ... */
export function subjectFromText(text: string): Subject | undefined {
  const s = text.trim();
  // A phone number in international form, with spaces, dots or dashes as people write it: "+31 20 123 4567".
  const phone = s.replace(/[\s().-]/g, "");
  if (/^\+[1-9]\d{6,14}$/.test(phone) && /^\+[\d\s().-]+$/.test(s)) return { phone };
  if (!s || s.length > 2000 || /[\s<>"]/.test(s)) return undefined;
  const ip = normalizeIp(s);
  if (ip) return { ip };
  const hostPort =
    /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(s) ?? /^\[([0-9a-f:.]+)\]:(\d{1,5})$/i.exec(s);
  if (hostPort) {
    const withPort = normalizeIp(hostPort[1]);
    const port = normalizePort(hostPort[2]);
    if (withPort && port !== undefined) return { ip: withPort, port };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+/i.test(s)) {
    try {
      new URL(s);
      return { url: s };
    } catch {
      return undefined;
    }
  }
  if (/^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$/i.test(s)) return { email: s.toLowerCase() };
  const host = s.toLowerCase().replace(/\.$/, "");
  if (getDomain(host) && /^[a-z0-9.-]+$/.test(host)) return { domain: host };
  return undefined;
}

export interface ClassifyReportOutcome {
  id: number;
  category: Category;
  events: number;
  cases: number[];
}

/**
 * The way out of triage: a person says what a report is (and, if it cannot be read, what it is about);
 * its events are made, resolved and filed into cases like those of any other report.
 */
export async function classifyReport(
  db: DB,
  pipeline: Pipeline,
  actor: Actor,
  reportId: number,
  input: ClassifyReportInput,
  context: ParseContext = {},
): Promise<Result<ClassifyReportOutcome>> {
  if (!isCategory(input.category)) return fail(422, categoryError(input.category));
  const category = input.category;
  const occurredAt = input.occurred_at ? new Date(input.occurred_at) : null;
  if (occurredAt && Number.isNaN(occurredAt.getTime()))
    return fail(422, `occurred_at "${input.occurred_at}" is not a time; write e.g. 2026-03-04T10:15:00Z`);
  if (occurredAt && occurredAt.getTime() > Date.now() + 60_000)
    return fail(422, "occurred_at is in the future; give the time the abuse happened");
  const given = input.subjects ?? [];
  if (given.length > MAX_SUBJECTS_PER_CLASSIFY)
    return fail(422, `name at most ${MAX_SUBJECTS_PER_CLASSIFY} subjects at once`);
  const subjects: Subject[] = [];
  for (const text of given) {
    const subject = subjectFromText(text);
    if (!subject)
      return fail(
        422,
        `"${text.slice(0, 80)}" is not an IP address (optionally with :port), URL, domain, e-mail address or phone number (+31…)`,
      );
    subjects.push(subject);
  }
  return db.transaction().execute(async (trx) => {
    const report = await lockReport(trx, reportId);
    if (!report) return fail(404, `there is no report ${reportId}`);
    if (report.state !== "triage")
      return fail(
        409,
        report.state === "parsed"
          ? `report ${reportId} is not in triage: it was parsed already and its events are in cases; reclassify a case with POST /api/v1/cases/ID/classify`
          : `report ${reportId} is not in triage but ${report.state}; wait until it has been processed`,
      );
    const triageReason = await triageReasonOf(trx, reportId);
    // The report read again: its reporter and, when no subjects are given, its subjects and times.
    const parsed = await parseReport(report.raw, hintOf(report), context);
    const readable = isParseFailure(parsed) ? undefined : parsed;
    const details = { classified_by: actor.name, source: "classified by a person" };
    const events: ParsedEvent[] =
      subjects.length > 0
        ? subjects.map((s) => makeEvent(category, s, occurredAt, details))
        : (readable?.events ?? []).map((e) =>
            makeEvent(category, e.subject, occurredAt ?? e.occurredAt, { ...e.details, ...details }),
          );
    const storable = events.filter((e) => unstorableReason(e) === undefined);
    if (storable.length === 0)
      return fail(
        422,
        `no subject can be read from report ${reportId}${isParseFailure(parsed) ? ` (${parsed.reason})` : ""}; name what it is about in "subjects" (CLI: --subject S)`,
      );
    const reporterId = readable ? await upsertReporter(trx, readable.reporter) : null;
    await finishReport(trx, reportId, {
      state: "parsed",
      triageReason: null,
      format: readable?.format ?? "manual",
      reporterId,
      missing: readable?.missing ?? [],
      warnings: [`classified by ${actor.name} as ${category} (was in triage: ${triageReason ?? "?"})`],
      messageId: report.message_id ?? readable?.messageId ?? null,
      subject: report.subject,
    });
    const pending: PendingEvent[] = storable.map((e) => ({
      report_id: reportId,
      brand_id: report.brand_id,
      category: e.category,
      kind: e.kind,
      subject: e.subject,
      occurred_at: e.occurredAt,
      received_at: report.received_at,
    }));
    const resolved = await pipeline.resolve(trx, pending);
    const caseIds = await pipeline.group(trx, resolved);
    const stored = await insertEvents(trx, { reportId, receivedAt: report.received_at }, storable, {
      resolved,
      caseIds,
    });
    const cases = [...new Set(caseIds.filter((c): c is number => c !== null))].sort((a, b) => a - b);
    await appendAudit(trx, {
      actor: actor.name,
      action: "report.classify",
      subjectType: "report",
      subjectId: reportId,
      details: {
        category,
        subjects: given.slice(0, 100),
        occurred_at: occurredAt?.toISOString() ?? null,
        events: stored,
        cases,
        triage_reason: triageReason,
      },
    });
    return ok({ id: reportId, category, events: stored, cases });
  });
}
