/**
 * `GET /api/v1/statements?from=&to=`: the statements of reasons (DSA art. 17) of every restriction carried
 * out in the period, as JSON lines in the Transparency Database API's format, ready to submit (at most
 * 100 per `POST /api/v1/statements` there). Each line passes `statementProblems` (statements.ts).
 */
import { z } from "zod";
import { actorOf, HttpError } from "../auth/http.ts";
import { isStep } from "../policy/steps.ts";
import type { RouteModule } from "../server.ts";
import { MAX_STATEMENTS, restrictionsBetween } from "./statements.store.ts";
import { statementOf } from "./statements.ts";

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
