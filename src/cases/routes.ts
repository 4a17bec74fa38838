/**
 * The cases API: the queue, one case with its proposal, and what people do to cases. Every route
 * declares its ability (checked before validation, see server.ts), validates (zod), calls one function and
 * presents the result.
 */
import { actorOf, HttpError, httpError } from "../auth/http.ts";
import { sourceCategoriesOf } from "../classification/classification.store.ts";
import { approveAction, measureDeps, takeAction } from "../measures/actions.ts";
import { caseMessages } from "../messages/messages.store.ts";
import { contactProblems, presentMessageSummary } from "../messages/present.ts";
import type { RouteModule } from "../server.ts";
import { bulkChange } from "./bulk.ts";
import {
  decodeCursor,
  encodeCursor,
  listCases,
  MAX_PROPOSALS,
  proposalsFor,
  readCase,
} from "./cases.store.ts";
import { addNote, assignCase, mergeCases, setFacts, splitCase, transitionCase } from "./commands.ts";
import { presentCase, presentListItem, toFilter } from "./present.ts";
import {
  ActionBody,
  ActionOutcome,
  ActionParams,
  ApproveBody,
  AssignBody,
  BulkBody,
  BulkOutcomeView,
  CaseList,
  CaseListQuery,
  CaseParams,
  CaseView,
  FactsBody,
  MergeBody,
  NoteBody,
  ProposalList,
  ProposalsQuery,
  SplitBody,
  TransitionBody,
} from "./schemas.ts";

const tags = ["cases"];

export const casesApi: RouteModule = (app, services) => {
  const { db, policies } = services;
  const measures = measureDeps(services);
  app.get(
    "/api/v1/cases",
    {
      config: { ability: "read" },
      schema: { tags, querystring: CaseListQuery, response: { 200: CaseList } },
    },
    async (req) => {
      const { cursor: rawCursor, limit, ...filter } = req.query;
      const cursor = rawCursor ? decodeCursor(rawCursor) : undefined;
      if (rawCursor && !cursor)
        throw new HttpError(
          400,
          "the cursor is not valid; use the next_cursor of the previous page as it is",
        );
      const page = await listCases(
        db,
        { ...toFilter(filter), scope: actorOf(req).brands },
        { limit, ...(cursor ? { cursor } : {}) },
      );
      return {
        items: page.rows.map(presentListItem),
        next_cursor: page.next ? encodeCursor(page.next) : null,
        total: page.total,
      };
    },
  );

  app.get(
    "/api/v1/cases/proposals",
    {
      config: { ability: "read" },
      schema: {
        tags,
        summary: "The proposed next step of each case of a page (the queue's column)",
        querystring: ProposalsQuery,
        response: { 200: ProposalList },
      },
    },
    async (req) => {
      if (req.query.ids.length > MAX_PROPOSALS)
        throw new HttpError(400, `ask for at most ${MAX_PROPOSALS} cases at a time`);
      const found = await proposalsFor(db, policies, req.query.ids, actorOf(req).brands);
      return {
        items: found.map(({ id, assessment: { proposal: p, note } }) => ({
          id,
          step: p?.step ?? null,
          clause: p ? { document: p.clause.document, article: p.clause.article } : null,
          needs_approval: p?.needs_approval ?? false,
          waiting_until: p?.waiting_until ? p.waiting_until.toISOString() : null,
          note: note ?? null,
        })),
      };
    },
  );

  app.get(
    "/api/v1/cases/:id",
    { config: { ability: "read" }, schema: { tags, params: CaseParams, response: { 200: CaseView } } },
    async (req) => {
      const result = await readCase(db, policies, req.params.id, undefined, actorOf(req).brands);
      if (!result.ok) throw httpError(result.error);
      const messages = await caseMessages(db, req.params.id);
      const view = {
        ...presentCase(result.value.bundle, result.value.assessment),
        messages: messages.map(presentMessageSummary),
        contact_problems: contactProblems(messages),
      };
      // The senders' own labels of a case of category other: what to classify it as, or to map.
      if (view.category !== "other") return view;
      return { ...view, source_categories: await sourceCategoriesOf(db, req.params.id) };
    },
  );

  app.post(
    "/api/v1/cases/:id/actions",
    {
      config: { ability: "work" },
      schema: { tags, params: CaseParams, body: ActionBody, response: { 201: ActionOutcome } },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const result = await takeAction(measures, actor, req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return result.value;
    },
  );

  app.post(
    "/api/v1/cases/:id/actions/:actionId/approve",
    {
      config: { ability: "approve" },
      schema: { tags, params: ActionParams, body: ApproveBody, response: { 200: ActionOutcome } },
    },
    async (req) => {
      const actor = actorOf(req);
      const result = await approveAction(measures, actor, req.params.actionId, req.body ?? {}, req.params.id);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.post(
    "/api/v1/cases/:id/transitions",
    { config: { ability: "work" }, schema: { tags, params: CaseParams, body: TransitionBody } },
    async (req) => {
      const actor = actorOf(req);
      const result = await transitionCase(db, actor, req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.post(
    "/api/v1/cases/:id/notes",
    { config: { ability: "work" }, schema: { tags, params: CaseParams, body: NoteBody } },
    async (req, reply) => {
      const actor = actorOf(req);
      const result = await addNote(db, actor, req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return { ...result.value, created_at: result.value.created_at.toISOString() };
    },
  );

  app.post(
    "/api/v1/cases/:id/assign",
    { config: { ability: "work" }, schema: { tags, params: CaseParams, body: AssignBody } },
    async (req) => {
      const actor = actorOf(req);
      const result = await assignCase(db, actor, req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.post(
    "/api/v1/cases/:id/facts",
    { config: { ability: "work" }, schema: { tags, params: CaseParams, body: FactsBody } },
    async (req) => {
      const actor = actorOf(req);
      const result = await setFacts(db, actor, req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.post(
    "/api/v1/cases/:id/merge",
    { config: { ability: "work" }, schema: { tags, params: CaseParams, body: MergeBody } },
    async (req) => {
      const actor = actorOf(req);
      const result = await mergeCases(db, actor, req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.post(
    "/api/v1/cases/:id/split",
    { config: { ability: "work" }, schema: { tags, params: CaseParams, body: SplitBody } },
    async (req, reply) => {
      const actor = actorOf(req);
      const result = await splitCase(db, actor, req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return result.value;
    },
  );

  app.post(
    "/api/v1/cases/bulk",
    { config: { ability: "work" }, schema: { tags, body: BulkBody, response: { 200: BulkOutcomeView } } },
    async (req) => {
      const actor = actorOf(req);
      const { ids, filter, action, to, owner, reason } = req.body;
      const command =
        action === "close"
          ? reason
            ? ({ action, reason } as const)
            : undefined
          : action === "transition"
            ? to
              ? ({ action, to, reason } as const)
              : undefined
            : owner !== undefined
              ? ({ action, owner, reason } as const)
              : undefined;
      if (!command)
        throw new HttpError(
          422,
          action === "close"
            ? 'closing cases needs a "reason"'
            : action === "transition"
              ? 'say the new state in "to"'
              : 'say the new owner in "owner" (a user id, an e-mail address, or null)',
        );
      const result = await bulkChange(
        db,
        actor,
        { ids, filter: filter ? { ...toFilter(filter), scope: actor.brands } : undefined },
        command,
      );
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );
};
