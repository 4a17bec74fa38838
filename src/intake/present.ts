/** The Report JSON of ARCHITECTURE.md ("The contract"), with its events through the Event presenter. */
import { z } from "zod";
import { EventView, presentEvent } from "../events/present.ts";
import type { ReportDetail } from "./ingest.ts";

export const REPORT_STATES = ["processing", "parsed", "triage", "error"] as const;
export const CHANNELS = ["smtp", "imap", "file", "api", "form", "authority", "collector"] as const;

export const ReportView = z
  .object({
    id: z.number().int(),
    channel: z.enum(CHANNELS),
    received_at: z.iso.datetime(),
    sha256: z.string(),
    message_id: z.string().nullable(),
    subject: z.string().nullable(),
    state: z.enum(REPORT_STATES).meta({ description: "processing until its events are stored" }),
    duplicate: z.boolean().meta({ description: "the same bytes were received before; this is that report" }),
    triage: z.boolean().meta({ description: "waits for a person: see triage_reason" }),
    triage_reason: z.string().nullable(),
    missing: z.array(z.string()).meta({ description: "what the report lacks to be complete" }),
    warnings: z.array(z.string()),
    format: z.string().nullable(),
    brand: z.string().nullable(),
    size: z.number().int(),
    content_type: z.string().nullable(),
    filename: z.string().nullable(),
    mail_from: z.string().nullable(),
    rcpt_to: z.array(z.string()),
    reporter: z
      .object({
        id: z.number().int(),
        email: z.string().nullable(),
        name: z.string().nullable(),
        org: z.string().nullable(),
      })
      .nullable(),
    event_count: z.number().int(),
    events: z.array(EventView).meta({
      description: "the report's events (at most 1000 here; all of them at /api/v1/events?report_id=)",
    }),
    cases: z.array(z.number().int()).meta({ description: "ids of the cases its events went into" }),
    processing: z
      .object({
        attempts: z.number().int(),
        last_error: z.string().nullable(),
        streamed: z.boolean().meta({ description: "a large feed stored in chunks and processed in batches" }),
        rows_done: z
          .number()
          .int()
          .nullable()
          .meta({ description: "a streamed feed: the rows its committed batches have done (its progress)" }),
      })
      .meta({ description: "retries of a report whose processing failed; a streamed feed's progress" }),
  })
  .meta({ id: "Report" });
export type ReportView = z.infer<typeof ReportView>;

export function presentReport(d: ReportDetail): ReportView {
  const r = d.row;
  return {
    id: r.id,
    channel: r.channel,
    received_at: r.received_at.toISOString(),
    sha256: r.sha256,
    message_id: r.message_id,
    subject: r.subject,
    state: r.state,
    duplicate: d.duplicate,
    triage: r.state === "triage",
    triage_reason: r.triage_reason,
    missing: r.missing,
    warnings: r.warnings,
    format: r.format,
    brand: r.brand_id,
    size: r.size,
    content_type: r.content_type,
    filename: r.filename,
    mail_from: r.mail_from,
    rcpt_to: r.rcpt_to,
    reporter:
      r.reporter_id === null
        ? null
        : { id: r.reporter_id, email: r.reporter_email, name: r.reporter_name, org: r.reporter_org },
    event_count: d.eventCount,
    events: d.events.map(presentEvent),
    cases: d.cases,
    processing: {
      attempts: r.attempts,
      last_error: r.last_error,
      streamed: r.streamed,
      rows_done: r.rows_done === null ? null : Number(r.rows_done),
    },
  };
}
