/**
 * The policy profile file format (SPEC C9): one YAML file per brand under `policy/profiles/`, holding the
 * brand's calendar, the documents it cites, its deadlines and its rules. One zod schema gives the
 * validator and the TypeScript type; docs/policy-profiles.md describes every field for operators.
 *
 * Field names are snake_case because they are what an operator types in YAML.
 */
import { z } from "zod";
import { COUNTRIES, isValidTimeZone } from "../calendar.ts";
import { CATEGORY_IDS, type Category, KINDS } from "../taxonomy.ts";
import { SEVERE_STEPS, STEPS } from "./steps.ts";

export const KYC_STATUSES = ["verified", "unverified", "high_risk"] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

export const USAGE_METRICS = ["traffic", "call_minutes"] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

/** The clocks the system always keeps; a profile sets their terms, `extra` adds its own. */
export const STANDARD_DEADLINES = [
  "acknowledge_receipt",
  "reply_to_reporter",
  "ntd_customer_reaction",
  "notice_of_default_compliance",
  "authority_order",
  // Notice-and-takedown (src/ntd/): the notifier's term to complete a notice, the desk's to assess it,
  // the notifier's term for a rebuttal, the desk's to handle an art. 20 complaint, and the art. 18 report.
  "ntd_completeness",
  "ntd_assessment",
  "ntd_notifier_rebuttal",
  "ntd_complaint",
  "threat_to_life_report",
] as const;
export type StandardDeadline = (typeof STANDARD_DEADLINES)[number];

/** What starts a configurable clock. */
export const DEADLINE_TRIGGERS = [
  "received",
  "customer_notified",
  "ntd_notice_sent",
  "notice_of_default_sent",
] as const;
export type DeadlineTrigger = (typeof DEADLINE_TRIGGERS)[number];

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "use lower-case letters, digits, '.', '_' or '-' (e.g. extin-spam)");
const text = z.string().trim().min(1, "must not be empty");
const StepSchema = z.enum(STEPS);
const CategorySchema = z.enum(CATEGORY_IDS as [Category, ...Category[]]);
const count = z.number().int("must be a whole number").nonnegative("must be 0 or more");

/** A cited clause: `document` is the id of an entry in `documents`, `quote` the Dutch sentence verbatim. */
export const ClauseSchema = z.strictObject({
  document: id,
  article: text,
  quote: text,
});
export type ClauseRef = z.output<typeof ClauseSchema>;

/** A term: "2 working days", "14 calendar days", "1 hour"; `end_of_day` moves it to 23:59:59.999 local. */
export const TermSchema = z
  .strictObject({
    count: z.number().positive("must be more than 0"),
    unit: z.enum(["hours", "calendar_days", "working_days"]),
    end_of_day: z.boolean().default(false),
  })
  .refine((t) => t.unit === "hours" || Number.isInteger(t.count), {
    message: "a number of days must be a whole number",
    path: ["count"],
  });
export type Term = z.output<typeof TermSchema>;

const DeadlineRuleSchema = z.strictObject({
  term: TermSchema,
  source: text,
});

const ExtraDeadlineSchema = z.strictObject({
  name: id,
  kinds: z.array(z.enum(KINDS)).min(1).optional(),
  categories: z.array(CategorySchema).min(1).optional(),
  from: z.enum(DEADLINE_TRIGGERS),
  term: TermSchema,
  source: text,
});
export type ExtraDeadline = z.output<typeof ExtraDeadlineSchema>;

/** The system's defaults (SPEC C7); a profile that says nothing about a clock gets these. */
export const DEFAULT_DEADLINES = {
  reply_to_reporter: { term: { count: 2, unit: "working_days" }, source: "abuse policy §6" },
  ntd_customer_reaction: {
    term: { count: 14, unit: "calendar_days" },
    source: "Extin NTD: 14 calendar days",
  },
  notice_of_default_compliance: {
    term: { count: 5, unit: "working_days", end_of_day: true },
    source: "X2com BE art. 13.8",
  },
} as const;

const DeadlinesSchema = z.strictObject({
  reply_to_reporter: DeadlineRuleSchema.prefault(DEFAULT_DEADLINES.reply_to_reporter),
  ntd_customer_reaction: DeadlineRuleSchema.prefault(DEFAULT_DEADLINES.ntd_customer_reaction),
  notice_of_default_compliance: DeadlineRuleSchema.prefault(DEFAULT_DEADLINES.notice_of_default_compliance),
  extra: z.array(ExtraDeadlineSchema).default([]),
});
export type DeadlinesConfig = z.output<typeof DeadlinesSchema>;

