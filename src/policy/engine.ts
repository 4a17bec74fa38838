/**
 * The policy engine (SPEC C9): from the brand's profile, the facts of a case and the customer's history
 * to the next step, the clause it rests on and the reasoning in words. Pure: no clock of its own (the
 * caller passes `now`), no I/O.
 *
 * Rules are tried in the profile's order; the first whose conditions all hold decides, else the fallback.
 * A rule's ladder is climbed per violation (`on_repeat`) or step by step within the case (`in_sequence`).
 */
import { DateTime } from "luxon";
import { CATEGORIES, type Category, type Kind } from "../taxonomy.ts";
import { needsApproval } from "./approval.ts";
import { calendarOf, dueAfter, termOf } from "./deadlines.ts";
import type {
  ClauseRef,
  FactMatch,
  FallbackRule,
  KycStatus,
  PolicyProfile,
  PolicyRule,
  Rung,
  UsageMetric,
} from "./schema.ts";
import { STEP_NOUNS, type Step } from "./steps.ts";

/** A clause as shown on a decision: the document's title, the article or heading, the Dutch sentence. */
export interface Clause {
  document: string;
  article: string;
  quote: string;
}

/**
 * What the engine proposes, in the shape of the case JSON (`proposal`). Fields beyond the contract's
 * `{ step, clause, reasoning }` are additions and snake_case like the rest of the JSON.
 */
export interface Proposal {
  step: Step;
  clause: Clause;
  /** Which rule matched and why, the customer's history, and what comes next, in plain English. */
  reasoning: string;
  /** Id of the rule that decided (or the fallback's id). */
  rule: string;
  /** The clause that makes the facts a violation, when the rule names one apart from the measure's. */
  basis?: Clause;
  /** A severe step (suspend, terminate, provide data) needs a second person unless the profile waives it. */
  needs_approval: boolean;
  /** When the proposal is to wait (`no_action`) for a term to run out: the moment it does. */
  waiting_until?: Date;
}

/** Usage compared with the average of customers on the same service (X2com fair use, excessive use). */
export interface UsageFacts {
  /** The customer's use divided by the average use, e.g. 5.4. */
  ratio: number;
  /** The period the ratio was measured over, in months (X2com BE 11.2 needs 3 or more). */
  periodMonths: number;
  /** What was measured; rules may be about one metric only. */
  metric: UsageMetric;
}

/**
 * The facts of one case that rules look at. The cases module builds them from the database; facts it
 * does not know are left out (a left-out flag counts as false, a left-out answer as unknown).
 */
export interface CaseFacts {
  /** The case's id, so the engine can tell this case's actions in the history from earlier cases. */
  caseId?: string;
  /** Brand id; must be the profile's brand. */
  brand: string;
  kind: Kind;
  category: Category;
  /** When the case was opened (its first event); repetition is counted back from here. */
  openedAt: Date;
  /** When the latest event of this case occurred: reports after our last step mean the abuse went on. */
  lastEventAt?: Date;
  /** The moment of the proposal, for terms that must run out first. */
  now: Date;
  /** The desk judged the incident serious (X2com: measures without warning; BE 13.8 serious breach). */
  serious?: boolean;
  /** A known offender, e.g. a "bekende" spammer (Extin). */
  knownOffender?: boolean;
  /** Know-your-customer status (abuse policy §9); unknown when left out. */
  kycStatus?: KycStatus;
  /** The abuse went through the customer's insecure site or server (Web://Xtra: one warning). */
  insecureSite?: boolean;
  /** Spam: whether the customer showed the confirmed opt-in of the complaining address; unknown when left out. */
  optInProof?: "shown" | "missing";
  /** Whether the customer cooperates / reached an agreement / committed to comply; unknown when left out. */
  cooperating?: boolean;
  /** How many written fair-use requests the customer already received (X2com BE 13.10). */
  fairUseRequests?: number;
  usage?: UsageFacts;
  /** The step an authority order demands (remove content, provide data, suspend, terminate). */
  requestedStep?: Step;
}

/** One action taken on a case. */
export interface HistoryAction {
  step: Step;
  at: Date;
}

