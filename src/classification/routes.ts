/**
 * The classification API: say what a case is (its events are filed again), take a report out of triage,
 * and the mapping rules that teach the desk a sender's labels. Each route validates, calls one use case and
 * presents the result.
 */
import { z } from "zod";
import { actorOf, HttpError, httpError } from "../auth/http.ts";
import { reportDetail } from "../intake/ingest.ts";
import { presentReport, ReportView } from "../intake/present.ts";
import type { RouteModule } from "../server.ts";
import { CATEGORY_IDS } from "../taxonomy.ts";
import {
  addMapping,
  applyMapping,
  classifyReport,
  MAX_SUBJECTS_PER_CLASSIFY,
  mappings,
  reclassifyCase,
  removeMapping,
} from "./classify.ts";

const tags = ["classification"];
const Id = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const category = z
  .string()
  .min(1)
  .max(60)
  .describe(`one of ${CATEGORY_IDS.join(", ")}`);

const CaseClassifyBody = z.object({
  category,
  source_category: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("only the events with this label of the sender's (see source_categories of the case)"),
  reason: z.string().max(4000).optional(),
});

const CaseClassifyOutcome = z.object({
  id: z.number(),
  category: z.string(),
  events: z.number().describe("events filed again under the new category"),
  cases: z.array(z.number()).describe("the cases they went into"),
  closed: z.boolean().describe("this case was closed: nothing was left in it"),
});

const ReportClassifyBody = z.object({
  category,
  subjects: z
    .array(z.string().min(1).max(2000))
    .max(MAX_SUBJECTS_PER_CLASSIFY)
    .optional()
    .describe(
      "IP addresses (192.0.2.1 or 192.0.2.1:25), URLs, domains, e-mail addresses or +phone numbers; read from the report when absent",
    ),
  occurred_at: z.iso.datetime({ offset: true }).optional().describe("when the abuse happened"),
});

const MappingView = z.object({
  id: z.number(),
  format: z.string(),
  label: z.string(),
  sender: z.string().nullable(),
  category: z.string(),
  note: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
});

const MappingBody = z.object({
  format: z
    .string()
    .min(1)
    .max(40)
    .describe(
      "the report format the label comes in: shadowserver, xarf-v4, xarf-v3, xarf-0.2, arf, abusehub-csv, iodef, … or * for any",
    ),
  label: z.string().min(1).max(200).describe("the sender's own label, e.g. population_bgp"),
  category,
  sender: z
    .string()
    .max(253)
    .optional()
    .describe("only for reports from this e-mail domain, e.g. shadowserver.org"),
  note: z.string().max(2000).optional(),
});

const OpenCase = z.object({ id: z.number(), events: z.number() });

export const classificationApi: RouteModule = (app, services) => {
  const { db, pipeline } = services;

  app.post(
    "/api/v1/cases/:id/classify",
    {
      config: { ability: "work" },
      schema: {
        tags: ["cases", ...tags],
        summary: "Say what a case is: its events take the category and are filed again (audited)",
        params: Id,
        body: CaseClassifyBody,
        response: { 200: CaseClassifyOutcome },
      },
    },
    async (req) => {
      const result = await reclassifyCase(db, pipeline, actorOf(req), req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.post(
    "/api/v1/reports/:id/classify",
    {
      config: { ability: "work" },
      schema: {
        tags: ["reports", ...tags],
        summary:
          "Take a report out of triage: say what it is (and about what); its events are filed into cases",
        params: Id,
        body: ReportClassifyBody,
        response: { 200: ReportView },
      },
    },
    async (req) => {
      const result = await classifyReport(
        db,
        pipeline,
        actorOf(req),
        req.params.id,
        req.body,
        services.parsing,
      );
      if (!result.ok) throw httpError(result.error);
      const detail = await reportDetail(db, req.params.id);
      if (!detail) throw new HttpError(404, `there is no report ${req.params.id}`);
      return presentReport(detail);
    },
  );

  app.get(
    "/api/v1/category-mappings",
    {
      config: { ability: "read" },
      schema: {
        tags,
        summary: "Mapping rules: a sender's label → one of our categories",
        response: {
          200: z.object({ items: z.array(MappingView), next_cursor: z.null(), total: z.number() }),
        },
      },
    },
    async () => {
      const items = await mappings(db);
      return { items, next_cursor: null, total: items.length };
    },
  );

  app.post(
    "/api/v1/category-mappings",
    {
      config: { ability: "admin" },
      schema: {
        tags,
        summary:
          "Add a mapping rule; it applies to later reports at once and lists the open cases waiting for it",
        body: MappingBody,
        response: { 201: z.object({ mapping: MappingView, open_cases: z.array(OpenCase) }) },
      },
    },
    async (req, reply) => {
      const result = await addMapping(db, actorOf(req), req.body);
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return result.value;
    },
  );

  app.post(
    "/api/v1/category-mappings/:id/apply",
    {
      config: { ability: "admin" },
      schema: {
        tags,
        summary: "Reclassify the open cases that wait for this rule",
        params: Id,
        response: { 200: z.object({ mapping: MappingView, cases: z.array(CaseClassifyOutcome) }) },
      },
    },
    async (req) => {
      const result = await applyMapping(db, pipeline, actorOf(req), req.params.id);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.delete(
    "/api/v1/category-mappings/:id",
    {
      config: { ability: "admin" },
      schema: { tags, summary: "Remove a mapping rule", params: Id, response: { 200: MappingView } },
    },
    async (req) => {
      const result = await removeMapping(db, actorOf(req), req.params.id);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );
};
