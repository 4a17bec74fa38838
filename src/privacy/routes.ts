/** The privacy API: `GET /api/v1/privacy/export?subject=` (legal and admin; audited). */
import { z } from "zod";
import { actorOf, httpError } from "../auth/http.ts";
import type { RouteModule } from "../server.ts";
import { exportSubject, MAX_SUBJECT_LENGTH } from "./export.ts";

export const privacyApi: RouteModule = (app, { db }) => {
  app.get(
    "/api/v1/privacy/export",
    {
      config: { ability: "privacy" },
      schema: {
        tags: ["privacy"],
        summary: "Everything held about a person or customer, as a ZIP of JSON and the raw reports",
        querystring: z.object({ subject: z.string().min(1).max(MAX_SUBJECT_LENGTH) }),
      },
    },
    async (req, reply) => {
      const result = await exportSubject(db, actorOf(req), req.query.subject);
      if (!result.ok) throw httpError(result.error);
      const stamp = new Date().toISOString().slice(0, 10);
      reply
        .type("application/zip")
        .header("content-disposition", `attachment; filename="abusedesk-privacy-export-${stamp}.zip"`)
        .header("cache-control", "no-store")
        .header("x-content-type-options", "nosniff");
      return reply.send(Buffer.from(result.value.zip));
    },
  );
};