/** A case of this customer, earlier or the current one. */
export interface HistoryCase {
  caseId: string;
  category: Category;
  kind: Kind;
  openedAt: Date;
  /** false when the complaint was found unfounded: it is then no violation and does not count. Default true. */
  founded?: boolean;
  /** Actions taken on the case, in any order. */
  actions: readonly HistoryAction[];
}

/** The customer's cases (earlier ones and the current one, with the steps taken), as the database has them. */
export interface CustomerHistory {
  cases: readonly HistoryCase[];
}

export const NO_HISTORY: CustomerHistory = { cases: [] };

/** The engine was asked something it cannot answer: the facts belong to another brand. */
export class PolicyEngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyEngineError";
  }
}

const ORDINALS = [
  "first",
  "second",
  "third",
  "fourth",
  "fifth",
  "sixth",
  "seventh",
  "eighth",
  "ninth",
  "tenth",
];
const ordinal = (n: number) => ORDINALS[n - 1] ?? `${n}th`;
const MESSAGE_STEPS: readonly Step[] = ["warn", "request_information", "notice_of_default"];

interface Context {
  profile: PolicyProfile;
  facts: CaseFacts;
  history: CustomerHistory;
  /** Actions already taken on this case, oldest first. */
  thisCase: HistoryAction[];
}

/** The measure the brand's profile proposes next, the clause it rests on and why. */
export function proposeNextStep(
  profile: PolicyProfile,
  facts: CaseFacts,
  history: CustomerHistory,
): Proposal {
  if (facts.brand !== profile.brand)
    throw new PolicyEngineError(
      `the case is of brand "${facts.brand}" but the profile is "${profile.brand}"`,
    );
  const current =
    facts.caseId === undefined ? undefined : history.cases.find((c) => c.caseId === facts.caseId);
  const ctx: Context = {
    profile,
    facts,
    history,
    thisCase: [...(current?.actions ?? [])].sort((a, b) => a.at.getTime() - b.at.getTime()),
  };
  for (const rule of profile.rules) {
    const reasons = matchFacts(rule.when, rule, ctx);
    if (reasons)
      return climb(rule, `rule "${rule.id}" (${rule.description}) applies: ${reasons.join("; ")}`, ctx);
  }
  const fallback = profile.fallback;
  return climb(
    fallback,
    `no specific rule applies; the fallback "${fallback.id}" (${fallback.description})`,
    ctx,
  );
}

// ---------------------------------------------------------------------------------------------------
// Matching

/** The reasons the conditions hold, or undefined when one does not. */
function matchFacts(when: FactMatch, rule: PolicyRule | FallbackRule, ctx: Context): string[] | undefined {
  const f = ctx.facts;
  const reasons: string[] = [];
  const label = categoryLabel(f.category);
  if (when.kinds) {
    if (!when.kinds.includes(f.kind)) return undefined;
    reasons.push(
      f.kind === "ntd"
        ? "a notice-and-takedown case"
        : f.kind === "abuse"
          ? "an abuse case"
          : "an authority order",
    );
  }
  if (when.categories) {
    if (!when.categories.includes(f.category)) return undefined;
    reasons.push(`category ${label}`);
  }
  if (when.serious !== undefined) {
    if ((f.serious ?? false) !== when.serious) return undefined;
    reasons.push(when.serious ? "the incident is serious" : "the incident is not marked serious");
  }
  if (when.known_offender !== undefined) {
    if ((f.knownOffender ?? false) !== when.known_offender) return undefined;
    reasons.push(
      when.known_offender ? "the customer is a known offender" : "the customer is not a known offender",
    );
  }
  if (when.kyc) {
    if (f.kycStatus === undefined || !when.kyc.includes(f.kycStatus)) return undefined;
    reasons.push(`the customer's KYC status is ${f.kycStatus.replace("_", "-")}`);
  }
  if (when.insecure_site !== undefined) {
    if ((f.insecureSite ?? false) !== when.insecure_site) return undefined;
    reasons.push(
      when.insecure_site
        ? "it went through the customer's insecure site or server"
        : "it did not go through an insecure site",
    );
  }
  if (when.opt_in_proof !== undefined) {
    if (f.optInProof !== when.opt_in_proof) return undefined;
    reasons.push(
      when.opt_in_proof === "missing"
        ? "the customer could not show the confirmed opt-in of the complaining address"
        : "the customer showed the confirmed opt-in of the complaining address",
    );
  }
  if (when.cooperating !== undefined) {
    if (f.cooperating !== when.cooperating) return undefined;
    reasons.push(when.cooperating ? "the customer cooperates" : "the customer does not cooperate");
  }
  if (when.fair_use_requests) {
    const n = f.fairUseRequests ?? 0;
    if (!inRange(n, when.fair_use_requests)) return undefined;
    reasons.push(`${n} written fair-use request${n === 1 ? "" : "s"} sent so far`);
  }
  if (when.usage) {
    const u = f.usage;
    if (!u || !(u.ratio > when.usage.ratio_above)) return undefined;
    if (when.usage.metric && u.metric !== when.usage.metric) return undefined;
    if (when.usage.period_months_at_least !== undefined && u.periodMonths < when.usage.period_months_at_least)
      return undefined;
    const metric = u.metric === "call_minutes" ? "call minutes" : "use";
    reasons.push(
      `${metric} ${round(u.ratio)}× the average over ${u.periodMonths} month${u.periodMonths === 1 ? "" : "s"}, above the limit of ${when.usage.ratio_above}×`,
    );
  }
  if (when.repeat) {
    const window = when.repeat.window_days ?? ctx.profile.repeat_window_days;
    const categories = when.repeat.categories ?? repeatCategories(rule, ctx);
    const n = earlierViolations(ctx, categories, window).length;
    if (!inRange(n, when.repeat)) return undefined;
    reasons.push(
      `${n} earlier ${labelOf(categories, f.category)} case${n === 1 ? "" : "s"} within ${window} days`,
    );
  }
  if (when.requested_step) {
    if (f.requestedStep === undefined || !when.requested_step.includes(f.requestedStep)) return undefined;
    reasons.push(`the order demands: ${STEP_NOUNS[f.requestedStep]}`);
  }
  if (reasons.length === 0) reasons.push("it has no conditions");
  return reasons;
}

