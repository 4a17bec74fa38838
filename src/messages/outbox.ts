/**
 * The outbox (SPEC C8): every outgoing message is a row written in the transaction of the decision that
 * causes it (a step, an acknowledgement rule, a person's message, a measure, an order, an escalation), with
 * its Message-ID fixed there. A message is composed once (its subject and body rendered from its template),
 * before its first attempt, and never changed afterwards; the sender (delivery.ts) sends it, and a retry
 * after a crash sends the very same message again.
 *
 * Who gets what is in policy.ts; what a message says is in compose.ts and the templates.
 */

import type { Transaction } from "kysely";
import type { Logger } from "pino";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { brandInScope } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import type { Database, MessageParty } from "../db/schema.ts";
import { fail, ok, type Result } from "../errors.ts";
import type {
  EscalationEvent,
  MeasureEvent,
  MeasureNotifier,
  OrderExecutedEvent,
} from "../measures/notifier.ts";
import { contextData, customerNoticeFacts } from "../ntd/facts.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import { isStep, type Step } from "../policy/steps.ts";
import { type LinkRequest, planPortalLink } from "../portal/links.ts";
import { insertPortalTokens } from "../portal/portal.store.ts";
import {
  type BrandFacts,
  caseReference,
  composeText,
  customerData,
  customerDomains,
  EVIDENCE_SHOWN,
  type EventFacts,
  escalationData,
  type Identity,
  type OrderFacts,
  orderData,
  reporterData,
  SUBJECTS_SHOWN,
  withReference,
} from "./compose.ts";
import {
  actionRow,
  brandRow,
  caseBundle,
  caseReporters,
  caseRow,
  casesOfReport,
  insertMessage,
  lockCaseRow,
  type MessageRow,
  type NewMessage,
  openDeadline,
  setState,
  supervisorAddresses,
  threadOf,
  writeComposed,
} from "./messages.store.ts";
import {
  checkTextForCustomer,
  checkTextForReporter,
  mayWriteToCustomer,
  referenceWords,
  reporterIdentityAllowed,
  STEP_DEADLINES,
  stepTemplate,
} from "./policy.ts";
import type { TemplateSet } from "./template-files.ts";
import { isKnownTemplate, specOf, TEMPLATE_SPECS, type TemplateData } from "./templates.ts";
import { newMessageId } from "./threading.ts";
import { isLanguage, type Language } from "./vocabulary.ts";

type Trx = Transaction<Database>;

/** What composing needs, built once at start (app.ts). */
export interface MessageDeps {
  policies: ReadonlyMap<string, PolicyProfile>;
  templates: TemplateSet;
  /** Where the portal is reached, for the links in messages. */
  publicUrl: string;
  /** A relay is configured: composed messages are queued to be sent; otherwise they are held. */
  relayConfigured: boolean;
  portalLinkDays: number;
  log: Logger;
}

/** Who the audit log names for messages the desk writes on its own. */
export const MESSAGES_ACTOR = "system:messages";

/** Reporters told about a step on one case (each gets their own message). */
const REPORTERS_INFORMED = 50;

const domainOf = (address: string | null | undefined) => address?.split("@")[1] ?? "abusedesk.invalid";

async function audit(
  trx: Trx,
  actor: string,
  action: string,
  row: { id: number; case_id: number | null },
  details: Record<string, unknown>,
) {
  await appendAudit(trx, {
    actor,
    action,
    subjectType: row.case_id ? "case" : "message",
    subjectId: row.case_id ?? row.id,
    details: { message: row.id, ...details },
  });
}

// ---------------------------------------------------------------------------------------------------
// Deciding: the rows

/**
 * THE HOOK where a step is taken (one call from the case commands): the customer's message the brand's
 * profile names for the step, and, the first time something is done on the case, a word to each reporter
 * we acknowledged. Written in the step's transaction; composed by the sender (delivery.ts) or at once by
 * whoever has the templates at hand. Nothing goes to the customer of a gagged case.
 */
