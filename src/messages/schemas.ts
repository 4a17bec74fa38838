/** The zod schemas of the messages API: one schema gives the validator, the type and the OpenAPI text. */
import { z } from "zod";
import { MESSAGE_LANGUAGES } from "./vocabulary.ts";

const id = z.coerce.number().int().positive();
const iso = z.string().describe("ISO 8601 date-time (UTC)");

export const PARTIES = ["reporter", "customer", "authority", "other"] as const;
export const MESSAGE_STATES = ["held", "queued", "sent", "failed", "received"] as const;

export const MessageParams = z.object({ id });
export const AttachmentParams = z.object({ id, attachmentId: id });

/** One message as the case shows it (the contract's `messages: [...]`). */
export const MessageSummary = z.object({
  id: z.number(),
  direction: z.enum(["out", "in"]),
  party: z.enum(PARTIES),
  from: z.string().nullable(),
  to: z.array(z.string()),
  subject: z.string().nullable(),
  template: z.string().nullable(),
  language: z.string().nullable(),
  state: z.enum(MESSAGE_STATES),
  created_at: iso,
  sent_at: iso.nullable(),
  case_id: z.number().nullable(),
  report_id: z
    .number()
    .nullable()
    .describe("in: the report that holds the raw mail; out: the report it answers"),
  failure: z
    .enum(["refused", "bounced", "withheld", "no_address", "gave_up"])
    .nullable()
    .describe("why a failed message did not reach its reader"),
  error: z.string().nullable().describe("the relay's or the composer's last word on it"),
  attempts: z.number(),
});

export const MessageDetail = MessageSummary.extend({
  body: z.string().nullable().describe("the text as sent (portal links masked); null until composed"),
  message_id: z.string(),
  in_reply_to: z.string().nullable(),
  references: z.array(z.string()),
  meets: z.array(z.string()).describe("deadlines it meets once sent"),
  actor: z.string(),
  attachments: z.array(
    z.object({
      id: z.number(),
      filename: z.string(),
      size: z.number(),
      sha256: z.string(),
      url: z.string().describe("download (served as an attachment, never shown inline)"),
    }),
  ),
});

export const CaseMessageBody = z.object({
  party: z.enum(PARTIES),
  template: z.string().min(1).max(100).optional().describe("a template name, e.g. notice, reminder"),
  subject: z.string().min(1).max(500).optional().describe("your own subject (with body)"),
  body: z.string().min(1).max(50_000).optional().describe("your own words (with subject)"),
  language: z.enum(MESSAGE_LANGUAGES).optional(),
  to: z
    .array(z.email())
    .min(1)
    .max(20)
    .optional()
    .describe("authority/other: the addresses; reporter: some of the case's reporters (default: all)"),
});

export const MessageListQuery = z.object({
  state: z.enum(MESSAGE_STATES).optional(),
  case_id: id.optional(),
  party: z.enum(PARTIES).optional(),
  brand: z.string().min(1).max(100).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, "use the next_cursor of the previous page")
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const MessageList = z.object({
  items: z.array(MessageSummary),
  next_cursor: z.string().nullable(),
  total: z.number(),
});

export const MessageItems = z.object({ items: z.array(MessageDetail) });

export const PortalLinkQuery = z.object({
  customer: z.string().min(1).max(200).optional(),
  report: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const PortalLinkView = z.object({
  id: z.number(),
  kind: z.enum(["customer", "reporter"]),
  brand: z.string(),
  customer: z.string().nullable(),
  report_id: z.number().nullable(),
  message_id: z.number().nullable(),
  created_at: iso,
  expires_at: iso,
  revoked_at: iso.nullable(),
  last_used_at: iso.nullable(),
});