/** The notice-and-takedown procedure's terms and thresholds (docs/ntd.md); each has a default. */
export const DEFAULT_NTD = {
  completeness: {
    term: { count: 5, unit: "working_days" },
    source: "NTD code: the notifier is asked for what the notice lacks (DHPA model: 5 working days)",
  },
  assessment: {
    term: { count: 2, unit: "working_days" },
    source: "DSA art. 16(6): timely; DHPA model: 2 working days",
  },
  trusted_assessment: {
    term: { count: 1, unit: "working_days" },
    source: "DSA art. 22: a trusted flagger's notice without undue delay",
  },
  rebuttal: {
    term: { count: 14, unit: "calendar_days" },
    source: "NTD procedure: the notifier may answer the reaction within 14 days",
  },
  complaint: {
    term: { count: 10, unit: "working_days" },
    source: "DSA art. 20(4): a complaint is handled timely",
  },
} as const;

const NtdSchema = z.strictObject({
  completeness: DeadlineRuleSchema.prefault(DEFAULT_NTD.completeness),
  assessment: DeadlineRuleSchema.prefault(DEFAULT_NTD.assessment),
  trusted_assessment: DeadlineRuleSchema.prefault(DEFAULT_NTD.trusted_assessment),
  rebuttal: DeadlineRuleSchema.prefault(DEFAULT_NTD.rebuttal),
  complaint: DeadlineRuleSchema.prefault(DEFAULT_NTD.complaint),
  /** How long after a decision its parties may complain (DSA art. 20(1): at least six months). */
  complaint_window_months: z.number().int().min(6, "DSA art. 20(1) gives at least six months").default(6),
  /** DSA art. 23(2): a notifier whose notices are manifestly unfounded is warned, then suspended. */
  misuse: z
    .strictObject({
      window_days: z.number().int().positive().default(365),
      warn_after: z.number().int().positive().default(3),
      suspend_after: z.number().int().positive().default(5),
      suspension_days: z.number().int().positive().default(90),
      source: text.default("DSA art. 23(2); the brand's NTD procedure"),
    })
    .refine((m) => m.suspend_after >= m.warn_after, {
      message: "suspend_after must not be below warn_after: art. 23 suspends only after a warning",
    })
    .prefault({}),
  /** The brand's NTD procedure, cited by the procedure's steps; left out: the fallback rule's first clause. */
  clause: ClauseSchema.optional(),
});
export type NtdPolicy = z.output<typeof NtdSchema>;
/** The terms of a brand without a profile. */
export const DEFAULT_NTD_POLICY: NtdPolicy = NtdSchema.parse({});

/**
 * How a lasting measure ends (SPEC C10): lifted when an agent confirms the customer complied, and/or
 * automatically when a term after it was carried out runs out. Left out: the defaults of LIFT_DEFAULTS.
 */
export const LiftSchema = z.strictObject({
  lift_on_compliance: z.boolean().optional(),
  lift_after: TermSchema.optional(),
  source: text.optional(),
});
export type Lift = z.output<typeof LiftSchema>;

/** Measures that last until they are undone (restore, unblock, reinstate); termination is final. */
export const LASTING_STEPS = ["suspend", "block", "downgrade", "remove_content"] as const;
export type LastingStep = (typeof LASTING_STEPS)[number];

/** A suspension or block is lifted once the customer complies; a downgrade or removal stays until undone. */
export const LIFT_DEFAULTS: Readonly<Record<LastingStep, boolean>> = {
  suspend: true,
  block: true,
  downgrade: false,
  remove_content: false,
};

const MeasuresSchema = z.strictObject({
  suspend: LiftSchema.optional(),
  block: LiftSchema.optional(),
  downgrade: LiftSchema.optional(),
  remove_content: LiftSchema.optional(),
});

const RangeSchema = z.strictObject({
  at_least: count.optional(),
  below: count.optional(),
});

/**
 * Conditions on the case and the customer's history. All given conditions must hold. Flags a case does
 * not mention count as false (serious, known_offender, insecure_site); `cooperating` only matches a
 * known answer.
 */