function inRange(n: number, range: { at_least?: number | undefined; below?: number | undefined }): boolean {
  return (
    (range.at_least === undefined || n >= range.at_least) && (range.below === undefined || n < range.below)
  );
}

function repeatCategories(rule: PolicyRule | FallbackRule, ctx: Context): readonly Category[] {
  const when = "when" in rule ? rule.when : undefined;
  return when?.repeat?.categories ?? when?.categories ?? [ctx.facts.category];
}

/** Earlier founded cases of these categories opened within `windowDays` before this case, oldest first. */
function earlierViolations(ctx: Context, categories: readonly Category[], windowDays: number): HistoryCase[] {
  const end = ctx.facts.openedAt.getTime();
  const start = end - windowDays * 86_400_000;
  return ctx.history.cases
    .filter(
      (c) =>
        c.caseId !== ctx.facts.caseId &&
        (c.founded ?? true) &&
        categories.includes(c.category) &&
        c.openedAt.getTime() >= start &&
        c.openedAt.getTime() <= end,
    )
    .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
}

// ---------------------------------------------------------------------------------------------------
// Climbing the ladder

function climb(rule: PolicyRule | FallbackRule, why: string, ctx: Context): Proposal {
  return rule.escalate === "in_sequence" ? climbInSequence(rule, why, ctx) : climbOnRepeat(rule, why, ctx);
}

