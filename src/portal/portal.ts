/**
 * The portal's use cases (SPEC C8): a link opens a session scoped to one customer of one brand (or to one
 * report, for its reporter); the customer sees its open cases with the evidence it may see, answers,
 * uploads proof and says "solved" — each an inbound message on the case that moves it out of waiting.
 * The reporter follows its report. Nothing of a gagged case, nothing of another customer or brand, never
 * the reporter's identity (unless the brand allows it), never the customer's to the reporter.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { type BrandScope, inBrandScope } from "../auth/scope.ts";
import { FINISHED_CASE_STATES } from "../db/case-states.ts";
import type { DB } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import { fail, ok, type Result } from "../errors.ts";
import {
  customerDomains,
  EVIDENCE_SHOWN,
  type EventFacts,
  evidenceFor,
  type Identity,
} from "../messages/compose.ts";
import {
  brandRow,
  caseEvents,
  caseReporters,
  caseRow,
  insertAttachment,
  insertMessage,
  releaseWaitingCase,
} from "../messages/messages.store.ts";
import { MESSAGES_ACTOR } from "../messages/outbox.ts";
import { referenceWords, reporterIdentityAllowed } from "../messages/policy.ts";
import { isLanguage, type Language } from "../messages/vocabulary.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import { hashToken, TOKEN_SHAPE } from "./links.ts";
import {
  attachmentsOf,
  casesOfReportForReporter,
  customerThread,
  findPortalToken,
  listPortalTokens,
  openCasesOfCustomer,
  reporterThread,
  reportForReporter,
  revokePortalToken,
  touchPortalToken,
} from "./portal.store.ts";

/** Largest file a customer may upload (bytes). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Longest answer or note (characters). */
export const MAX_ANSWER_CHARS = 20_000;
/** Cases and messages one page shows. */
export const CASES_SHOWN = 50;
export const MESSAGES_SHOWN = 100;

export interface PortalSession {
  tokenId: number;
  kind: "customer" | "reporter";
  brandId: string;
  customerId: string | null;
  reportId: number | null;
  language: Language;
  expiresAt: Date;
}

/** The session a link's token opens; a failure when it is unknown, expired or revoked. */
export async function openSession(
  db: DB,
  token: string | undefined,
  now = new Date(),
): Promise<Result<PortalSession>> {
  if (!token || !TOKEN_SHAPE.test(token)) return fail(401, "open the portal with the link from our e-mail");
  const row = await findPortalToken(db, hashToken(token));
  if (!row) return fail(401, "this link is not known; use the link from our most recent e-mail");
  if (row.revoked_at) return fail(401, "this link was revoked; ask the abuse desk for a new one");
  if (row.expires_at.getTime() <= now.getTime())
    return fail(401, "this link has expired; reply to our e-mail to ask for a new one");
  await touchPortalToken(db, row.id);
  return ok({
    tokenId: row.id,
    kind: row.kind,
    brandId: row.brand_id,
    customerId: row.customer_id,
    reportId: row.report_id,
    language: isLanguage(row.language) ? row.language : "en",
    expiresAt: row.expires_at,
  });
}

/** The CSRF token of a portal session's forms: derived from its link's token, so nothing more is stored. */
export function portalCsrf(token: string): string {
  return createHash("sha256").update("abusedesk-portal-csrf\n").update(token).digest("base64url");
}

export interface PortalDeps {
  policies: ReadonlyMap<string, PolicyProfile>;
}

async function evidenceOfCase(db: DB, deps: PortalDeps, caseId: number, language: Language) {
  const kase = await caseRow(db, caseId);
  if (!kase) return [];
  const [events, reporters, brand] = await Promise.all([
    caseEvents(db, caseId, EVIDENCE_SHOWN),
    caseReporters(db, caseId),
    brandRow(db, kase.brand_id),
  ]);
  const facts: EventFacts[] = events.map((e) => ({
    category: e.category,
    occurredAt: e.occurred_at,
    receivedAt: e.received_at,
    subject: {
      ip: e.subject_ip,
      port: e.subject_port,
      url: e.subject_url,
      domain: e.subject_domain,
      email: e.subject_email,
      phone: e.subject_phone,
    },
    details: (e.details ?? {}) as Record<string, unknown>,
  }));
  const identities: Identity[] = reporters.map((r) => ({ name: r.name, email: r.email, org: r.org }));
  const allowed = reporterIdentityAllowed(deps.policies.get(kase.brand_id));
  const keep = customerDomains(
    {
      id: kase.id,
      category: kase.category,
      kind: kase.kind,
      openedAt: kase.opened_at,
      customer: {
        id: kase.customer_id ?? "",
        name: kase.customer_name ?? "",
        contactEmails: kase.contact_emails ?? [],
      },
      subjects: [],
    },
    facts,
  );
  return evidenceFor(facts, {
    language,
    timeZone: brand?.time_zone ?? "Europe/Amsterdam",
    reporters: allowed ? [] : identities,
    keepDomains: keep,
  });
}