export async function messagesForStep(
  trx: Trx,
  t: {
    kase: { id: number; brand_id: string; gag: boolean };
    profile: PolicyProfile | undefined;
    step: Step;
    actionId: number;
    actor: string;
  },
): Promise<number[]> {
  const made: number[] = [];
  const brand = await brandRow(trx, t.kase.brand_id);
  const domain = domainOf(brand?.abuse_address);
  const template = stepTemplate(t.profile, t.step);
  if (template) {
    if (t.kase.gag) {
      await appendAudit(trx, {
        actor: MESSAGES_ACTOR,
        action: "message.withheld",
        subjectType: "case",
        subjectId: t.kase.id,
        details: { party: "customer", template, step: t.step, action: t.actionId, reason: "gag" },
      });
    } else {
      const id = await writeIntent(trx, {
        party: "customer",
        brandId: t.kase.brand_id,
        caseId: t.kase.id,
        actionId: t.actionId,
        template,
        context: { step: t.step, action_id: t.actionId },
        actor: t.actor,
        domain,
      });
      if (id) made.push(id);
    }
  }
  if (t.step !== "no_action" && (t.profile?.messages.inform_reporter ?? true)) {
    const due = await openDeadline(trx, t.kase.id, ["reply_to_reporter"]);
    // One word to the reporters until it is out: a second step before then adds nothing to tell them.
    const pending = due
      ? await trx
          .selectFrom("messages")
          .select("id")
          .where("case_id", "=", t.kase.id)
          .where("template", "=", "reporter_update")
          .where("state", "in", ["queued", "held"])
          .limit(1)
          .executeTakeFirst()
      : undefined;
    if (due && !pending) {
      const reporters = (await caseReporters(trx, t.kase.id))
        .filter((r) => r.acknowledgement === "written" && r.reporter_id !== null && r.email)
        .slice(0, REPORTERS_INFORMED);
      const seen = new Set<number>();
      for (const r of reporters) {
        if (seen.has(r.reporter_id!)) continue;
        seen.add(r.reporter_id!);
        const id = await writeIntent(trx, {
          party: "reporter",
          brandId: t.kase.brand_id,
          caseId: t.kase.id,
          actionId: t.actionId,
          reporterId: r.reporter_id,
          reportId: r.report_id,
          template: "reporter_update",
          to: [r.email!],
          context: { step: t.step, action_id: t.actionId },
          actor: t.actor,
          domain,
        });
        if (id) made.push(id);
      }
    }
  }
  return made;
}

interface Intent {
  party: MessageParty;
  brandId: string;
  caseId: number | null;
  actionId?: number | null;
  reporterId?: number | null;
  reportId?: number | null;
  template: string;
  language?: Language | null;
  to?: string[];
  context: Record<string, unknown>;
  actor: string;
  domain: string;
}

/** A message decided, not yet composed: queued, so that the sender composes it before its first attempt. */
async function writeIntent(trx: Trx, i: Intent): Promise<number | undefined> {
  const row: NewMessage = {
    direction: "out",
    party: i.party,
    brandId: i.brandId,
    caseId: i.caseId,
    reportId: i.reportId ?? null,
    actionId: i.actionId ?? null,
    reporterId: i.reporterId ?? null,
    template: i.template,
    language: i.language ?? null,
    from: null,
    to: i.to ?? [],
    subject: null,
    body: null,
    messageId: newMessageId(i.domain),
    state: "queued",
    context: i.context,
    composed: false,
    actor: i.actor,
  };
  const id = await insertMessage(trx, row);
  if (id !== undefined)
    await audit(
      trx,
      i.actor,
      "message.queued",
      { id, case_id: i.caseId },
      { party: i.party, template: i.template },
    );
  return id;
}

// ---------------------------------------------------------------------------------------------------
// Composing

export type ComposeOutcome = "composed" | "failed";

/** The languages to try for a reader, in order: asked for, the reader's own, the brand's, then EN and NL. */
function languagesFor(...preferred: (string | null | undefined)[]): Language[] {
  const out: Language[] = [];
  for (const l of [...preferred, "en", "nl"]) if (isLanguage(l) && !out.includes(l)) out.push(l);
  return out;
}

async function failRow(
  trx: Trx,
  row: MessageRow,
  failure: "withheld" | "no_address" | "gave_up",
  error: string,
) {
  await setState(trx, row.id, { state: "failed", failure, error });
  await audit(trx, MESSAGES_ACTOR, failure === "withheld" ? "message.withheld" : "message.failed", row, {
    party: row.party,
    template: row.template,
    reason: error,
  });
}

/**
 * What a batch of messages is composed from, read once per brand and per case, and what composing them
 * writes, written once (`flush`): a burst of notices costs a few statements, not a dozen per message.
 */
export class ComposeCache {
  readonly #brands = new Map<string, ReturnType<typeof brandRow>>();
  readonly #cases = new Map<number, ReturnType<typeof caseBundle>>();
  readonly #actions = new Map<number, Promise<Awaited<ReturnType<typeof actionRow>>>>();
  readonly #links: Parameters<typeof insertPortalTokens>[1][number][] = [];
  readonly #composed: Parameters<typeof writeComposed>[1][number][] = [];

  constructor(private readonly trx: Trx) {}

  brand(id: string) {
    const known = this.#brands.get(id);
    if (known) return known;
    const b = brandRow(this.trx, id);
    this.#brands.set(id, b);
    return b;
  }