export const FactMatchSchema = z.strictObject({
  kinds: z.array(z.enum(KINDS)).min(1).optional(),
  categories: z.array(CategorySchema).min(1).optional(),
  serious: z.boolean().optional(),
  known_offender: z.boolean().optional(),
  kyc: z.array(z.enum(KYC_STATUSES)).min(1).optional(),
  insecure_site: z.boolean().optional(),
  opt_in_proof: z.enum(["shown", "missing"]).optional(),
  cooperating: z.boolean().optional(),
  fair_use_requests: RangeSchema.optional(),
  usage: z
    .strictObject({
      metric: z.enum(USAGE_METRICS).optional(),
      ratio_above: z.number().positive(),
      period_months_at_least: z.number().positive().optional(),
    })
    .optional(),
  repeat: z
    .strictObject({
      at_least: count.optional(),
      below: count.optional(),
      window_days: z.number().int().positive().optional(),
      categories: z.array(CategorySchema).min(1).optional(),
    })
    .optional(),
  requested_step: z.array(StepSchema).min(1).optional(),
});
export type FactMatch = z.output<typeof FactMatchSchema>;

/** One step of a ladder, with the clause it rests on. */
export const RungSchema = z.strictObject({
  step: StepSchema,
  clause: ClauseSchema,
  /** in_sequence only: wait until this deadline (counted from the previous step) has passed. */
  after: id.optional(),
  /** Take this step only when these facts hold; otherwise wait. */
  when: FactMatchSchema.optional(),
  /** Do not take this step when these facts hold (e.g. the customer has complied). */
  unless: FactMatchSchema.optional(),
});
export type Rung = z.output<typeof RungSchema>;

const ruleBody = {
  description: text,
  /**
   * on_repeat: the ladder climbs one rung per violation (an earlier case in the window, or new reports
   * after our last step in this case). in_sequence: the ladder is a procedure within one case.
   */
  escalate: z.enum(["on_repeat", "in_sequence"]).default("on_repeat"),
  /** Why the facts are a violation, when that is a different clause than the measure's. */
  basis: ClauseSchema.optional(),
  ladder: z.array(RungSchema).min(1, "a ladder needs at least one step"),
};

export const RuleSchema = z.strictObject({ id, when: FactMatchSchema.prefault({}), ...ruleBody });
export type PolicyRule = z.output<typeof RuleSchema>;

export const FallbackSchema = z.strictObject({ id: id.default("fallback"), ...ruleBody });
export type FallbackRule = z.output<typeof FallbackSchema>;

export const DocumentSchema = z.strictObject({
  id,
  title: text,
  /** File name of the document's text, checked against quotes when the loader is given a documents folder. */
  file: text.optional(),
  url: z.url().optional(),
});
export type PolicyDocument = z.output<typeof DocumentSchema>;

/** A reporter named in a profile: an address (abuse@feed.example) or a whole domain (@feed.example). */
const ReporterPattern = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^([^\s@]+@|@)[^\s@]+\.[^\s@]+$/, "write an address (name@example.org) or a domain (@example.org)");

/**
 * Who gets which message (SPEC C8), see docs/messages.md: the template the customer gets when a step is
 * taken (a template name, or `none`), and which reporters get an acknowledgement.
 */
