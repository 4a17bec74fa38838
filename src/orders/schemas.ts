/** The zod schemas of the orders API. */
import { z } from "zod";
import { CATEGORY_IDS, type Category } from "../taxonomy.ts";
import { AUTHORITIES, REQUESTS } from "./deadlines.ts";
import { MAX_ORDER_SUBJECTS } from "./orders.ts";

const id = z.coerce.number().int().positive();
const iso = z.string().describe("ISO 8601 date-time (UTC)");
const when = z.iso.datetime({ offset: true });

export const IdParams = z.object({ id });

const Contact = z
  .union([
    z.string().trim().min(1).max(500).describe("an e-mail address, or a name"),
    z
      .strictObject({
        name: z.string().trim().max(300).optional(),
        email: z.email().max(320).optional(),
        phone: z.string().trim().max(50).optional(),
      })
      .refine((c) => c.name || c.email || c.phone, "give a name, e-mail or phone of the contact"),
  ])
  .transform((c) =>
    typeof c === "string"
      ? z.email().safeParse(c).success
        ? { email: c.toLowerCase() }
        : { name: c }
      : Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined && v !== "")),
  )
  .describe("who at the authority to answer: { name, email, phone } or one text");

const orderFields = {
  authority: z.enum(AUTHORITIES),
  reference: z.string().trim().min(1).max(500).describe("the authority's reference of the order"),
  legal_basis: z.string().trim().min(1).max(2000).describe("e.g. Regulation (EU) 2021/784 art. 3"),
  subjects: z
    .array(z.string().min(1).max(2048))
    .min(1)
    .max(MAX_ORDER_SUBJECTS)
    .describe("URLs, IP addresses, domains, e-mail addresses or phone numbers the order is about"),
  requested: z.array(z.enum(REQUESTS)).min(1).max(REQUESTS.length),
  deadline_at: when.optional().describe("the term the order sets, if it sets one"),
  gag: z.boolean().default(false).describe("the order forbids telling the customer"),
  contact: Contact,
  category: z.enum(CATEGORY_IDS as [Category, ...Category[]]).optional(),
  brand: z.string().min(1).max(100).optional(),
  preserve_until: when.optional().describe("preserve_data: when the hold ends (default: until released)"),
};

export const OrderBody = z.object({ ...orderFields, received_at: when });
export const ReportOrderBody = z.object({
  ...orderFields,
  received_at: when.optional().describe("default: when the report was received"),
});

export const OrderListQuery = z.object({
  authority: z.enum(AUTHORITIES).optional(),
  state: z.enum(["open", "executed"]).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const Deadline = z.object({
  due_at: iso,
  source: z.string(),
  stated: iso.nullable().describe("the deadline the order itself stated"),
  half_term_at: iso,
  state: z.enum(["open", "overdue", "met", "missed"]),
  met: z.boolean().nullable().describe("true: executed in time; false: late or overdue; null: still open"),
});

export const OrderView = z.object({
  id: z.number(),
  authority: z.enum(AUTHORITIES),
  authority_name: z.string(),
  reference: z.string(),
  received_at: iso,
  legal_basis: z.string(),
  subjects: z.array(z.string()),
  requested: z.array(z.string()),
  category: z.string(),
  gag: z.boolean(),
  contact: z.object({
    name: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
  }),
  report_id: z.number(),
  created_by: z.string(),
  created_at: iso,
  deadline: Deadline,
  executed_at: iso.nullable(),
  took_seconds: z.number().nullable(),
  unresolved: z.array(z.string()).describe("subjects no customer of ours held"),
  cases: z
    .array(
      z.object({
        id: z.number(),
        brand: z.string(),
        customer: z.object({ id: z.string(), name: z.string() }).nullable(),
        state: z.string(),
        gag: z.boolean(),
      }),
    )
    .optional(),
  actions: z
    .array(
      z.object({
        id: z.number(),
        case_id: z.number(),
        step: z.string(),
        state: z.string(),
        done_at: iso.nullable(),
      }),
    )
    .optional(),
  holds: z
    .array(
      z.object({
        id: z.number(),
        case_id: z.number().nullable(),
        customer_id: z.string().nullable(),
        subjects: z.array(z.string()),
        legal_basis: z.string(),
        held_from: iso,
        held_until: iso.nullable(),
        active: z.boolean(),
        released_at: iso.nullable(),
        released_by: z.string().nullable(),
        release_reason: z.string().nullable(),
      }),
    )
    .optional(),
  provisions: z
    .array(
      z.object({
        id: z.number(),
        case_id: z.number(),
        action_id: z.number().nullable(),
        what: z.string(),
        given_to: z.string(),
        legal_basis: z.string(),
        given_at: iso,
        recorded_by: z.string(),
      }),
    )
    .optional(),
});

export const OrderList = z.object({
  items: z.array(OrderView),
  next_cursor: z.string().nullable(),
  total: z.number(),
});

export const ReleaseBody = z.object({ reason: z.string().max(4000).optional() }).default({});