  kase(id: number) {
    const known = this.#cases.get(id);
    if (known) return known;
    const c = caseBundle(this.trx, id, { events: EVIDENCE_SHOWN, subjects: SUBJECTS_SHOWN });
    this.#cases.set(id, c);
    return c;
  }

  /** Reads the steps of many messages at once (a batch of notices, one step each). */
  prefetchActions(ids: readonly number[]) {
    const wanted = ids.filter((id) => !this.#actions.has(id));
    if (wanted.length === 0) return;
    const all = this.trx.selectFrom("actions").selectAll().where("id", "in", wanted).execute();
    for (const id of wanted)
      this.#actions.set(
        id,
        all.then((rows) => rows.find((r) => r.id === id)),
      );
  }

  action(id: number) {
    const known = this.#actions.get(id);
    if (known) return known;
    const a = actionRow(this.trx, id);
    this.#actions.set(id, a);
    return a;
  }

  link(l: LinkRequest): string {
    const { url, row } = planPortalLink(l);
    this.#links.push(row);
    return url;
  }

  composed(row: Parameters<typeof writeComposed>[1][number]) {
    this.#composed.push(row);
  }

  /** Writes the links and the composed messages (the links after the messages they belong to exist). */
  async flush() {
    await writeComposed(this.trx, this.#composed.splice(0));
    await insertPortalTokens(this.trx, this.#links.splice(0));
  }
}

/**
 * Renders a decided message from its template and the facts as they are now, inside the caller's
 * transaction (the row is locked); what it writes waits in `cache` until `cache.flush()`. Fails the message
 * (with a reason a person reads) when it cannot go: the case is gagged, the customer has no contact
 * address, nobody to write to.
 */
export async function composeMessage(
  trx: Trx,
  deps: MessageDeps,
  row: MessageRow,
  cache: ComposeCache,
): Promise<ComposeOutcome> {
  if (row.composed_at) return "composed";
  const brand = row.brand_id ? await cache.brand(row.brand_id) : undefined;
  if (!brand?.abuse_address || !row.template) {
    await failRow(trx, row, "gave_up", `the brand ${row.brand_id ?? "?"} has no abuse address to write from`);
    return "failed";
  }
  const profile = deps.policies.get(brand.id);
  const facts: BrandFacts = {
    id: brand.id,
    name: brand.name,
    reference: referenceWords(profile, brand.name),
    abuseAddress: brand.abuse_address,
    timeZone: brand.time_zone,
  };
  const ctx = (row.context ?? {}) as Record<string, unknown>;
  const now = new Date();
  const spec = specOf(row.template, row.party);
  let result:
    | {
        data: TemplateData;
        to: string[];
        languages: Language[];
        reference: string | null;
        inReplyTo: string | null;
        refs: string[];
      }
    | string;
  // The language of the letter: the one asked for, the reader's, the brand's, as far as a template exists.
  const template = row.template;
  const pick: PickLanguage = (...preferred) => {
    const order = languagesFor(row.language, ...preferred, ...brand.languages);
    return deps.templates.resolve(brand.id, template, order)?.language ?? order[0]!;
  };
  switch (spec.party) {
    case "customer":
      result = await customerMessage(deps, row, facts, profile, ctx, now, pick, cache);
      break;
    case "reporter":
      result = await reporterMessage(trx, deps, row, facts, ctx, now, pick, cache);
      break;
    case "authority":
      result = authorityMessage(row, facts, ctx, now, pick);
      break;
    default:
      result = await internalMessage(trx, deps, row, facts, ctx, now, pick, cache);
  }
  if (typeof result === "string") {
    await failRow(
      trx,
      row,
      result.startsWith("gag") ? "withheld" : result.startsWith("no address") ? "no_address" : "gave_up",
      result,
    );
    return "failed";
  }
  const languages = languagesFor(...result.languages, row.language, ...brand.languages);
  const chosen = deps.templates.resolve(brand.id, template, languages);
  if (!chosen) {
    await failRow(trx, row, "gave_up", `there is no template ${template} in ${languages.join(", ")}`);
    return "failed";
  }
  // A notice, complaint or misuse the deciding part put in the context; a customer's letter on an NTD case
  // carries its notice (src/ntd/facts.ts says what the content provider may read of it).
  const extra = contextData(ctx);
  if (spec.party === "customer" && row.case_id && extra.notice === undefined) {
    const notice = await customerNoticeFacts(
      trx,
      row.case_id,
      chosen.language,
      profile?.ntd.complaint_window_months ?? 6,
    );
    if (notice) extra.notice = notice;
  }
  for (const [key, value] of Object.entries(extra))
    result.data[key] = { ...(result.data[key] as object | undefined), ...(value as object) };
  const text = composeText(chosen, result.data, result.reference);
  cache.composed({
    id: row.id,
    subject: text.subject,
    body: text.body,
    to: result.to,
    from: brand.abuse_address,
    language: chosen.language,
    template,
    meets: chosen.meets,
    inReplyTo: result.inReplyTo,
    refs: result.refs,
  });
  row.subject = text.subject;
  row.body = text.body;
  row.to_addresses = result.to;
  row.from_address = brand.abuse_address;
  row.language = chosen.language;
  row.meets = chosen.meets;
  row.in_reply_to = result.inReplyTo;
  row.refs = result.refs;
  row.composed_at = now;
  return "composed";
}

type PickLanguage = (...preferred: (string | null | undefined)[]) => Language;

/** In-Reply-To and References from earlier messages with the same party on the case (newest first). */
function threadOfBundle(
  thread: readonly { message_id: string; direction: "in" | "out"; party: MessageParty }[],
  party: MessageParty,
  selfId: string,
) {
  const earlier = thread.filter((m) => m.party === party && m.message_id !== selfId).slice(0, 10);
  const inbound = earlier.find((m) => m.direction === "in");
  return {
    inReplyTo: inbound?.message_id ?? earlier[0]?.message_id ?? null,
    refs: earlier.map((m) => m.message_id).reverse(),
  };
}

async function threadHeaders(trx: Trx, caseId: number, party: MessageParty, selfId: string) {
  return threadOfBundle(await threadOf(trx, caseId, party, 30), party, selfId);
}

async function customerMessage(
  deps: MessageDeps,
  row: MessageRow,
  brand: BrandFacts,
  profile: PolicyProfile | undefined,
  ctx: Record<string, unknown>,
  now: Date,
  pick: PickLanguage,
  cache: ComposeCache,
) {
  if (!row.case_id) return "no case: a message to a customer belongs to a case";
  const kase = await cache.kase(row.case_id);
  if (!kase) return `case ${row.case_id} does not exist`;
  if (kase.gag) return "gag: an authority's order forbids telling the customer";
  const to = (kase.contact_emails ?? []).filter((a) => /^[^\s@]+@[^\s@]+$/.test(a));
  if (!kase.customer_id || to.length === 0)
    return `no address: customer ${kase.customer_id ?? "(none)"} has no contact e-mail address; add one to the inventory`;
  const identities: Identity[] = kase.reporters.map((r) => ({ name: r.name, email: r.email, org: r.org }));
  const facts: EventFacts[] = kase.events.map((e) => ({
    category: e.category,
    occurredAt: e.occurred_at ? new Date(e.occurred_at) : null,
    receivedAt: new Date(e.received_at),
    subject: { ip: e.ip, port: e.port, url: e.url, domain: e.domain, email: e.email, phone: e.phone },
    details: e.details ?? {},
  }));
  const caseFacts = {
    id: kase.id,
    category: kase.category,
    kind: kase.kind,
    openedAt: new Date(kase.opened_at),
    customer: { id: kase.customer_id, name: kase.customer_name ?? kase.customer_id, contactEmails: to },
    subjects: kase.subjects,
  };
  const keep = customerDomains(caseFacts, facts);
  const step = typeof ctx.step === "string" && isStep(ctx.step) ? ctx.step : null;
  const action = typeof ctx.action_id === "number" ? await cache.action(ctx.action_id) : undefined;
  const deadlineNames = step ? (STEP_DEADLINES[step] ?? []) : [];
  const deadline = kase.deadlines.find((d) => deadlineNames.includes(d.name));
  const language = pick(kase.customer_language);
  const portalUrl = cache.link({
    publicUrl: deps.publicUrl,
    kind: "customer",
    brandId: brand.id,
    customerId: kase.customer_id,
    messageId: row.id,
    language,
    days: deps.portalLinkDays,
    now,
  });
  const allowed = reporterIdentityAllowed(profile);
  const measure = ctx.measure as { step?: string; at?: string; note?: string | null } | undefined;
  const data = customerData(
    brand,
    language,
    now,
    caseFacts,
    facts,
    kase.event_count,
    {
      language,
      timeZone: brand.timeZone,
      reporters: allowed ? [] : identities,
      keepDomains: keep,
    },
    {
      step,
      clause:
        action?.clause_document && action.clause_article && action.clause_quote
          ? {
              document: documentTitle(profile, action.clause_document),
              article: action.clause_article,
              quote: action.clause_quote,
            }
          : null,
      deadline: deadline
        ? { name: deadline.name, dueAt: new Date(deadline.due_at), source: deadline.source }
        : null,
      decidedByPerson: action ? action.requested_by_user !== null : true,
      portalUrl,
      reporter: allowed ? (identities[0] ?? null) : null,
      measure:
        measure && typeof measure.step === "string" && isStep(measure.step) && typeof measure.at === "string"
          ? { step: measure.step, at: new Date(measure.at), note: measure.note ?? null }
          : null,
    },
  );
  return {
    data,
    to,
    languages: [language],
    reference: caseReference(brand, kase.id),
    ...threadOfBundle(kase.thread, "customer", row.message_id),
  };
}

/** The document's title as the customer knows it, not its id in the profile. */
function documentTitle(profile: PolicyProfile | undefined, id: string): string {
  return profile?.documents.find((d) => d.id === id)?.title ?? id;
}

async function reporterMessage(
  trx: Trx,
  deps: MessageDeps,
  row: MessageRow,
  brand: BrandFacts,
  ctx: Record<string, unknown>,
  now: Date,
  pick: PickLanguage,
  cache: ComposeCache,
) {
  if (!row.report_id) return "no report: a message to a reporter answers a report";
  const report = await trx
    .selectFrom("reports")
    .select(["id", "received_at", "subject", "missing", "message_id"])
    .where("id", "=", row.report_id)
    .executeTakeFirst();
  if (!report) return `report ${row.report_id} does not exist`;
  const to = row.to_addresses.filter((a) => /^[^\s@]+@[^\s@]+$/.test(a));
  if (to.length === 0) return "no address: the reporter left no e-mail address";
  const { cases, subjects } = await casesOfReport(trx, report.id);
  const caseId = row.case_id ?? cases[0] ?? null;
  const kase = caseId ? await cache.kase(caseId) : undefined;
  const language = pick();
  const followUrl = cache.link({
    publicUrl: deps.publicUrl,
    kind: "reporter",
    brandId: brand.id,
    reportId: report.id,
    messageId: row.id,
    language,
    days: Math.max(deps.portalLinkDays, 90),
    now,
  });
  const replyDue = kase?.deadlines.find((d) => d.name === "reply_to_reporter");
  const step = typeof ctx.step === "string" && isStep(ctx.step) ? ctx.step : null;
  const data = reporterData(
    brand,
    language,
    now,
    {
      id: report.id,
      receivedAt: report.received_at,
      subject: report.subject,
      subjects,
      missing: report.missing,
    },
    {
      caseIds: row.case_id ? [row.case_id, ...cases.filter((c) => c !== row.case_id)] : cases,
      followUrl,
      replyDue: replyDue ? new Date(replyDue.due_at) : null,
      kase: kase ? { id: kase.id, category: kase.category, openedAt: new Date(kase.opened_at) } : null,
      step,
    },
  );
  // The reporter's own mail is what an acknowledgement answers; later messages continue that thread.
  const thread = kase
    ? threadOfBundle(kase.thread, "reporter", row.message_id)
    : { inReplyTo: null, refs: [] };
  const original = report.message_id;
  return {
    data,
    to,
    languages: [language],
    reference: caseId ? caseReference(brand, caseId) : null,
    inReplyTo: row.template === "reporter_update" ? (thread.inReplyTo ?? original) : original,
    refs: original ? [original, ...thread.refs.filter((r) => r !== original)] : thread.refs,
  };
}

function authorityMessage(
  row: MessageRow,
  brand: BrandFacts,
  ctx: Record<string, unknown>,
  now: Date,
  pick: PickLanguage,
) {
  const o = ctx.order as
    | (Omit<OrderFacts, "receivedAt" | "dueAt" | "executedAt" | "actions"> & {
        receivedAt: string;
        dueAt: string;
        executedAt: string;
        actions: { caseId: number; step: Step; doneAt: string }[];
      })
    | undefined;
  if (!o) return "no order: a confirmation to an authority needs the order";
  const to = row.to_addresses.filter((a) => /^[^\s@]+@[^\s@]+$/.test(a));
  if (to.length === 0) return "no address: the order gives no e-mail address of the authority";
  const order: OrderFacts = {
    ...o,
    receivedAt: new Date(o.receivedAt),
    dueAt: new Date(o.dueAt),
    executedAt: new Date(o.executedAt),
    actions: o.actions.map((a) => ({ ...a, doneAt: new Date(a.doneAt) })),
  };
  const language = pick();
  return {
    data: orderData(brand, language, now, order),
    to,
    languages: [language],
    reference: row.case_id ? caseReference(brand, row.case_id) : null,
    inReplyTo: null,
    refs: [],
  };
}

async function internalMessage(
  trx: Trx,
  deps: MessageDeps,
  row: MessageRow,
  brand: BrandFacts,
  ctx: Record<string, unknown>,
  now: Date,
  pick: PickLanguage,
  cache: ComposeCache,
) {
  if (!row.case_id) return "no case: an escalation is about a case";
  const kase = await cache.kase(row.case_id);
  if (!kase) return `case ${row.case_id} does not exist`;
  const to = row.to_addresses.length > 0 ? row.to_addresses : await supervisorAddresses(trx);
  if (to.length === 0)
    return "no address: there is no supervisor to tell; create one with `abusedesk user create --role supervisor`";
  const e = (ctx.escalation ?? {}) as {
    reason?: string;
    deadline?: string;
    due_at?: string;
    source?: string;
  };
  const language = pick();
  return {
    data: escalationData(
      brand,
      language,
      now,
      { id: kase.id, category: kase.category, openedAt: new Date(kase.opened_at) },
      {
        reason: e.reason ?? "escalation",
        deadline: e.deadline ?? null,
        dueAt: e.due_at ? new Date(e.due_at) : null,
        source: e.source ?? null,
      },
      `${deps.publicUrl}/cases/${kase.id}`,
    ),
    to,
    languages: [language],
    reference: caseReference(brand, kase.id),
    inReplyTo: null,
    refs: [],
  };
}

/** After composing in the deciding transaction: held without a relay, queued (due now) with one. */
async function settle(trx: Trx, deps: MessageDeps, row: MessageRow): Promise<void> {
  const cache = new ComposeCache(trx);
  const outcome = await composeMessage(trx, deps, row, cache);
  await cache.flush();
  if (outcome === "composed" && !deps.relayConfigured) await setState(trx, row.id, { state: "held" });
}

// ---------------------------------------------------------------------------------------------------
// A person's message (POST /api/v1/cases/:id/messages)

export interface CaseMessageInput {
  party: MessageParty;
  template?: string | undefined;
  subject?: string | undefined;
  body?: string | undefined;
  language?: Language | undefined;
  /** For authority and other: the addresses; for a reporter: one of the case's reporters (by address). */
  to?: string[] | undefined;
}

/**
 * A person sends a message on a case: from a template, or in their own words. One message per reporter
 * (reporters never see each other's addresses). Refused for the customer of a gagged case, and when the
 * text names the reporter to the customer or the customer to the reporter.
 */
export async function sendCaseMessage(
  db: DB,
  deps: MessageDeps,
  actor: Actor,
  caseId: number,
  input: CaseMessageInput,
): Promise<Result<number[]>> {
  const template = input.template?.trim() || null;
  const freeText = input.body?.trim() ? input.body : null;
  if (template && freeText)
    return fail(422, 'give either a template or your own "subject" and "body", not both');
  if (!template && !freeText) return fail(422, 'give a template, or a "subject" and "body" of your own');
  if (freeText && !input.subject?.trim()) return fail(422, 'a message of your own needs a "subject"');
  if (template) {
    if (!deps.templates.has(template))
      return fail(
        422,
        `there is no template "${template}"; known: ${[...Object.keys(TEMPLATE_SPECS)].join(", ")}`,
      );
    const spec = specOf(template, input.party);
    if (isKnownTemplate(template) && spec.party !== input.party)
      return fail(422, `the template ${template} is written to the ${spec.party}, not to the ${input.party}`);
  }
  return db.transaction().execute(async (trx) => {
    const kase = await lockCaseRow(trx, caseId);
    if (!kase || !brandInScope(actor.brands, kase.brand_id)) return fail(404, `there is no case ${caseId}`);
    const full = await caseRow(trx, caseId);
    const brand = await brandRow(trx, kase.brand_id);
    if (!full || !brand?.abuse_address)
      return fail(409, `the brand ${kase.brand_id} has no abuse address to write from; add one to the brand`);
    const profile = deps.policies.get(kase.brand_id);
    const facts: BrandFacts = {
      id: brand.id,
      name: brand.name,
      reference: referenceWords(profile, brand.name),
      abuseAddress: brand.abuse_address,
      timeZone: brand.time_zone,
    };
    const reporters = await caseReporters(trx, caseId);
    // Who it goes to: one row per recipient that must not see the others.
    const rows: Omit<NewMessage, "state" | "composed">[] = [];
    const base = {
      direction: "out" as const,
      party: input.party,
      brandId: kase.brand_id,
      caseId,
      template,
      language: input.language ?? null,
      from: brand.abuse_address,
      subject: null as string | null,
      body: null as string | null,
      actor: actor.name,
      context: {},
    };
    if (input.party === "customer") {
      const allowed = mayWriteToCustomer({ id: caseId, gag: kase.gag });
      if (!allowed.ok) return allowed;
      if (freeText) {
        const check = checkTextForCustomer(
          `${input.subject}\n${freeText}`,
          reporters.map((r) => ({ name: r.name, email: r.email, org: r.org })),
          reporterIdentityAllowed(profile),
        );
        if (!check.ok) return check;
      }
      const to = full.contact_emails ?? [];
      if (to.length === 0)
        return fail(
          409,
          `customer ${full.customer_id ?? "(none)"} has no contact e-mail address; add one to the inventory first`,
        );
      rows.push({ ...base, to, messageId: newMessageId(domainOf(brand.abuse_address)) });
    } else if (input.party === "reporter") {
      const people = reporters.filter((r) => r.email && r.reporter_id !== null);
      const wanted = input.to?.map((a) => a.toLowerCase());
      const chosen = wanted ? people.filter((r) => wanted.includes(r.email!.toLowerCase())) : people;
      if (chosen.length === 0)
        return fail(
          422,
          wanted
            ? `${wanted.join(", ")} reported nothing on case ${caseId}; a reporter message goes to the case's own reporters`
            : `case ${caseId} has no reporter with an e-mail address`,
        );
      if (freeText) {
        const check = checkTextForReporter(
          `${input.subject}\n${freeText}`,
          full.customer_id
            ? {
                id: full.customer_id,
                name: full.customer_name ?? full.customer_id,
                contactEmails: full.contact_emails ?? [],
              }
            : null,
        );
        if (!check.ok) return check;
      }
      const seen = new Set<string>();
      for (const r of chosen) {
        if (seen.has(r.email!.toLowerCase())) continue;
        seen.add(r.email!.toLowerCase());
        rows.push({
          ...base,
          to: [r.email!],
          reporterId: r.reporter_id,
          reportId: r.report_id,
          messageId: newMessageId(domainOf(brand.abuse_address)),
        });
      }
    } else {
      const to = (input.to ?? []).map((a) => a.trim().toLowerCase());
      if (to.length === 0)
        return fail(
          422,
          `say who gets it: a message to ${input.party === "authority" ? "an authority" : "someone else"} needs "to"`,
        );
      if (freeText) {
        const check = checkTextForReporter(`${input.subject}\n${freeText}`, null);
        if (!check.ok) return check;
      }
      rows.push({ ...base, to, messageId: newMessageId(domainOf(brand.abuse_address)) });
    }
    const ids: number[] = [];
    for (const r of rows) {
      const thread = await threadHeaders(trx, caseId, input.party, r.messageId);
      const id = await insertMessage(trx, {
        ...r,
        ...(freeText
          ? {
              subject: withReference(input.subject!, caseReference(facts, caseId)),
              body: `${freeText.replace(/\r\n?/g, "\n").trimEnd()}\n`,
              inReplyTo: thread.inReplyTo,
              refs: thread.refs,
            }
          : {}),
        // Own words are final now; a template is composed below, in this transaction, so that the person
        // sees what goes out. Either is held when no relay is set.
        state: freeText && !deps.relayConfigured ? "held" : "queued",
        composed: Boolean(freeText),
      });
      if (id === undefined) continue;
      await audit(
        trx,
        actor.name,
        "message.queued",
        { id, case_id: caseId },
        {
          party: input.party,
          template,
          to: r.to,
          own_words: Boolean(freeText),
        },
      );
      if (template) {
        const row = await trx
          .selectFrom("messages")
          .selectAll()
          .where("id", "=", id)
          .forUpdate()
          .executeTakeFirstOrThrow();
        await settle(trx, deps, row);
      }
      ids.push(id);
    }
    return ok(ids);
  });
}

// ---------------------------------------------------------------------------------------------------
// The measures' seam: measure done or undone, order carried out, escalation (src/measures/notifier.ts)

/**
 * What the measures part calls through its notifier seam, each inside the transaction that decided it:
 * the customer hears of a measure done and undone (never in a gagged case), the authority gets the
 * confirmation that its order was carried out, the supervisors get the escalation.
 */
export function createMessageNotifier(deps: MessageDeps): MeasureNotifier {
  const intent = (trx: Trx, i: Omit<Intent, "domain">) => queueMessage(trx, deps, i);
  const measure =
    (template: "measure_taken" | "measure_lifted", action: string) =>
    async (trx: Trx, events: readonly MeasureEvent[]) => {
      for (const e of events) await measureOne(template, action, trx, e);
    };
  const measureOne = async (
    template: "measure_taken" | "measure_lifted",
    action: string,
    trx: Trx,
    e: MeasureEvent,
  ) => {
    const kase = await lockCaseRow(trx, e.case.id);
    if (!kase) return;
    if (kase.gag) {
      await appendAudit(trx, {
        actor: MESSAGES_ACTOR,
        action: "message.withheld",
        subjectType: "case",
        subjectId: e.case.id,
        details: { party: "customer", template, action: e.action.id, reason: "gag" },
      });
      return;
    }
    await intent(trx, {
      party: "customer",
      brandId: kase.brand_id,
      caseId: kase.id,
      template,
      context: {
        step: e.action.step,
        kind: action,
        measure: { step: e.action.step, at: e.action.at.toISOString(), note: e.action.note },
      },
      actor: MESSAGES_ACTOR,
    });
  };
  return {
    measureDone: measure("measure_taken", "done"),
    measureUndone: measure("measure_lifted", "undone"),
    async orderExecuted(trx: Trx, e: OrderExecutedEvent) {
      const first = e.actions[0];
      const kase = first ? await caseRow(trx, first.case_id) : undefined;
      if (!kase) return;
      await intent(trx, {
        party: "authority",
        brandId: kase.brand_id,
        caseId: kase.id,
        template: "order_confirmation",
        to: e.order.contact.email ? [e.order.contact.email] : [],
        context: {
          order_id: e.order.id,
          order: {
            authority: e.order.authority,
            reference: e.order.reference,
            legalBasis: e.order.legal_basis,
            receivedAt: e.order.received_at.toISOString(),
            dueAt: e.order.due_at.toISOString(),
            executedAt: e.executed_at.toISOString(),
            tookSeconds: e.took_seconds,
            deadlineMet: e.deadline_met,
            actions: e.actions.map((a) => ({
              caseId: a.case_id,
              step: a.step,
              doneAt: a.done_at.toISOString(),
            })),
          },
        },
        actor: MESSAGES_ACTOR,
      });
    },
    async escalated(trx: Trx, e: EscalationEvent) {
      const d = e.details;
      await intent(trx, {
        party: "other",
        brandId: e.case.brand,
        caseId: e.case.id,
        template: "escalation",
        language: "en",
        context: {
          notification: e.notification,
          escalation: {
            reason:
              e.kind === "measure_failed"
                ? "a measure could not be carried out"
                : `a deadline ran out (${typeof d.deadline === "string" ? d.deadline : "deadline"})`,
            deadline: typeof d.deadline === "string" ? d.deadline : undefined,
            due_at:
              typeof d.due_at === "string"
                ? d.due_at
                : d.due_at instanceof Date
                  ? d.due_at.toISOString()
                  : undefined,
            source: typeof d.source === "string" ? d.source : undefined,
          },
        },
        actor: MESSAGES_ACTOR,
      });
    },
  };
}

export { settle as composeAndSettle };

/**
 * A message another part of the desk decides (a notice's acknowledgement, a decision, a complaint's
 * outcome): written in the caller's transaction and composed at once, so that it goes if and only if the
 * decision commits. `context` carries what its template needs beyond the case and report.
 */
export async function queueMessage(
  trx: Trx,
  deps: MessageDeps,
  i: {
    party: MessageParty;
    brandId: string;
    caseId: number | null;
    reportId?: number | null;
    reporterId?: number | null;
    template: string;
    language?: Language | null;
    to?: string[];
    context: Record<string, unknown>;
    actor: string;
  },
): Promise<number | undefined> {
  const brand = await brandRow(trx, i.brandId);
  const id = await writeIntent(trx, { ...i, domain: domainOf(brand?.abuse_address) });
  if (id === undefined) return undefined;
  const row = await trx
    .selectFrom("messages")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  await settle(trx, deps, row);
  return id;
}

/** Sends a failed or held message again (the same message, the same Message-ID). */
export async function retryMessage(
  db: DB,
  deps: MessageDeps,
  actor: Actor,
  id: number,
): Promise<Result<true>> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("messages")
      .selectAll()
      .where("id", "=", id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return fail(404, `there is no message ${id}`);
    if (row.direction === "in")
      return fail(409, `message ${id} was received, not sent; there is nothing to send again`);
    if (row.state === "sent")
      return fail(409, `message ${id} was sent already (${row.sent_at?.toISOString()})`);
    if (row.state === "queued") return fail(409, `message ${id} is already waiting to be sent`);
    if (row.failure === "withheld")
      return fail(
        409,
        `message ${id} was withheld because an authority's order forbids telling the customer`,
      );
    if (!deps.relayConfigured)
      return fail(
        409,
        "no relay is set, so nothing can be sent; set ABUSEDESK_RELAY (or --relay) and try again",
      );
    if (row.party === "customer" && row.case_id) {
      const kase = await caseRow(trx, row.case_id);
      if (kase?.gag)
        return fail(
          409,
          `case ${row.case_id} is gagged by an authority's order; nothing may go to the customer`,
        );
    }
    await setState(trx, id, { state: "queued", attempts: 0, nextAttemptAt: new Date(), error: null });
    await audit(trx, actor.name, "message.retry", row, { from_state: row.state, failure: row.failure });
    return ok(true);
  });
}
