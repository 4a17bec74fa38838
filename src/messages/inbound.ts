/**
 * What comes back to an abuse address about a conversation we started (SPEC C8), recognised while a
 * stored report is processed, before it is parsed for events: a reply to one of our messages is attached
 * to its case as an inbound message (not a new report's events) and moves the case out of waiting; a
 * delivery status notification for one of our messages marks it failed, which flags the case (the address
 * does not work). The raw mail stays stored as its report, as every mail is.
 *
 * Called once from intake processing (`recogniseConversation` in src/intake/process.ts).
 */
import type { Transaction } from "kysely";
import { appendAudit } from "../audit.ts";
import type { Database, MessageParty } from "../db/schema.ts";
import { finishReport, type ReportToProcess } from "../intake/report.store.ts";
import { emailOf } from "../parsers/common.ts";
import { readMail } from "../parsers/mail.ts";
import type { Services } from "../server.ts";
import {
  caseRow,
  insertMessage,
  knownAddressesOf,
  messagesByMessageId,
  releaseWaitingCase,
  setAcknowledgement,
  setState,
} from "./messages.store.ts";
import { MESSAGES_ACTOR } from "./outbox.ts";
import { referenceWords } from "./policy.ts";
import { oneLine } from "./templates.ts";
import {
  isAutomatic,
  isDeliveryReport,
  MAX_REPLY_TEXT,
  mailHead,
  readDeliveryStatus,
  referencedIds,
  subjectReference,
} from "./threading.ts";

type Trx = Transaction<Database>;

/** What processing answers for a report that was a reply or a bounce (the shape of ProcessOutcome). */
export interface ConversationOutcome {
  id: number;
  state: "parsed";
  processedNow: true;
  events: 0;
  cases: number[];
  triageReason: null;
}

/**
 * Recognises a reply or a bounce among the reports being processed and threads it into its conversation.
 * Undefined when the report is neither: it is then processed as a report as usual.
 */
export async function recogniseConversation(
  services: Pick<Services, "policies">,
  trx: Trx,
  report: Pick<ReportToProcess, "id" | "raw" | "channel" | "brand_id" | "message_id" | "subject">,
): Promise<ConversationOutcome | undefined> {
  if (report.channel !== "smtp" && report.channel !== "imap") return undefined;
  const head = mailHead(report.raw);
  if (head.fields.length === 0) return undefined;
  if (isDeliveryReport(head)) {
    const bounce = await recogniseBounce(trx, report);
    if (bounce) return bounce;
  }
  const target = await findConversation(services, trx, report, head);
  if (!target) return undefined;
  return attachReply(trx, report, head, target);
}

interface Conversation {
  caseId: number;
  party: MessageParty;
  reporterId: number | null;
  how: "headers" | "subject";
}

async function findConversation(
  services: Pick<Services, "policies">,
  trx: Trx,
  report: Pick<ReportToProcess, "brand_id">,
  head: ReturnType<typeof mailHead>,
): Promise<Conversation | undefined> {
  const ids = referencedIds(head);
  if (ids.length > 0) {
    const known = await messagesByMessageId(trx, ids);
    // The newest message it names first (In-Reply-To, then References from the end).
    for (const id of ids) {
      const m = known.find((k) => k.message_id === id && k.case_id !== null);
      if (m) return { caseId: m.case_id!, party: m.party, reporterId: m.reporter_id, how: "headers" };
    }
  }
  // The case reference in the subject, from someone the case already writes with: a stranger who copies a
  // reference into a subject does not get into the case that way.
  const ref = subjectReference(head.get("subject"));
  const sender = emailOf(head.get("reply-to") ?? head.get("from"))?.toLowerCase();
  if (!ref || !sender) return undefined;
  const kase = await caseRow(trx, ref.caseId);
  if (!kase || (report.brand_id && kase.brand_id !== report.brand_id)) return undefined;
  const brand = await trx
    .selectFrom("brands")
    .select("name")
    .where("id", "=", kase.brand_id)
    .executeTakeFirst();
  const words = referenceWords(services.policies.get(kase.brand_id), brand?.name ?? kase.brand_id);
  if (words.toLowerCase() !== ref.reference.toLowerCase()) return undefined;
  if ((kase.contact_emails ?? []).some((a) => a.toLowerCase() === sender))
    return { caseId: kase.id, party: "customer", reporterId: null, how: "subject" };
  for (const m of await knownAddressesOf(trx, kase.id))
    if (m.to_addresses.some((a) => a.toLowerCase() === sender))
      return { caseId: kase.id, party: m.party, reporterId: m.reporter_id, how: "subject" };
  return undefined;
}