export const MessagesPolicySchema = z.strictObject({
  /** The case reference in subjects, "[<reference> #123]"; default "<name> abuse". */
  reference: z
    .string()
    .trim()
    .regex(/^[^[\]#\r\n]{1,60}$/, "1 to 60 characters, without [ ] or #")
    .optional(),
  /** Step → template the customer gets (`none`: no message). Steps left out keep the default. */
  templates: z.partialRecord(StepSchema, z.union([id, z.literal("none")])).default({}),
  acknowledge: z
    .strictObject({
      /** Report formats whose reporter gets an acknowledgement (mails no parser understood always do). */
      formats: z.array(id).default(["plain", "freetext"]),
      /** Reporters that get one whatever the format, and reporters that never get one. */
      always: z.array(ReporterPattern).default([]),
      never: z.array(ReporterPattern).default([]),
    })
    .prefault({}),
  /** Tell the reporters what was done when the first step is taken on their case (meets reply_to_reporter). */
  inform_reporter: z.boolean().default(true),
});
export type MessagesPolicy = z.output<typeof MessagesPolicySchema>;

export const PolicyProfileSchema = z
  .strictObject({
    brand: id,
    name: text,
    version: z.union([z.string(), z.number()]).transform(String),
    calendar: z.strictObject({
      country: z.enum(COUNTRIES),
      time_zone: text.refine(isValidTimeZone, "not an IANA time zone; use e.g. Europe/Amsterdam"),
      closed_days: z.array(z.iso.date("use YYYY-MM-DD")).default([]),
    }),
    documents: z.array(DocumentSchema).min(1, "cite at least one document"),
    reporter_identity: z
      .strictObject({
        pass_to_customer: z.enum(["never", "with_consent", "always"]).default("never"),
        clause: ClauseSchema.optional(),
      })
      .prefault({}),
    approval: z
      .strictObject({
        /** Steps that need a second person (four eyes), SPEC C10. */
        severe_steps: z.array(StepSchema).default([...SEVERE_STEPS]),
        /** true: the brand may take severe steps at once, without a second person. */
        without_four_eyes: z.boolean().default(false),
      })
      .prefault({}),
    /** How far back earlier cases count as repetition, unless a rule says otherwise. */
    repeat_window_days: z.number().int().positive().default(365),
    deadlines: DeadlinesSchema.prefault({}),
    /** How lasting measures end: on compliance, after a term (see LiftSchema). */
    measures: MeasuresSchema.prefault({}),
    /** Who gets which message (docs/messages.md). */
    messages: MessagesPolicySchema.prefault({}),
    /** Notice-and-takedown terms and misuse thresholds (docs/ntd.md). */
    ntd: NtdSchema.prefault({}),
    rules: z.array(RuleSchema),
    fallback: FallbackSchema,
  })
  .superRefine((profile, ctx) => {
    const documents = new Set(profile.documents.map((d) => d.id));
    const deadlineNames = new Set<string>([
      ...STANDARD_DEADLINES,
      ...profile.deadlines.extra.map((d) => d.name),
    ]);
    const checkClause = (clause: ClauseRef | undefined, path: (string | number)[]) => {
      if (clause && !documents.has(clause.document))
        ctx.addIssue({
          code: "custom",
          path: [...path, "document"],
          message: `no document with id "${clause.document}" in documents (known: ${[...documents].join(", ")})`,
        });
    };
    const seenDocs = new Set<string>();
    profile.documents.forEach((d, i) => {
      if (seenDocs.has(d.id))
        ctx.addIssue({
          code: "custom",
          path: ["documents", i, "id"],
          message: `document id "${d.id}" is used twice`,
        });
      seenDocs.add(d.id);
    });
    profile.deadlines.extra.forEach((d, i) => {
      if ((STANDARD_DEADLINES as readonly string[]).includes(d.name))
        ctx.addIssue({
          code: "custom",
          path: ["deadlines", "extra", i, "name"],
          message: `"${d.name}" is a standard deadline; set its term under deadlines.${d.name} instead`,
        });
    });
    checkClause(profile.reporter_identity.clause, ["reporter_identity", "clause"]);
    checkClause(profile.ntd.clause, ["ntd", "clause"]);
    const seenRules = new Set<string>();
    const checkRule = (rule: PolicyRule | FallbackRule, path: (string | number)[]) => {
      if (seenRules.has(rule.id))
        ctx.addIssue({
          code: "custom",
          path: [...path, "id"],
          message: `rule id "${rule.id}" is used twice`,
        });
      seenRules.add(rule.id);
      checkClause(rule.basis, [...path, "basis"]);
      rule.ladder.forEach((rung, i) => {
        checkClause(rung.clause, [...path, "ladder", i, "clause"]);
        if (rung.after === undefined) return;
        if (rule.escalate !== "in_sequence")
          ctx.addIssue({
            code: "custom",
            path: [...path, "ladder", i, "after"],
            message: "`after` only works in a ladder with escalate: in_sequence",
          });
        else if (i === 0)
          ctx.addIssue({
            code: "custom",
            path: [...path, "ladder", i, "after"],
            message: "the first step has no earlier step to wait for",
          });
        if (!deadlineNames.has(rung.after))
          ctx.addIssue({
            code: "custom",
            path: [...path, "ladder", i, "after"],
            message: `no deadline named "${rung.after}" (known: ${[...deadlineNames].join(", ")})`,
          });
      });
    };
    profile.rules.forEach((rule, i) => {
      checkRule(rule, ["rules", i]);
    });
    checkRule(profile.fallback, ["fallback"]);
  });

/** A validated profile, as the engine and the deadlines use it. */
export type PolicyProfile = z.output<typeof PolicyProfileSchema>;
