/** The zod schemas of the cases API: one schema gives the validator, the type and the OpenAPI text. */
import { z } from "zod";
import { MessageSummary } from "../messages/schemas.ts";
import { STEPS } from "../policy/steps.ts";
import { CATEGORY_IDS, type Category, KINDS } from "../taxonomy.ts";
import { AgentFactsSchema } from "./facts.ts";
import { CASE_STATES } from "./states.ts";

const id = z.coerce.number().int().positive();
const iso = z.string().describe("ISO 8601 date-time (UTC)");
const reason = z.string().trim().min(1).max(4000);

export const CaseParams = z.object({ id });
export const ActionParams = z.object({ id, actionId: id });

const stateList = z
  .string()
  .transform((s, ctx) => {
    if (s === "all") return [] as (typeof CASE_STATES)[number][];
    if (s === "open") return undefined;
    const parts = s.split(",").map((x) => x.trim());
    for (const p of parts)
      if (!(CASE_STATES as readonly string[]).includes(p)) {
        ctx.addIssue({
          code: "custom",
          message: `"${p}" is not a case state; use open (default), all, or a comma-separated list of ${CASE_STATES.join(", ")}`,
        });
        return z.NEVER;
      }
    return parts as (typeof CASE_STATES)[number][];
  })
  .describe("open (default), all, or a comma-separated list of states");

const categoryEnum = z.enum(CATEGORY_IDS as [Category, ...Category[]]);

export const CaseFilterSchema = z.object({
  state: stateList.optional(),
  brand: z.string().min(1).optional(),
  customer: z.string().min(1).optional(),
  category: categoryEnum.optional(),
  kind: z.enum(KINDS).optional(),
  due_before: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("only cases with a deadline before this moment"),
  q: z.string().max(200).optional().describe("search in case id, customer id and name, subjects"),
  owner: z.coerce.number().int().positive().optional().describe("user id of the owner"),
  escalated: z.enum(["true", "false"]).optional(),
  needs_classification: z
    .enum(["true", "false"])
    .optional()
    .describe("true: cases of category other waiting for a person to say what they are"),
  awaiting_approval: z
    .enum(["true", "false"])
    .optional()
    .describe("true: cases with a severe step waiting for a second person's approval"),
  unassigned: z
    .enum(["true", "false"])
    .optional()
    .describe("true: cases nobody owns; false: cases someone owns"),
});

export const CaseListQuery = CaseFilterSchema.extend({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const CustomerRef = z.object({ id: z.string(), name: z.string() }).nullable();
const OwnerRef = z.object({ id: z.number(), email: z.string(), name: z.string().nullable() }).nullable();
const DeadlineView = z.object({
  name: z.string(),
  due_at: iso,
  source: z.string(),
  met_at: iso.nullable(),
  escalated_at: iso.nullable(),
  overdue: z.boolean(),
});
const ClauseView = z.object({ document: z.string(), article: z.string(), quote: z.string() });

export const CaseListItem = z.object({
  id: z.number(),
  brand: z.string(),
  customer: CustomerRef,
  category: z.string(),
  kind: z.enum(KINDS),
  state: z.enum(CASE_STATES),
  priority: z.number(),
  owner: z.object({ id: z.number(), email: z.string() }).nullable(),
  escalated: z.boolean(),
  needs_classification: z
    .boolean()
    .describe("category other: a person must say what it is (POST /api/v1/cases/:id/classify)"),
  event_count: z.number(),
  subject_count: z.number(),
  subjects: z.array(z.string()).describe("the first few subjects; GET /cases/:id lists more"),
  next_deadline: z.object({ name: z.string(), due_at: iso, source: z.string() }).nullable(),
  opened_at: iso,
  updated_at: iso,
  last_event_at: iso.nullable(),
  merged_into: z.number().nullable(),
});

export const ProposalsQuery = z.object({
  ids: z
    .string()
    .max(2000)
    .transform((s, ctx) => {
      const ids = s.split(",").map((x) => Number(x.trim()));
      if (ids.some((n) => !Number.isInteger(n) || n <= 0)) {
        ctx.addIssue({ code: "custom", message: "ids is a comma-separated list of case ids, e.g. 12,13,20" });
        return z.NEVER;
      }
      return ids;
    })
    .describe("comma-separated case ids (at most 100): a queue page"),
});

export const ProposalList = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      step: z.enum(STEPS).nullable(),
      clause: z.object({ document: z.string(), article: z.string() }).nullable(),
      needs_approval: z.boolean(),
      waiting_until: iso.nullable(),
      note: z.string().nullable().describe("why there is no proposal, when there is none"),
    }),
  ),
});

export const CaseList = z.object({
  items: z.array(CaseListItem),
  next_cursor: z.string().nullable(),
  total: z.number(),
});