export async function customerView(db: DB, deps: PortalDeps, s: PortalSession, language: Language) {
  const brand = await brandRow(db, s.brandId);
  const reference = referenceWords(deps.policies.get(s.brandId), brand?.name ?? s.brandId);
  const cases = await openCasesOfCustomer(db, s.brandId, s.customerId!, CASES_SHOWN);
  const customer = await db
    .selectFrom("customers")
    .select(["id", "name"])
    .where("id", "=", s.customerId!)
    .executeTakeFirst();
  const out = [];
  for (const c of cases) {
    const [evidence, thread, deadlines] = await Promise.all([
      evidenceOfCase(db, deps, c.id, language),
      customerThread(db, c.id, MESSAGES_SHOWN),
      db
        .selectFrom("case_deadlines")
        .select(["name", "due_at"])
        .where("case_id", "=", c.id)
        .where("met_at", "is", null)
        .where("name", "in", ["ntd_customer_reaction", "notice_of_default_compliance"])
        .orderBy("due_at")
        .execute(),
    ]);
    const files = await attachmentsOf(
      db,
      thread.filter((m) => m.direction === "in").map((m) => m.id),
    );
    out.push({ ...c, reference: `${reference} #${c.id}`, evidence, thread, files, deadlines });
  }
  return {
    brand: {
      name: brand?.name ?? s.brandId,
      abuseAddress: brand?.abuse_address ?? "",
      timeZone: brand?.time_zone ?? "Europe/Amsterdam",
    },
    customer: customer ?? { id: s.customerId!, name: s.customerId! },
    cases: out,
  };
}

export async function reporterView(db: DB, deps: PortalDeps, s: PortalSession) {
  const report = await reportForReporter(db, s.reportId!);
  const brand = await brandRow(db, s.brandId);
  const reference = referenceWords(deps.policies.get(s.brandId), brand?.name ?? s.brandId);
  const cases = (await casesOfReportForReporter(db, s.reportId!)).map((c) => ({
    ...c,
    reference: `${reference} #${c.id}`,
  }));
  const thread = await reporterThread(db, s.reportId!, MESSAGES_SHOWN);
  return {
    brand: {
      name: brand?.name ?? s.brandId,
      abuseAddress: brand?.abuse_address ?? "",
      timeZone: brand?.time_zone ?? "Europe/Amsterdam",
    },
    report,
    cases,
    thread,
  };
}

export type PortalInput =
  | { kind: "answer"; text: string }
  | { kind: "solved"; text: string }
  | { kind: "upload"; text: string; file: { filename: string; declaredType: string | null; data: Buffer } };

const SUBJECTS: Record<PortalInput["kind"], Record<"nl" | "en", string>> = {
  answer: { nl: "Antwoord via het klantportaal", en: "Answer through the customer portal" },
  solved: {
    nl: "Opgelost volgens de klant (klantportaal)",
    en: "Solved, says the customer (customer portal)",
  },
  upload: {
    nl: "Bewijsstuk geüpload via het klantportaal",
    en: "Evidence uploaded through the customer portal",
  },
};

/**
 * The customer answers, uploads proof or says "solved" on one of its open cases: an inbound message on
 * the case (with the file stored, never opened), audited, and the case moves out of waiting_customer.
 */
