/**
 * The Event JSON of ARCHITECTURE.md ("The contract"): one presenter, used by every route that shows events
 * (reports, events, cases), so that a database row never leaks and the shape is the same everywhere.
 */
import { z } from "zod";
import { CATEGORIES, type Category } from "../taxonomy.ts";

export const EventSubjectView = z.object({
  ip: z.string().nullable(),
  port: z.number().int().nullable(),
  url: z.string().nullable(),
  domain: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});

export const EventView = z
  .object({
    id: z.number().int(),
    category: z.string().meta({ description: "one of the taxonomy's categories, e.g. spam, phishing" }),
    kind: z.enum(["abuse", "ntd", "authority"]),
    subject: EventSubjectView,
    occurred_at: z.iso.datetime().nullable().meta({ description: "when the abuse happened (UTC)" }),
    customer: z.object({ id: z.string(), name: z.string() }).nullable(),
    resolution: z.enum(["matched", "not_ours", "pending"]),
    case_id: z.number().int().nullable(),
    report_id: z.number().int(),
    received_at: z.iso.datetime(),
    brand: z.string().nullable(),
    urgent: z.boolean().meta({ description: "authority, CSAM or terrorist content: handled first" }),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "Event" });
export type EventView = z.infer<typeof EventView>;

/** The columns presentEvent needs: an `events` row plus the customer's name (see `selectEvents`). */
export interface EventRow {
  id: number;
  report_id: number;
  brand_id: string | null;
  category: string;
  kind: "abuse" | "ntd" | "authority";
  subject_ip: string | null;
  subject_port: number | null;
  subject_url: string | null;
  subject_domain: string | null;
  subject_email: string | null;
  subject_phone: string | null;
  occurred_at: Date | null;
  received_at: Date;
  customer_id: string | null;
  customer_name: string | null;
  resolution: "matched" | "not_ours" | "pending";
  case_id: number | null;
  /** Omitted by list queries that do not need it. */
  details?: unknown;
}

export function presentEvent(row: EventRow): EventView {
  const info = (CATEGORIES as Record<string, { urgent?: boolean } | undefined>)[row.category as Category];
  return {
    id: row.id,
    category: row.category,
    kind: row.kind,
    subject: {
      ip: row.subject_ip,
      port: row.subject_port,
      url: row.subject_url,
      domain: row.subject_domain,
      email: row.subject_email,
      phone: row.subject_phone,
    },
    occurred_at: row.occurred_at ? row.occurred_at.toISOString() : null,
    customer: row.customer_id ? { id: row.customer_id, name: row.customer_name ?? row.customer_id } : null,
    resolution: row.resolution,
    case_id: row.case_id,
    report_id: row.report_id,
    received_at: row.received_at.toISOString(),
    brand: row.brand_id,
    urgent: info?.urgent === true || row.kind === "authority",
    details: isRecord(row.details) ? row.details : {},
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
