/** GET /api/v1/events: events, newest first, by report, case, customer or category. */
import { z } from "zod";
import { actorOf, HttpError } from "../auth/http.ts";
import type { RouteModule } from "../server.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { listEvents } from "./event.store.ts";
import { EventView, presentEvent } from "./present.ts";

const EventQuery = z.object({
  report_id: z.coerce.number().int().positive().optional(),
  case_id: z.coerce.number().int().positive().optional(),
  customer: z.string().max(200).optional().meta({ description: "a customer id" }),
  category: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(200).optional(),
});

const EventList = z.object({
  items: z.array(EventView),
  next_cursor: z.string().nullable(),
  total: z.number(),
});

export const eventsApi: RouteModule = (app, { db }) => {
  app.get(
    "/api/v1/events",
    {
      config: { ability: "read" },
      schema: { tags: ["events"], querystring: EventQuery, response: { 200: EventList } },
    },
    async (req) => {
      const q = req.query;
      const before = decodeCursor(q.cursor);
      if (before === "invalid") throw new HttpError(400, "the cursor is not one this list gave out");
      const { rows, total } = await listEvents(db, {
        limit: q.limit,
        scope: actorOf(req).brands,
        ...(q.report_id !== undefined ? { reportId: q.report_id } : {}),
        ...(q.case_id !== undefined ? { caseId: q.case_id } : {}),
        ...(q.customer !== undefined ? { customer: q.customer } : {}),
        ...(q.category !== undefined ? { category: q.category } : {}),
        ...(before !== undefined ? { before } : {}),
      });
      return {
        items: rows.map(presentEvent),
        next_cursor: rows.length === q.limit ? encodeCursor(rows.at(-1)?.id) : null,
        total,
      };
    },
  );
};