function climbOnRepeat(rule: PolicyRule | FallbackRule, why: string, ctx: Context): Proposal {
  const { facts, profile } = ctx;
  const window = ("when" in rule ? rule.when.repeat?.window_days : undefined) ?? profile.repeat_window_days;
  const categories = repeatCategories(rule, ctx);
  const earlier = earlierViolations(ctx, categories, window);
  const ladderSteps = new Set(rule.ladder.map((r) => r.step));
  const taken = ctx.thisCase.filter((a) => ladderSteps.has(a.step));
  const last = taken.at(-1);
  const label = labelOf(categories, facts.category);
  const lastRung = rule.ladder.length - 1;

  const historyText = describeEarlier(earlier, label, window, ctx);
  if (last) {
    const continued = facts.lastEventAt !== undefined && facts.lastEventAt.getTime() > last.at.getTime();
    if (!continued) {
      const next = rule.ladder[Math.min(earlier.length + taken.length, lastRung)] as Rung;
      const then =
        earlier.length + taken.length <= lastRung
          ? ` On repetition the next step is: ${STEP_NOUNS[next.step]}.`
          : " The ladder's last step has been taken.";
      const rung = rule.ladder.find((r) => r.step === last.step) ?? next;
      return propose(rule, rung, "no_action", ctx, [
        `${capitalise(why)}.`,
        historyText,
        `The ${STEP_NOUNS[last.step]} on this case was ${verb(last.step)} on ${day(last.at, ctx)}; no new reports since, so nothing further is due now.${then}`,
      ]);
    }
  }
  const index = Math.min(earlier.length + taken.length, lastRung);
  const rung = rule.ladder[index] as Rung;
  const repetition = last
    ? `New reports arrived after the ${STEP_NOUNS[last.step]} of ${day(last.at, ctx)}: the abuse went on.`
    : "";
  const position =
    rule.ladder.length === 1
      ? `The rule has one step: ${STEP_NOUNS[rung.step]}.`
      : `Step ${index + 1} of ${rule.ladder.length} of the ladder (${rule.ladder.map((r) => r.step).join(" → ")}).`;
  return propose(rule, rung, rung.step, ctx, [`${capitalise(why)}.`, historyText, repetition, position]);
}

function climbInSequence(rule: PolicyRule | FallbackRule, why: string, ctx: Context): Proposal {
  const { facts, profile } = ctx;
  // Walk the ladder along this case's actions in time order: each rung is done once its step was taken.
  let index = 0;
  let previous: HistoryAction | undefined;
  for (const action of ctx.thisCase) {
    const rung = rule.ladder[index];
    if (rung && action.step === rung.step) {
      previous = action;
      index += 1;
    }
  }
  const done = rule.ladder
    .slice(0, index)
    .map((r) => r.step)
    .join(" → ");
  const progress = index === 0 ? "Nothing of this procedure has been done yet." : `Done so far: ${done}.`;
  const header = [`${capitalise(why)}.`, progress];
  if (index >= rule.ladder.length) {
    const rung = rule.ladder.at(-1) as Rung;
    return propose(rule, rung, "no_action", ctx, [...header, "Every step of the procedure has been taken."]);
  }
  const rung = rule.ladder[index] as Rung;
  if (rung.after && previous) {
    const term = termOf(profile, rung.after);
    if (term) {
      const due = dueAfter(previous.at, term.term, calendarOf(profile));
      if (facts.now.getTime() < due.getTime())
        return {
          ...propose(rule, rung, "no_action", ctx, [
            ...header,
            `The ${STEP_NOUNS[previous.step]} was ${verb(previous.step)} on ${day(previous.at, ctx)}; the customer has until ${moment(due, ctx)} (${term.source}). After that, if the customer has not complied: ${STEP_NOUNS[rung.step]}.`,
          ]),
          waiting_until: due,
        };
    }
  }
  if (rung.unless) {
    const reasons = matchFacts(rung.unless, rule, ctx);
    if (reasons)
      return propose(rule, rung, "no_action", ctx, [
        ...header,
        `The next step (${STEP_NOUNS[rung.step]}) is not taken because ${reasons.join("; ")}.`,
      ]);
  }
  if (rung.when && !matchFacts(rung.when, rule, ctx))
    return propose(rule, rung, "no_action", ctx, [
      ...header,
      `The next step (${STEP_NOUNS[rung.step]}) waits until ${describeCondition(rung.when)}.`,
    ]);
  const after =
    rung.after && previous
      ? `The term after the ${STEP_NOUNS[previous.step]} of ${day(previous.at, ctx)} has passed.`
      : "";
  return propose(rule, rung, rung.step, ctx, [
    ...header,
    after,
    `Step ${index + 1} of ${rule.ladder.length} (${rule.ladder.map((r) => r.step).join(" → ")}).`,
  ]);
}

function propose(
  rule: PolicyRule | FallbackRule,
  rung: Rung,
  step: Step,
  ctx: Context,
  sentences: string[],
): Proposal {
  const { profile } = ctx;
  const clause = resolveClause(profile, rung.clause);
  const basis = rule.basis ? resolveClause(profile, rule.basis) : undefined;
  const parts = sentences.filter((s) => s.length > 0);
  if (basis) parts.push(`Basis: ${basis.document}, ${basis.article}: "${basis.quote}"`);
  parts.push(`Clause: ${clause.document}, ${clause.article}: "${clause.quote}"`);
  const approval = needsApproval(profile, step);
  if (approval) parts.push("A second person must approve this step (four eyes).");
  return {
    step,
    clause,
    reasoning: parts.join(" "),
    rule: rule.id,
    ...(basis ? { basis } : {}),
    needs_approval: approval,
  };
}

