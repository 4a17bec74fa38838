/**
 * `GET /api/v1/statements?from=&to=`: the statements of reasons (DSA art. 17) of every restriction carried
 * out in the period, as JSON lines in the Transparency Database API's format, ready to submit (at most
 * 100 per `POST /api/v1/statements` there). Each line passes `statementProblems` (statements.ts).
 */
import { z } from "zod";
import { actorOf, HttpError, httpError } from "../auth/http.ts";
import type { BrandScope } from "../auth/scope.ts";
import { decodeCursor, encodeCursor } from "../events/cursor.ts";
import { measureDeps } from "../measures/actions.ts";
import { attachmentDisposition } from "../messages/routes.ts";
import { isStep } from "../policy/steps.ts";
import type { RouteModule } from "../server.ts";
import {
  decideComplaint,
  fileComplaint,
  flagThreat,
  setNoticeSuspension,
  setTrustedFlagger,
  threatReported,
} from "./complaints.ts";
import {
  listComplaints,
  listNotices,
  loadNotice,
  noticeCounts,
  noticeFile,
  reporterInScope,
  transparencyRows,
} from "./notices.store.ts";
import { type NtdDeps, receiveNotice, type StepInput, takeStep } from "./notices.ts";
import { mayTakeStep, noticeIdOf } from "./procedure.ts";
import {
  ComplaintBody,
  ComplaintList,
  ComplaintListQuery,
  FileParams,
  IdParams,
  NoticeBody,
  NoticeList,
  NoticeListQuery,
  NoticeParams,
  NoticeView,
  OutcomeBody,
  presentComplaint,
  presentNotice,
  StepBody,
  SuspensionBody,
  ThreatBody,
  ThreatReportedBody,
  TransparencyQuery,
  TrustBody,
} from "./schemas.ts";
import { MAX_STATEMENTS, restrictionsBetween } from "./statements.store.ts";
import { statementOf } from "./statements.ts";
import { transparencyReport } from "./transparency.ts";

export const statementsApi: RouteModule = (app, { db }) => {
  app.get(
    "/api/v1/statements",
    {
      config: { ability: "read" },
      schema: {
        tags: ["statements"],
        summary: "Statements of reasons of the restrictions carried out, as Transparency Database JSON lines",
        querystring: z.object({
          from: z.iso.datetime({ offset: true }).or(z.iso.date()),
          to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
        }),
      },
    },
    async (req, reply) => {
      const from = new Date(req.query.from);
      const to = req.query.to ? new Date(req.query.to) : new Date();
      if (!(from < to))
        throw new HttpError(422, "`from` must lie before `to` (or before now when `to` is left out)");
      const rows = await restrictionsBetween(db, from, to, actorOf(req).brands);
      if (rows.length > MAX_STATEMENTS)
        throw new HttpError(
          422,
          `more than ${MAX_STATEMENTS} statements in that period; ask for a shorter one (for example a week)`,
        );
      const lines = rows
        .filter((r) => isStep(r.step) && r.done_at)
        .map((r) =>
          JSON.stringify(
            statementOf({
              actionId: Number(r.id),
              brand: r.brand_id,
              step: r.step as never,
              category: r.category,
              caseKind: r.kind,
              caseId: Number(r.case_id),
              doneAt: r.done_at!,
              liftAt: r.lift_at,
              contentAt: r.first_event_at ?? r.opened_at,
              subjects: r.subjects.filter(Boolean),
              clause: { document: r.clause_document, article: r.clause_article, quote: r.clause_quote },
              // Not the free text people wrote on the action: it may name the notifier, and statements are public.
              reason: null,
              orderLegalBasis: r.order_legal_basis,
              trustedFlagger: r.trusted,
              automatic: r.actor.startsWith("system:"),
            }),
          ),
        );
      reply.type("application/x-ndjson; charset=utf-8").header("cache-control", "no-store");
      return lines.length > 0 ? `${lines.join("\n")}\n` : "";
    },
  );
};

const tags = ["notices"];

/**
 * The notices API (DSA arts. 16-23): submit a notice, read notices with their procedures, take the
 * procedure's steps, record and decide complaints, mark trusted flaggers and suspend misusing notifiers,
 * flag a threat to life (art. 18), and the transparency figures (arts. 15, 24).
 */