async function attachReply(
  trx: Trx,
  report: Pick<ReportToProcess, "id" | "raw" | "message_id" | "subject">,
  head: ReturnType<typeof mailHead>,
  c: Conversation,
): Promise<ConversationOutcome> {
  let text = "";
  try {
    text = (await readMail(report.raw)).text;
  } catch {
    text = "";
  }
  if (text.length > MAX_REPLY_TEXT) text = `${text.slice(0, MAX_REPLY_TEXT)}\n[…]`;
  const automatic = isAutomatic(head);
  const from = emailOf(head.get("reply-to") ?? head.get("from")) ?? null;
  const subject = oneLine(report.subject ?? head.get("subject") ?? "", 1000);
  const refs = referencedIds(head);
  const values = {
    direction: "in" as const,
    party: c.party,
    brandId: (await caseRow(trx, c.caseId))?.brand_id ?? null,
    caseId: c.caseId,
    reportId: report.id,
    reporterId: c.reporterId,
    template: null,
    language: null,
    from,
    to: head
      .all("to")
      .flatMap((t) => t.split(","))
      .map((t) => emailOf(t) ?? "")
      .filter(Boolean)
      .slice(0, 20),
    subject,
    body: text,
    inReplyTo: refs[0] ?? null,
    refs: refs.slice().reverse(),
    state: "received" as const,
    context: { automatic, recognised_by: c.how },
    composed: true,
    actor: from ? `mail:${from}` : "mail:unknown",
  };
  // A reply that reuses a Message-ID we know (a copy of our own mail) is still stored, under its report.
  const messageId =
    (await insertMessage(trx, {
      ...values,
      messageId: report.message_id ?? `report-${report.id}@abusedesk.invalid`,
    })) ?? (await insertMessage(trx, { ...values, messageId: `report-${report.id}@abusedesk.invalid` }));
  await appendAudit(trx, {
    actor: values.actor,
    action: "message.received",
    subjectType: "case",
    subjectId: c.caseId,
    details: {
      message: messageId ?? null,
      report: report.id,
      party: c.party,
      automatic,
      recognised_by: c.how,
    },
  });
  // An answer moves the case on; an out-of-office does not.
  const waiting =
    c.party === "customer" ? "waiting_customer" : c.party === "reporter" ? "waiting_reporter" : null;
  if (waiting && !automatic && (await releaseWaitingCase(trx, c.caseId, waiting)))
    await appendAudit(trx, {
      actor: MESSAGES_ACTOR,
      action: "case.transition",
      subjectType: "case",
      subjectId: c.caseId,
      details: {
        from: waiting,
        to: "in_review",
        reason: `the ${c.party} answered (message ${messageId ?? "?"})`,
      },
    });
  await finishConversation(trx, report, "reply");
  return {
    id: report.id,
    state: "parsed",
    processedNow: true,
    events: 0,
    cases: [c.caseId],
    triageReason: null,
  };
}

async function recogniseBounce(
  trx: Trx,
  report: Pick<ReportToProcess, "id" | "raw" | "message_id" | "subject">,
): Promise<ConversationOutcome | undefined> {
  const dsn = await readDeliveryStatus(report.raw);
  if (!dsn) return undefined;
  const byEnvelope = /^abusedesk-m(\d{1,15})$/.exec(dsn.envelopeId ?? "")?.[1];
  let target = byEnvelope
    ? await trx
        .selectFrom("messages")
        .select(["id", "case_id", "party", "state", "to_addresses"])
        .where("id", "=", Number(byEnvelope))
        .where("direction", "=", "out")
        .executeTakeFirst()
    : undefined;
  if (!target && dsn.originalMessageId)
    target = await trx
      .selectFrom("messages")
      .select(["id", "case_id", "party", "state", "to_addresses"])
      .where("message_id", "=", dsn.originalMessageId)
      .where("direction", "=", "out")
      .executeTakeFirst();
  if (!target) return undefined;
  const first = dsn.recipients.find((r) => r.action === "failed") ?? dsn.recipients[0];
  const reason =
    [first?.status, first?.diagnostic].filter(Boolean).join(" ") || "the message could not be delivered";
  const row = { id: target.id, case_id: target.case_id };
  if (dsn.failed) {
    await setState(trx, target.id, { state: "failed", failure: "bounced", error: `bounced: ${reason}` });
    await appendAudit(trx, {
      actor: MESSAGES_ACTOR,
      action: "message.bounced",
      subjectType: row.case_id ? "case" : "message",
      subjectId: row.case_id ?? row.id,
      details: {
        message: target.id,
        party: target.party,
        to: target.to_addresses,
        recipients: dsn.recipients.slice(0, 20),
        report: report.id,
        reason: `the ${target.party}'s address does not work: ${reason}`,
      },
    });
  } else {
    await appendAudit(trx, {
      actor: MESSAGES_ACTOR,
      action: "message.delayed",
      subjectType: row.case_id ? "case" : "message",
      subjectId: row.case_id ?? row.id,
      details: {
        message: target.id,
        party: target.party,
        recipients: dsn.recipients.slice(0, 20),
        report: report.id,
      },
    });
  }
  await finishConversation(trx, report, "dsn");
  return {
    id: report.id,
    state: "parsed",
    processedNow: true,
    events: 0,
    cases: target.case_id ? [target.case_id] : [],
    triageReason: null,
  };
}

async function finishConversation(
  trx: Trx,
  report: Pick<ReportToProcess, "id" | "message_id" | "subject">,
  format: "reply" | "dsn",
) {
  await finishReport(trx, report.id, {
    state: "parsed",
    triageReason: null,
    format,
    reporterId: null,
    messageId: report.message_id,
    subject: report.subject,
    missing: [],
    warnings: [],
  });
  await setAcknowledgement(trx, report.id, "inbound");
}
