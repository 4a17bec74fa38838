/** The dashboard's figures: GET /api/v1/stats/overview (anyone who may read cases; within their brands). */
import { DateTime, IANAZone } from "luxon";
import { z } from "zod";
import { actorOf, HttpError } from "../auth/http.ts";
import type { RouteModule } from "../server.ts";
import { MAX_STATS_DAYS, overview, TOP_CUSTOMERS } from "./stats.store.ts";

const OverviewQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_STATS_DAYS)
    .default(30)
    .describe("the period: the last N days"),
  zone: z
    .string()
    .max(64)
    .default("Europe/Amsterdam")
    .describe("the IANA time zone whose midnight ends 'today' (due_today)"),
});

const count = z.number().int();
const OverviewView = z.object({
  open: count.describe("open cases (GET /api/v1/cases)"),
  due_today: count.describe("open cases whose next deadline falls later today (zone)"),
  overdue: count.describe("open cases whose next deadline has passed"),
  awaiting_approval: count.describe("open cases with a step waiting for a second person"),
  needs_classification: count.describe("open cases of category other"),
  triage: count.describe("reports in triage (GET /api/v1/reports?state=triage)"),
  from: z.string(),
  to: z.string(),
  volumes: z
    .array(z.object({ day: z.string(), category: z.string(), brand: z.string(), kind: z.string(), count }))
    .describe("cases opened per day (UTC) by category, brand and kind"),
  median_first_reply_seconds: z
    .number()
    .nullable()
    .describe("median time from a case's opening to its first message out, over the period's cases"),
  median_to_action_seconds: z
    .number()
    .nullable()
    .describe("median time from a case's opening to its first step taken, over the period's cases"),
  top_customers: z
    .array(z.object({ id: z.string(), name: z.string(), cases: count }))
    .describe(`the ${TOP_CUSTOMERS} customers with the most cases opened in the period`),
});

export const reportingApi: RouteModule = (app, { db }) => {
  app.get(
    "/api/v1/stats/overview",
    {
      config: { ability: "read" },
      schema: {
        tags: ["reporting"],
        summary: "The dashboard: open work, deadlines, approvals, volumes, speed and top customers",
        querystring: OverviewQuery,
        response: { 200: OverviewView },
      },
    },
    async (req) => {
      if (!IANAZone.isValidZone(req.query.zone))
        throw new HttpError(
          400,
          `"${req.query.zone}" is not a time zone; use an IANA name such as Europe/Amsterdam`,
        );
      const now = DateTime.now().setZone(req.query.zone);
      return overview(db, actorOf(req).brands, {
        days: req.query.days,
        now: now.toJSDate(),
        endOfToday: now.endOf("day").toJSDate(),
      });
    },
  );
};