/** The clause with the document's title in place of its id. */
export function resolveClause(profile: PolicyProfile, ref: ClauseRef): Clause {
  const doc = profile.documents.find((d) => d.id === ref.document);
  const title = doc?.title ?? ref.document;
  return { document: title, article: articleUnder(title, ref.article), quote: ref.quote };
}

/**
 * The article as it reads after the document's title, which is not said twice: in "Web://Xtra anti-spam
 * policy" the heading "Anti-spam policy, zerotolerance beleid" is "zerotolerance beleid", and the heading
 * "Anti-spam policy" alone is the document's general part, its introduction.
 */
export function articleUnder(title: string, article: string): string {
  const said = title.toLowerCase();
  const parts = article.split(/,\s*/);
  while (parts.length > 0 && parts[0]!.length > 0 && said.endsWith(parts[0]!.toLowerCase())) parts.shift();
  return parts.length > 0 ? parts.join(", ") : "introduction";
}

// ---------------------------------------------------------------------------------------------------
// Words

function describeEarlier(earlier: HistoryCase[], label: string, window: number, ctx: Context): string {
  if (earlier.length === 0) return `No earlier ${label} case of this customer within ${window} days.`;
  const firsts = new Map<Step, Date>();
  for (const c of earlier)
    for (const a of c.actions) {
      const seen = firsts.get(a.step);
      if (!seen || a.at < seen) firsts.set(a.step, a.at);
    }
  const steps = [...firsts.entries()]
    .filter(([step]) => step !== "no_action")
    .sort((a, b) => a[1].getTime() - b[1].getTime())
    .map(([step, at]) => `the first ${STEP_NOUNS[step]} was ${verb(step)} on ${day(at, ctx)}`);
  const cases = earlier.map((c) => `case ${c.caseId} of ${day(c.openedAt, ctx)}`).join(", ");
  const what = steps.length > 0 ? `; ${steps.join("; ")}` : "; no step was taken on it";
  return `${capitalise(ordinal(earlier.length + 1))} ${label} case within ${window} days (earlier: ${cases})${what}.`;
}

function describeCondition(when: FactMatch): string {
  const parts: string[] = [];
  if (when.cooperating === false)
    parts.push("it is clear that no agreement is reached (the customer does not cooperate)");
  if (when.cooperating === true) parts.push("the customer cooperates");
  if (when.serious !== undefined)
    parts.push(when.serious ? "the incident is judged serious" : "it is not serious");
  if (when.known_offender) parts.push("the customer is known as an offender");
  if (when.opt_in_proof) parts.push(`the opt-in proof is ${when.opt_in_proof}`);
  if (when.fair_use_requests?.at_least !== undefined)
    parts.push(`${when.fair_use_requests.at_least} fair-use requests have been sent`);
  return parts.length > 0 ? parts.join(" and ") : "its conditions hold";
}

function verb(step: Step): string {
  return MESSAGE_STEPS.includes(step) ? "sent" : "taken";
}

function categoryLabel(category: Category): string {
  const label = CATEGORIES[category].label.en;
  return label === "DDoS" ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

function labelOf(categories: readonly Category[], current: Category): string {
  return categories.length === 1 ? categoryLabel(categories[0] ?? current) : categoryLabel(current);
}

function day(at: Date, ctx: Context): string {
  return DateTime.fromJSDate(at, { zone: ctx.profile.calendar.time_zone })
    .setLocale("en-GB")
    .toFormat("d MMMM yyyy");
}

function moment(at: Date, ctx: Context): string {
  const local = DateTime.fromJSDate(at, { zone: ctx.profile.calendar.time_zone }).setLocale("en-GB");
  const endOfDay = local.hour === 23 && local.minute === 59 && local.second === 59;
  return endOfDay
    ? `the end of ${local.toFormat("cccc d MMMM yyyy")}`
    : local.toFormat("cccc d MMMM yyyy HH:mm");
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
