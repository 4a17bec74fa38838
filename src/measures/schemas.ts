/** The zod schemas of the actions and notifications API: validator, type and OpenAPI text in one. */
import { z } from "zod";
import { STEPS } from "../policy/steps.ts";
import { ACTION_STATES } from "./lifecycle.ts";

const id = z.coerce.number().int().positive();
const iso = z.string().describe("ISO 8601 date-time (UTC)");
const reason = z.string().max(4000);

export const IdParams = z.object({ id });

const stateList = z
  .string()
  .max(500)
  .transform((s, ctx) => {
    const parts = s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
    for (const p of parts)
      if (!(ACTION_STATES as readonly string[]).includes(p)) {
        ctx.addIssue({
          code: "custom",
          message: `"${p.slice(0, 40)}" is not an action state; use a comma-separated list of ${ACTION_STATES.join(", ")}`,
        });
        return z.NEVER;
      }
    return parts as (typeof ACTION_STATES)[number][];
  })
  .describe("a comma-separated list of states");

export const ActionListQuery = z.object({
  state: stateList.optional(),
  brand: z.string().min(1).max(100).optional(),
  case_id: id.optional(),
  step: z.enum(STEPS).optional(),
  order_id: id.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const ClauseView = z.object({ document: z.string(), article: z.string(), quote: z.string() });

export const CallView = z.object({
  idempotency_key: z.string().describe("sent as Idempotency-Key on every attempt of this call"),
  connector: z.string().nullable().describe("null: a person carries it out and marks it done"),
  by_hand: z.boolean(),
  state: z.enum(["queued", "executing", "done", "failed"]),
  attempts: z.number(),
  next_attempt_at: iso.nullable(),
  last_status: z.number().nullable(),
  last_error: z.string().nullable(),
  answer: z.string().nullable().describe("what the connector answered (the first 4 KiB)"),
  requested_by: z.string(),
  reason: z.string().nullable(),
  created_at: iso,
  started_at: iso.nullable(),
  finished_at: iso.nullable(),
  done_by: z.string().nullable(),
  note: z.string().nullable(),
});

export const ActionView = z.object({
  id: z.number(),
  case_id: z.number(),
  brand: z.string(),
  customer: z.object({ id: z.string(), name: z.string() }).nullable(),
  step: z.enum(STEPS),
  proposed_step: z.string().nullable(),
  state: z.enum(ACTION_STATES),
  requested_by: z.string(),
  approved_by: z.string().nullable(),
  reason: z.string().nullable(),
  note: z.string().nullable(),
  params: z.unknown(),
  clause: ClauseView.nullable(),
  order_id: z.number().nullable(),
  gagged: z.boolean().describe("the case is under an authority's gag: nothing goes to the customer"),
  created_at: iso,
  approved_at: iso.nullable(),
  done_at: iso.nullable(),
  undone_at: iso.nullable(),
  lift_at: iso.nullable().describe("when the measure is lifted by itself (the profile's term)"),
  closed: z.object({ by: z.string(), reason: z.string().nullable(), at: iso }).nullable(),
  undoable: z.boolean(),
  execution: CallView.nullable(),
  undo: CallView.nullable(),
  history: z
    .array(z.object({ at: iso, actor: z.string(), action: z.string(), details: z.unknown() }))
    .optional(),
});

export const ActionList = z.object({
  items: z.array(ActionView),
  next_cursor: z.string().nullable(),
  total: z.number(),
});

export const ApproveBody = z.object({ note: reason.optional() }).default({});
export const ReasonBody = z.object({ reason: reason.optional() }).default({});
export const DoneBody = z.object({
  note: z.string().max(20_000).describe("what was done by hand"),
  provision: z
    .object({
      what: z.string().min(1).max(4000).describe("what data was given"),
      given_to: z.string().min(1).max(1000).describe("to whom"),
      legal_basis: z.string().max(2000).optional().describe("default: the order's legal basis"),
    })
    .optional()
    .describe("for data provision: required"),
});

export const NotificationListQuery = z.object({
  state: z.enum(["open", "unread", "all"]).default("open"),
  brand: z.string().min(1).max(100).optional(),
  case_id: id.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const NotificationView = z.object({
  id: z.number(),
  kind: z.enum(["supervisor_escalation", "measure_failed"]),
  case: z.object({
    id: z.number(),
    brand: z.string(),
    kind: z.string(),
    state: z.string(),
    customer: z.object({ id: z.string(), name: z.string() }).nullable(),
  }),
  summary: z.string(),
  details: z.unknown(),
  created_at: iso,
  delivered_at: iso.nullable(),
  read: z.object({ by: z.string().nullable(), at: iso }).nullable(),
  acknowledged: z.object({ by: z.string().nullable(), at: iso, note: z.string().nullable() }).nullable(),
});

export const NotificationList = z.object({
  items: z.array(NotificationView),
  next_cursor: z.string().nullable(),
  total: z.number(),
});

export const AcknowledgeBody = z.object({ note: reason.optional() }).default({});
