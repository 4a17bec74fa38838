/**
 * The Reports API: submit a report (stored, then processed, then answered 202), read one or a list, and
 * download the original. The bodies are read as raw bytes whatever their type, because the bytes are the
 * evidence: a report is stored exactly as it came, and its SHA-256 is over those bytes.
 */
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { z } from "zod";
import type { Actor } from "../auth/auth.store.ts";
import { actorOf, HttpError, requireAbility } from "../auth/http.ts";
import { brandInScope, describeScope } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import { decodeCursor, encodeCursor } from "../events/cursor.ts";
import { ReportFormatError } from "../parsers/common.ts";
import type { App, RouteModule } from "../server.ts";
import { normalizeMessageId } from "./envelope.ts";
import { chunksOf, feedLimits, storeStreamedReport } from "./feeds.ts";
import { findReports, reportDetail, submitReport } from "./ingest.ts";
import { CHANNELS, presentReport, REPORT_STATES, ReportView } from "./present.ts";
import { brandExists, getRaw, getReport } from "./report.store.ts";
import { readReportBody } from "./report-body.ts";

/** Largest report the API takes; bigger files go through `abusedesk ingest`. */
export const API_MAX_BYTES = 32 * 1024 * 1024;

export const REPORT_CONTENT_TYPES = [
  "message/rfc822",
  "application/json",
  "text/csv",
  "application/zip",
  "application/x-zip-compressed",
  "application/xml",
  "text/xml",
  "text/plain",
  "application/octet-stream",
];

export const FEED_CONTENT_TYPES = ["text/csv", "application/gzip", "application/x-gzip"];

const FeedQuery = z.object({
  brand: z.string().min(1).max(100).optional(),
  type: z
    .string()
    .regex(/^[a-z0-9_]{1,80}$/, "a Shadowserver report type such as scan_dns or event4_sinkhole_http")
    .optional(),
  filename: z
    .string()
    .min(1)
    .max(300)
    .optional()
    .meta({ description: "its file name (it may name the report type)" }),
});

const SubmitQuery = z.object({
  format: z
    .enum(["arf", "xarf", "shadowserver", "iodef", "acns", "spamcop", "plain"])
    .optional()
    .meta({ description: "read the body as this format instead of finding out" }),
  type: z
    .string()
    .regex(/^[a-z0-9_]{1,80}$/, "a Shadowserver report type such as scan_dns or event4_sinkhole_http")
    .optional(),
  filename: z
    .string()
    .max(255)
    .optional()
    .meta({ description: "the report's original file name (a Shadowserver file name names its type)" }),
  brand: z.string().max(63).optional().meta({ description: "the brand it was sent to, e.g. x2com-nl" }),
  received_at: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: "admin only: when it originally arrived, to backfill an archive" }),
});

const ReportParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const ListQuery = z.object({
  state: z.enum(REPORT_STATES).optional(),
  message_id: z.string().max(1000).optional(),
  brand: z.string().max(63).optional(),
  channel: z.enum(CHANNELS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

const ReportList = z.object({
  items: z.array(ReportView),
  next_cursor: z.string().nullable(),
  total: z.number(),
});

const ReportBodyView = z
  .object({
    subject: z.string().nullable(),
    from: z.string().nullable(),
    date: z.string().nullable().meta({ description: "the mail's Date, ISO 8601 UTC" }),
    text: z.string().meta({ description: "the report's text (a mail's text part, else its HTML as text)" }),
    html: z.string().nullable().meta({
      description:
        "the mail's HTML part, sanitised on the server: text, structure and http(s)/mailto links only; null without one",
    }),
    truncated: z.boolean().meta({ description: "text or HTML was longer than shown: download the original" }),
  })
  .meta({ id: "ReportBody" });

/**
 * The brand a submission is for: the one named (within the submitter's brands), or a brand-limited
 * submitter's only brand; a brand-limited submitter of several brands must name one.
 */
async function submittersBrand(
  db: DB,
  actor: Actor,
  given: string | undefined,
  what: string,
): Promise<string | undefined> {
  const brand = given ?? (actor.brands?.length === 1 ? actor.brands[0] : undefined);
  if (brand && (!brandInScope(actor.brands, brand) || !(await brandExists(db, brand))))
    throw new HttpError(400, `there is no brand "${brand}"; GET /api/v1/brands lists them`);
  if (!brand && actor.brands !== null)
    throw new HttpError(
      400,
      `say which brand the ${what} is for with ?brand= (you may submit for ${describeScope(actor.brands)})`,
    );
  return brand;
}

/** Reads the body as bytes, with a limit and a message that says what to do instead. */
async function readBody(payload: IncomingMessage): Promise<Buffer> {
  const declared = Number(payload.headers["content-length"]);
  const tooLarge = () =>
    new HttpError(
      413,
      `the report is larger than ${API_MAX_BYTES / 1024 / 1024} MB; send a large feed to POST /api/v1/feeds, or import it with \`abusedesk ingest FILE\``,
    );
  if (declared > API_MAX_BYTES) {
    payload.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    size += (chunk as Buffer).length;
    if (size > API_MAX_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

export const intakeApi: RouteModule = (parent, services) => {
  const { db } = services;
  // Our own context, so that raw-body parsing (JSON included) does not change other parts' routes.
  parent.register(async (instance) => {
    const app = instance as unknown as App;
    app.removeContentTypeParser(["application/json", "text/plain"]);
    app.addContentTypeParser(
      REPORT_CONTENT_TYPES,
      { bodyLimit: API_MAX_BYTES + 1 },
      async (_req: unknown, payload: unknown) => readBody(payload as IncomingMessage),
    );

    app.post(
      "/api/v1/reports",
      {
        config: { ability: "submit" },
        bodyLimit: API_MAX_BYTES + 1,
        schema: {
          tags: ["reports"],
          summary:
            "Submit a report: an e-mail (message/rfc822), X-ARF (application/json) or a Shadowserver CSV",
          description:
            "Answers 202 once the report is stored, with the events and cases it produced (or its triage reason). " +
            "The same bytes again are the same report (`duplicate: true`).",
          querystring: SubmitQuery,
          response: { 202: ReportView },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        const q = req.query;
        if (q.received_at) requireAbility(req, "admin");
        const raw = req.body as unknown;
        if (!Buffer.isBuffer(raw) || raw.length === 0) {
          throw new HttpError(
            400,
            "the body is empty: send the report itself as the body, with Content-Type message/rfc822, application/json or text/csv",
          );
        }
        // A brand-limited submitter names one of their brands (or has just one), so the report is theirs to read.
        const brand = await submittersBrand(db, actor, q.brand, "report");
        const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
        const detail = await submitReport(services, {
          raw,
          channel: "api",
          contentType: contentType || null,
          filename: q.filename ?? null,
          brandId: brand ?? null,
          mailFrom: null,
          rcptTo: [],
          hint: { ...(q.format ? { format: q.format } : {}), ...(q.type ? { type: q.type } : {}) },
          ...(q.received_at ? { receivedAt: new Date(q.received_at), backfilledBy: actor } : {}),
        });
        reply.code(202);
        if (actor.brands === null) return presentReport(detail);
        // What a brand-limited submitter sees of it: its events within their brands only.
        const scoped = await reportDetail(
          db,
          detail.row.id,
          detail.duplicate,
          undefined,
          undefined,
          actor.brands,
        );
        if (!scoped)
          throw new HttpError(409, "this report was received already, for a brand you do not work for");
        return presentReport(scoped);
      },
    );
  });

  // A feed of any size: the body is stored as it arrives, in chunks, and answered 202 once the last chunk is
  // stored; the workers process it in batches (src/intake/feeds.ts).
  parent.register(async (instance) => {
    const app = instance as unknown as App;
    const limits = feedLimits(services.config);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(FEED_CONTENT_TYPES, { bodyLimit: limits.maxBytes }, (_req, payload, done) =>
      done(null, payload),
    );
    app.post(
      "/api/v1/feeds",
      {
        config: { ability: "submit" },
        bodyLimit: limits.maxBytes,
        schema: {
          tags: ["reports"],
          summary:
            "Submit a large feed (a Shadowserver CSV, plain or gzip) of any size; processed in batches",
          description:
            "Answers 202 once every byte is stored, with the report in state `processing`; its progress is " +
            "`processing.rows_done` at GET /api/v1/reports/:id. The same bytes again are the same report.",
          querystring: FeedQuery,
          response: { 202: ReportView },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        const q = req.query;
        const brand = await submittersBrand(db, actor, q.brand, "feed");
        const body = req.body as IncomingMessage | undefined;
        if (!body || typeof (body as { on?: unknown }).on !== "function")
          throw new HttpError(
            415,
            `send the feed as the body with Content-Type ${FEED_CONTENT_TYPES.join(" or ")}`,
          );
        let stored: { id: number; duplicate: boolean };
        try {
          stored = await storeStreamedReport(
            db,
            body,
            {
              channel: "api",
              filename: q.filename ?? `feed-${new Date().toISOString().slice(0, 10)}.csv`,
              brandId: brand ?? null,
              hint: { format: "shadowserver", ...(q.type ? { type: q.type } : {}) },
              contentType: (req.headers["content-type"] ?? "text/csv").split(";")[0]!.trim(),
            },
            limits,
            { wake: true },
          );
        } catch (err) {
          if (err instanceof ReportFormatError) throw new HttpError(413, err.message);
          throw err;
        }
        const detail = await reportDetail(db, stored.id, stored.duplicate, 0, undefined, actor.brands);
        if (!detail)
          throw new HttpError(409, "this feed was received already, for a brand you do not work for");
        reply.code(202);
        return presentReport(detail);
      },
    );
  });

  parent.get(
    "/api/v1/reports/:id",
    {
      config: { ability: "read" },
      schema: { tags: ["reports"], params: ReportParams, response: { 200: ReportView } },
    },
    async (req) => {
      const detail = await reportDetail(db, req.params.id, false, undefined, undefined, actorOf(req).brands);
      if (!detail) throw new HttpError(404, `there is no report ${req.params.id}`);
      return presentReport(detail);
    },
  );

  parent.get(
    "/api/v1/reports",
    {
      config: { ability: "read" },
      schema: {
        tags: ["reports"],
        summary: "Reports, newest first: the triage queue is ?state=triage; ?message_id= finds a mail",
        querystring: ListQuery,
        response: { 200: ReportList },
      },
    },
    async (req) => {
      const q = req.query;
      const before = decodeCursor(q.cursor);
      if (before === "invalid") throw new HttpError(400, "the cursor is not one this list gave out");
      const messageId = normalizeMessageId(q.message_id);
      const { items, total } = await findReports(db, {
        limit: q.limit,
        scope: actorOf(req).brands,
        ...(q.state ? { state: q.state } : {}),
        ...(messageId ? { messageId } : {}),
        ...(q.brand ? { brand: q.brand } : {}),
        ...(q.channel ? { channel: q.channel } : {}),
        ...(before !== undefined ? { before } : {}),
      });
      const last = items.at(-1)?.row.id;
      return {
        items: items.map(presentReport),
        next_cursor: items.length === q.limit ? encodeCursor(last) : null,
        total,
      };
    },
  );

  parent.get(
    "/api/v1/reports/:id/raw",
    {
      config: { ability: "read" },
      schema: {
        tags: ["reports"],
        summary: "The original bytes, as an attachment (reported content is hostile: never shown inline)",
        params: ReportParams,
      },
    },
    async (req, reply) => {
      const raw = await getRaw(db, req.params.id, actorOf(req).brands);
      if (!raw) throw new HttpError(404, `there is no report ${req.params.id}`);
      const name = `report-${req.params.id}${extensionOf(raw.filename)}`;
      reply
        .type("application/octet-stream")
        .header("content-disposition", `attachment; filename="${name}"`)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "no-store")
        .header("x-sha256", raw.sha256);
      // A feed stored in chunks goes out chunk by chunk (a purged one has none left: its tombstone is raw).
      if (raw.streamed && raw.raw.length === 0) return reply.send(Readable.from(chunksOf(db, req.params.id)));
      return reply.send(raw.raw);
    },
  );
  parent.get(
    "/api/v1/reports/:id/body",
    {
      config: { ability: "read" },
      schema: {
        tags: ["reports"],
        summary: "The report as a person reads it: subject, sender, date, text, and its HTML sanitised",
        params: ReportParams,
        response: { 200: ReportBodyView },
      },
    },
    async (req) => {
      const [row, raw] = await Promise.all([
        getReport(db, req.params.id, actorOf(req).brands),
        getRaw(db, req.params.id, actorOf(req).brands),
      ]);
      if (!row || !raw) throw new HttpError(404, `there is no report ${req.params.id}`);
      return readReportBody(raw.raw, row.content_type);
    },
  );
};

/** A safe extension for the download name: only letters and digits, taken from the original name. */
function extensionOf(filename: string | null): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(filename ?? "");
  return m ? `.${m[1]!.toLowerCase()}` : ".eml";
}
