/** The privacy API: export and erasure of what is held about a person (legal and admin; audited). */
import { z } from "zod";
import { actorOf, httpError } from "../auth/http.ts";
import type { RouteModule } from "../server.ts";
import { eraseSubject, MAX_ERASURE_REASON } from "./erase.ts";
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

  app.post(
    "/api/v1/privacy/erase",
    {
      config: { ability: "privacy" },
      schema: {
        tags: ["privacy"],
        summary: "Erase a reporter's personal data (where the law allows), with the reason recorded",
        body: z.object({
          subject: z.string().min(1).max(MAX_SUBJECT_LENGTH),
          reason: z.string().min(1).max(MAX_ERASURE_REASON),
        }),
        response: {
          200: z.object({
            erased: z.object({
              reporters: z.number(),
              reports: z.number(),
              messages: z.number(),
              notices: z.number(),
            }),
          }),
        },
      },
    },
    async (req) => {
      const result = await eraseSubject(db, actorOf(req), req.body.subject, req.body.reason);
      if (!result.ok) throw httpError(result.error);
      return { erased: result.value };
    },
  );
};