const EventView = z.object({
  id: z.number(),
  category: z.string(),
  kind: z.enum(KINDS),
  subject: z.object({
    ip: z.string().nullable(),
    port: z.number().nullable(),
    url: z.string().nullable(),
    domain: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  occurred_at: iso.nullable(),
  received_at: iso,
  report_id: z.number(),
  customer: CustomerRef,
  resolution: z.enum(["matched", "not_ours", "pending"]),
  case_id: z.number().nullable(),
});

const ActionView = z.object({
  id: z.number(),
  step: z.string(),
  proposed_step: z.string().nullable(),
  state: z.string(),
  actor: z.string(),
  approved_by: z.string().nullable(),
  reason: z.string().nullable(),
  note: z.string().nullable(),
  params: z.unknown(),
  clause: ClauseView.nullable(),
  created_at: iso,
  approved_at: iso.nullable(),
  done_at: iso.nullable(),
});

export const CaseView = z.object({
  id: z.number(),
  brand: z.string(),
  customer: CustomerRef,
  category: z.string(),
  kind: z.enum(KINDS),
  state: z.enum(CASE_STATES),
  allowed_transitions: z.array(z.enum(CASE_STATES)),
  priority: z.number(),
  owner: OwnerRef,
  escalated: z.boolean(),
  needs_classification: z
    .boolean()
    .describe("category other: a person must say what it is (POST /api/v1/cases/:id/classify)"),
  source_categories: z
    .array(z.object({ label: z.string(), format: z.string().nullable(), events: z.number() }))
    .optional()
    .describe("the senders' own labels of its unclassified events, to map or classify"),
  subjects: z
    .array(z.string())
    .describe("subjects with the most events first; subject_count says how many in all"),
  subject_details: z.array(
    z.object({
      kind: z.string(),
      value: z.string(),
      event_count: z.number(),
      first_seen_at: iso,
      last_seen_at: iso,
    }),
  ),
  subject_count: z.number(),
  event_count: z.number(),
  opened_at: iso,
  updated_at: iso,
  first_event_at: iso.nullable(),
  last_event_at: iso.nullable(),
  closed_at: iso.nullable(),
  merged_into: z.number().nullable(),
  facts: AgentFactsSchema,
  deadlines: z.array(DeadlineView),
  proposal: z
    .object({
      step: z.enum(STEPS),
      clause: ClauseView,
      reasoning: z.string(),
      rule: z.string(),
      basis: ClauseView.optional(),
      needs_approval: z.boolean(),
      waiting_until: iso.optional(),
    })
    .nullable(),
  proposal_note: z.string().optional(),
  actions: z.array(ActionView),
  notes: z.array(
    z.object({
      id: z.number(),
      visibility: z.enum(["internal", "shared"]),
      body: z.string(),
      author: z.string().nullable(),
      created_at: iso,
    }),
  ),
  events: z.object({
    total: z.number(),
    shown: z.number(),
    by_category: z.array(z.object({ category: z.string(), count: z.number() })),
    reports: z.array(z.object({ report_id: z.number(), received_at: iso, count: z.number() })),
    items: z.array(EventView),
  }),
  customer_history: z.object({
    cases: z.array(
      z.object({
        id: z.number(),
        category: z.string(),
        kind: z.enum(KINDS),
        opened_at: iso,
        founded: z.boolean(),
        actions: z.array(z.object({ step: z.string(), at: iso })),
      }),
    ),
  }),
  messages: z
    .array(MessageSummary)
    .describe("messages out and in, oldest first (GET /api/v1/messages/:id for the text)"),
  contact_problems: z
    .array(
      z.object({
        message: z.number(),
        party: z.string(),
        to: z.array(z.string()),
        failure: z.string(),
        reason: z.string(),
        at: iso,
      }),
    )
    .describe("messages that did not arrive because the address does not work (bounced, refused, none)"),
  timeline: z.array(
    z.object({
      at: iso,
      type: z.enum(["audit", "note", "report"]),
      actor: z.string().nullable(),
      action: z.string(),
      summary: z.string(),
      details: z.unknown(),
    }),
  ),
});

export const TransitionBody = z.object({
  to: z.enum(CASE_STATES),
  reason: z.string().max(4000).optional(),
});

export const NoteBody = z.object({
  body: z.string().min(1).max(20_000),
  visibility: z
    .enum(["internal", "shared"])
    .default("internal")
    .describe("shared notes may be shown to the customer"),
});

export const AssignBody = z.object({
  owner: z
    .union([z.number().int().positive(), z.string().min(3), z.null()])
    .describe("the user's id or e-mail address, or null to unassign"),
  reason: z.string().max(4000).optional(),
});

export const ActionBody = z.object({
  step: z.enum(STEPS),
  reason: z.string().max(4000).optional().describe("required when the step is not the proposed one"),
  note: z.string().max(20_000).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

export const ApproveBody = z.object({ note: z.string().max(4000).optional() }).default({});

export const ActionOutcome = z.object({
  action: z.object({
    id: z.number(),
    step: z.enum(STEPS),
    state: z.string(),
    proposed_step: z.string().nullable(),
    needs_approval: z.boolean(),
  }),
  case_state: z.enum(CASE_STATES),
});

export const FactsBody = z.object({ facts: AgentFactsSchema, reason: z.string().max(4000).optional() });

export const MergeBody = z.object({
  from: z.array(z.number().int().positive()).min(1).max(500).describe("cases to merge into this one"),
  reason,
});

export const SplitBody = z.object({
  subjects: z
    .array(z.string().min(1))
    .min(1)
    .max(10_000)
    .describe("subject values (IP, URL, ...) to split off"),
  reason,
});

export const BulkBody = z
  .object({
    ids: z.array(z.number().int().positive()).max(5000).optional(),
    filter: CaseFilterSchema.optional(),
    action: z.enum(["close", "assign", "transition"]),
    to: z.enum(CASE_STATES).optional(),
    owner: z.union([z.number().int().positive(), z.string().min(3), z.null()]).optional(),
    reason: z.string().max(4000).optional(),
  })
  .describe("close, assign or change the state of the cases named by ids and/or matched by filter");

export const BulkOutcomeView = z.object({
  matched: z.number(),
  changed: z.array(z.number()),
  failed: z.array(z.object({ id: z.number(), message: z.string() })),
});