export const noticesApi: RouteModule = (app, services) => {
  const { db } = services;
  const deps: NtdDeps = {
    ...measureDeps(services),
    pipeline: services.pipeline,
    messages: services.messages,
  };
  const idOf = (text: string): number => {
    const id = noticeIdOf(text);
    if (id === undefined) throw new HttpError(404, `there is no notice ${text.slice(0, 40)}`);
    return id;
  };
  const show = async (id: number, scope: BrandScope) => {
    const bundle = await loadNotice(db, id, scope);
    if (!bundle) throw new HttpError(404, `there is no notice ${id}`);
    return presentNotice(bundle.notice, bundle.procedures, bundle.complaints, bundle.files);
  };

  app.post(
    "/api/v1/notices",
    {
      config: { ability: "submit" },
      schema: {
        tags,
        summary: "Submit a notice (it enters the NTD procedure)",
        body: NoticeBody,
        response: { 201: NoticeView },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const b = req.body;
      const result = await receiveNotice(deps, actor, {
        brand: b.brand,
        channel: "api",
        category: b.category,
        locations: b.locations,
        explanation: b.explanation,
        notifier: b.notifier,
        interest: b.interest,
        legal_ground: b.legal_ground,
        good_faith: b.good_faith,
        language: b.language,
      });
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return show(result.value.id, actor.brands);
    },
  );

  app.get(
    "/api/v1/notices",
    {
      config: { ability: "read" },
      schema: {
        tags,
        summary: "Notices with their procedures, newest first",
        querystring: NoticeListQuery,
        response: { 200: NoticeList },
      },
    },
    async (req) => {
      const { state, brand, cursor, limit } = req.query;
      const before = decodeCursor(cursor);
      if (before === "invalid")
        throw new HttpError(
          400,
          "the cursor is not valid; use the next_cursor of the previous page as it is",
        );
      const page = await listNotices(db, {
        scope: actorOf(req).brands,
        limit: limit + 1,
        ...(state ? { state } : {}),
        ...(brand ? { brand } : {}),
        ...(before !== undefined ? { before } : {}),
      });
      const rows = page.rows.slice(0, limit);
      return {
        items: rows.map((n) => presentNotice(n, page.procedures, page.complaints, [])),
        next_cursor: page.rows.length > limit ? encodeCursor(rows.at(-1)?.id) : null,
      };
    },
  );

  app.get(
    "/api/v1/notices/:id",
    { config: { ability: "read" }, schema: { tags, params: NoticeParams, response: { 200: NoticeView } } },
    async (req) => show(idOf(req.params.id), actorOf(req).brands),
  );

  app.get(
    "/api/v1/notices/:id/files/:file",
    {
      config: { ability: "read" },
      schema: {
        tags,
        summary: "A file sent with a notice, as a download (never opened)",
        params: FileParams,
      },
    },
    async (req, reply) => {
      const file = await noticeFile(db, idOf(req.params.id), req.params.file, actorOf(req).brands);
      if (!file?.data) throw new HttpError(404, `notice ${req.params.id} has no file ${req.params.file}`);
      return reply
        .type("application/octet-stream")
        .header("content-disposition", attachmentDisposition(file.filename))
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .send(Buffer.from(file.data));
    },
  );

  app.post(
    "/api/v1/notices/:id/steps",
    {
      config: { ability: "work" },
      schema: {
        tags,
        summary:
          "Take a step of the procedure (complete, lapse, act, forward, forward_reaction, rebuttal, decide)",
        description: "act and decide need the approve permission (supervisor, legal, admin).",
        params: NoticeParams,
        body: StepBody,
        response: {
          200: NoticeView.extend({
            step: z.string(),
            changed: z.array(
              z.object({
                case_id: z.number(),
                from: z.string(),
                to: z.string(),
                action: z.number().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const allowed = mayTakeStep(actor, req.body.step);
      if (!allowed.ok) throw httpError(allowed.error);
      const id = idOf(req.params.id);
      const result = await takeStep(deps, actor, id, req.body as StepInput);
      if (!result.ok) throw httpError(result.error);
      return { ...(await show(id, actor.brands)), step: result.value.step, changed: result.value.cases };
    },
  );

  app.post(
    "/api/v1/notices/:id/complaints",
    {
      config: { ability: "work" },
      schema: {
        tags,
        summary: "Record a party's complaint about a decision (DSA art. 20), e.g. one that came by mail",
        params: NoticeParams,
        body: ComplaintBody,
        response: { 201: z.object({ id: z.number(), case_id: z.number(), due_at: z.string() }) },
      },
    },
    async (req, reply) => {
      const result = await fileComplaint(deps, actorOf(req), idOf(req.params.id), req.body);
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return { ...result.value, due_at: result.value.due_at.toISOString() };
    },
  );

  app.get(
    "/api/v1/complaints",
    {
      config: { ability: "read" },
      schema: {
        tags,
        summary: "Complaints about decisions on notices, newest first",
        querystring: ComplaintListQuery,
        response: { 200: ComplaintList },
      },
    },
    async (req) => {
      const { state, cursor, limit } = req.query;
      const before = decodeCursor(cursor);
      if (before === "invalid")
        throw new HttpError(
          400,
          "the cursor is not valid; use the next_cursor of the previous page as it is",
        );
      const rows = await listComplaints(db, {
        scope: actorOf(req).brands,
        limit: limit + 1,
        ...(state ? { open: state === "open" } : {}),
        ...(before !== undefined ? { before } : {}),
      });
      const items = rows.slice(0, limit);
      return {
        items: items.map((c) => ({
          ...presentComplaint(c as never),
          reference: c.reference,
          brand: c.brand_id,
        })),
        next_cursor: rows.length > limit ? encodeCursor(Number(items.at(-1)?.id)) : null,
      };
    },
  );

  app.post(
    "/api/v1/complaints/:id/outcome",
    {
      config: { ability: "approve" },
      schema: {
        tags,
        summary:
          "Decide a complaint (by someone other than who decided the notice): upheld, reversed or modified",
        params: IdParams,
        body: OutcomeBody,
        response: {
          200: z.object({
            id: z.number(),
            outcome: z.string(),
            decision: z.string().nullable(),
            measure: z.string().nullable(),
          }),
        },
      },
    },
    async (req) => {
      const result = await decideComplaint(deps, actorOf(req), req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  const ReporterView = z.object({
    id: z.number(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    org: z.string().nullable(),
    kind: z.string(),
    trusted: z.boolean(),
    notices: z.object({
      notices: z.number(),
      upheld: z.number(),
      rejected: z.number(),
      unfounded: z.number(),
    }),
    notices_warned_at: z.string().nullable(),
    notices_suspended_until: z.string().nullable(),
    notices_suspension_reason: z.string().nullable(),
  });
  const reporterView = async (id: number, scope: BrandScope) => {
    const r = await reporterInScope(db, id, scope);
    if (!r) throw new HttpError(404, `there is no reporter ${id}`);
    return {
      id: Number(r.id),
      email: r.email,
      name: r.name,
      org: r.org,
      kind: r.kind,
      trusted: r.trusted,
      notices: await noticeCounts(db, id),
      notices_warned_at: r.notices_warned_at?.toISOString() ?? null,
      notices_suspended_until: r.notices_suspended_until?.toISOString() ?? null,
      notices_suspension_reason: r.notices_suspension_reason,
    };
  };

  app.get(
    "/api/v1/reporters/:id",
    {
      config: { ability: "read" },
      schema: {
        tags,
        summary: "A reporter: trusted flagger, notices, warnings, suspension",
        params: IdParams,
        response: { 200: ReporterView },
      },
    },
    async (req) => reporterView(req.params.id, actorOf(req).brands),
  );

  app.post(
    "/api/v1/reporters/:id/trusted",
    {
      config: { ability: "admin" },
      schema: {
        tags,
        summary: "Mark a reporter a trusted flagger (DSA art. 22) or not",
        params: IdParams,
        body: TrustBody,
        response: { 200: ReporterView },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      await reporterView(req.params.id, actor.brands);
      const result = await setTrustedFlagger(deps, actor, req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      return reporterView(req.params.id, actor.brands);
    },
  );

  app.post(
    "/api/v1/reporters/:id/notice-suspension",
    {
      config: { ability: "approve" },
      schema: {
        tags,
        summary: "Suspend a notifier's notices until a moment (DSA art. 23(2)), or lift it with null",
        params: IdParams,
        body: SuspensionBody,
        response: { 200: ReporterView },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      await reporterView(req.params.id, actor.brands);
      const result = await setNoticeSuspension(deps, actor, req.params.id, {
        until: req.body.until ? new Date(req.body.until) : null,
        reason: req.body.reason,
      });
      if (!result.ok) throw httpError(result.error);
      return reporterView(req.params.id, actor.brands);
    },
  );

  app.post(
    "/api/v1/cases/:id/threat-to-life",
    {
      config: { ability: "work" },
      schema: {
        tags,
        summary: "Flag a suspicion of a criminal offence involving a threat to life or safety (DSA art. 18)",
        params: IdParams,
        body: ThreatBody,
        response: { 201: z.object({ case_id: z.number(), due_at: z.string() }) },
      },
    },
    async (req, reply) => {
      const result = await flagThreat(deps, actorOf(req), req.params.id, req.body ?? {});
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return { case_id: result.value.case_id, due_at: result.value.due_at.toISOString() };
    },
  );

  app.post(
    "/api/v1/cases/:id/threat-to-life/reported",
    {
      config: { ability: "work" },
      schema: {
        tags,
        summary: "Record that the competent authority was informed of a flagged threat (DSA art. 18)",
        params: IdParams,
        body: ThreatReportedBody,
        response: { 200: z.object({ case_id: z.number(), informed_at: z.string() }) },
      },
    },
    async (req) => {
      const result = await threatReported(deps, actorOf(req), req.params.id, req.body ?? {});
      if (!result.ok) throw httpError(result.error);
      return { case_id: result.value.case_id, informed_at: result.value.informed_at.toISOString() };
    },
  );

  app.get(
    "/api/v1/reports/transparency",
    {
      config: { ability: "read" },
      schema: {
        tags,
        summary: "Transparency figures for a period (DSA arts. 15 and 24)",
        querystring: TransparencyQuery,
      },
    },
    async (req) => {
      const from = new Date(req.query.from);
      const to = req.query.to ? new Date(req.query.to) : new Date();
      if (!(from < to))
        throw new HttpError(422, "`from` must lie before `to` (or before now when `to` is left out)");
      return transparencyReport(await transparencyRows(db, from, to, actorOf(req).brands), from, to);
    },
  );
};