export async function recordCustomerInput(
  db: DB,
  s: PortalSession,
  caseId: number,
  input: PortalInput,
): Promise<Result<{ message: number }>> {
  if (s.kind !== "customer" || !s.customerId)
    return fail(403, "this link is for following a report, not for a customer's cases");
  const text = input.text.replace(/\r\n?/g, "\n").trim();
  if (text.length > MAX_ANSWER_CHARS)
    return fail(
      422,
      `the text is longer than ${MAX_ANSWER_CHARS} characters; shorten it or upload it as a file`,
    );
  if (input.kind === "answer" && !text) return fail(422, "write your answer in the text field");
  if (input.kind === "upload") {
    if (input.file.data.length === 0) return fail(422, "the file is empty; choose the file to upload");
    if (input.file.data.length > MAX_UPLOAD_BYTES)
      return fail(422, `the file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; send a smaller one`);
  }
  return db.transaction().execute(async (trx) => {
    const kase = await trx
      .selectFrom("cases")
      .select(["id", "brand_id", "customer_id", "state", "gag"])
      .where("id", "=", caseId)
      .forUpdate()
      .executeTakeFirst();
    // Another customer's case, a gagged one or a finished one is "not there" for this link.
    if (
      !kase ||
      kase.brand_id !== s.brandId ||
      kase.customer_id !== s.customerId ||
      kase.gag ||
      (FINISHED_CASE_STATES as readonly string[]).includes(kase.state)
    )
      return fail(404, "there is no such open case for you");
    const brand = await brandRow(trx, kase.brand_id);
    const lang = s.language === "nl" ? "nl" : "en";
    const body =
      input.kind === "upload"
        ? `${input.file.filename} (${input.file.data.length} bytes)${text ? `\n\n${text}` : ""}`
        : input.kind === "solved"
          ? `${lang === "nl" ? "De klant meldt dat het probleem is opgelost." : "The customer says the problem is solved."}${text ? `\n\n${text}` : ""}`
          : text;
    const actor = `portal:customer:${s.customerId}`;
    const id = await insertMessage(trx, {
      direction: "in",
      party: "customer",
      brandId: kase.brand_id,
      caseId: kase.id,
      template: null,
      language: s.language,
      from: `portal:${s.customerId}`,
      to: brand?.abuse_address ? [brand.abuse_address] : [],
      subject: SUBJECTS[input.kind][lang],
      body: `${body}\n`,
      messageId: `portal.${randomBytes(12).toString("hex")}@${brand?.abuse_address?.split("@")[1] ?? "abusedesk.invalid"}`,
      state: "received",
      context: { via: "portal", kind: input.kind, link: s.tokenId },
      composed: true,
      actor,
    });
    if (id === undefined) throw new Error("a portal message was not stored");
    let attachment: number | null = null;
    if (input.kind === "upload")
      attachment = await insertAttachment(trx, {
        messageId: id,
        filename: input.file.filename,
        declaredType: input.file.declaredType,
        data: input.file.data,
        sha256: createHash("sha256").update(input.file.data).digest("hex"),
      });
    await appendAudit(trx, {
      actor,
      action: "message.received",
      subjectType: "case",
      subjectId: kase.id,
      details: { message: id, party: "customer", via: "portal", kind: input.kind, attachment },
    });
    if (await releaseWaitingCase(trx, kase.id, "waiting_customer"))
      await appendAudit(trx, {
        actor: MESSAGES_ACTOR,
        action: "case.transition",
        subjectType: "case",
        subjectId: kase.id,
        details: {
          from: "waiting_customer",
          to: "in_review",
          reason: `the customer answered in the portal (message ${id})`,
        },
      });
    else await trx.updateTable("cases").set({ updated_at: new Date() }).where("id", "=", kase.id).execute();
    return ok({ message: id });
  });
}

export async function listLinks(
  db: Kysely<Database>,
  q: { customer?: string | undefined; report?: number | undefined; limit: number },
  scope: BrandScope,
) {
  const rows = await listPortalTokens(db, {
    scope,
    ...(q.customer ? { customer: q.customer } : {}),
    ...(q.report !== undefined ? { report: q.report } : {}),
    limit: q.limit,
  });
  return rows.map(presentLink);
}

function presentLink(r: Awaited<ReturnType<typeof listPortalTokens>>[number]) {
  return {
    id: r.id,
    kind: r.kind,
    brand: r.brand_id,
    customer: r.customer_id,
    report_id: r.report_id,
    message_id: r.message_id,
    created_at: r.created_at.toISOString(),
    expires_at: r.expires_at.toISOString(),
    revoked_at: r.revoked_at ? r.revoked_at.toISOString() : null,
    last_used_at: r.last_used_at ? r.last_used_at.toISOString() : null,
  };
}

/** Revokes a portal link at once (a session opened with it ends at its next request). */
export async function revokeLink(db: DB, actor: Actor, id: number) {
  return db.transaction().execute(async (trx) => {
    const visible = await trx
      .selectFrom("portal_tokens")
      .select("id")
      .where("id", "=", id)
      .where(inBrandScope(actor.brands, "brand_id"))
      .executeTakeFirst();
    if (!visible) return fail(404, `there is no portal link ${id}`);
    const row = await revokePortalToken(trx, id, actor.name);
    if (!row) {
      const exists = await trx
        .selectFrom("portal_tokens")
        .select("id")
        .where("id", "=", id)
        .executeTakeFirst();
      return exists
        ? fail(409, `portal link ${id} was revoked already`)
        : fail(404, `there is no portal link ${id}`);
    }
    await appendAudit(trx, {
      actor: actor.name,
      action: "portal.link.revoke",
      subjectType: row.customer_id ? "customer" : "report",
      subjectId: row.customer_id ?? row.report_id,
      details: { link: id },
    });
    const full = await trx
      .selectFrom("portal_tokens")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return ok(presentLink(full));
  });
}
