/**
 * The acknowledgement rule (DSA art. 16(4), SPEC C3): once a report is processed, its reporter gets an
 * acknowledgement, or a request for what the report lacks, if the reporter is someone who wrote to the
 * abuse address (policy.ts says who). The decision is recorded on the report and the message written in
 * one transaction, so each report is decided once, by one worker (SKIP LOCKED).
 */
import type { Transaction } from "kysely";
import { type AuditEntry, appendAuditBatch } from "../audit.ts";
import type { DB } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import { displayNameOf, emailOf } from "../parsers/common.ts";
import {
  caseRow,
  casesOfReport,
  insertMessage,
  lockReportsToAcknowledge,
  setAcknowledgement,
  upsertReporterByEmail,
} from "./messages.store.ts";
import { composeAndSettle, MESSAGES_ACTOR, type MessageDeps } from "./outbox.ts";
import { acknowledgementFor } from "./policy.ts";
import { mailHead, newMessageId } from "./threading.ts";

/** Reports decided per transaction. */
export const ACKNOWLEDGE_BATCH = 20;

/** Decides the acknowledgement of the next processed reports; answers how many messages it wrote. */
export async function acknowledgeNext(db: DB, deps: MessageDeps): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const reports = await lockReportsToAcknowledge(trx, ACKNOWLEDGE_BATCH);
    // Appended once at the end: the audit log's lock is then held only for the commit, not while composing.
    const audit: AuditEntry[] = [];
    let written = 0;
    for (const r of reports) {
      const head = r.head ? mailHead(Buffer.from(r.head)) : null;
      const profile = r.brand_id ? deps.policies.get(r.brand_id) : undefined;
      const brand = r.brand_id
        ? await trx
            .selectFrom("brand_addresses")
            .select("address")
            .where("brand_id", "=", r.brand_id)
            .execute()
        : [];
      // A report no parser understood has no reporter yet: the mail's sender is the one who wrote.
      const fromHeader = head?.get("reply-to") ?? head?.get("from");
      const email = r.reporter_email ?? emailOf(fromHeader) ?? null;
      const decision = r.brand_id
        ? acknowledgementFor(
            {
              channel: r.channel,
              state: r.state,
              format: r.format,
              reporterEmail: email,
              reporterKind: r.reporter_kind,
              ownAddresses: brand.map((b) => b.address),
              headers: head,
            },
            profile?.messages.acknowledge ?? { formats: ["plain", "freetext"], always: [], never: [] },
          )
        : ({ acknowledge: false, reason: "addressed to no brand" } as const);
      if (!decision.acknowledge) {
        await setAcknowledgement(trx, r.id, "not_needed");
        continue;
      }
      const reporterId =
        r.reporter_id ?? (await upsertReporterByEmail(trx, decision.to, displayNameOf(fromHeader) ?? null));
      const { cases } = await casesOfReport(trx, r.id);
      // The brand's own cases first: the reporter wrote to this brand.
      const own: number[] = [];
      for (const c of cases) {
        const k = await caseRow(trx, c);
        if (k && k.brand_id === r.brand_id) own.push(c);
        if (own.length >= 20) break;
      }
      const template =
        r.missing.length > 0 && r.state !== "triage" ? "missing_information" : "acknowledgement";
      const address = brand.find((b) => b.address.startsWith("abuse@"))?.address ?? brand[0]?.address;
      const id = await insertMessage(trx, {
        direction: "out",
        party: "reporter",
        brandId: r.brand_id,
        caseId: own[0] ?? null,
        reportId: r.id,
        reporterId,
        template,
        language: null,
        from: address ?? null,
        to: [decision.to],
        subject: null,
        body: null,
        messageId: newMessageId(address?.split("@")[1] ?? "abusedesk.invalid"),
        state: "queued",
        context: { case_ids: own },
        composed: false,
        actor: MESSAGES_ACTOR,
      });
      await setAcknowledgement(trx, r.id, "written");
      if (id === undefined) continue;
      audit.push({
        actor: MESSAGES_ACTOR,
        action: "message.queued",
        subjectType: own[0] ? "case" : "report",
        subjectId: own[0] ?? r.id,
        details: { message: id, party: "reporter", template, report: r.id },
      });
      if (template === "missing_information")
        for (const c of own) if (await waitForReporter(trx, c)) audit.push(waiting(c, id));
      const row = await trx
        .selectFrom("messages")
        .selectAll()
        .where("id", "=", id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      await composeAndSettle(trx, deps, row);
      written++;
    }
    await appendAuditBatch(trx, audit);
    return written;
  });
}

/** A report that lacks something puts its new case in waiting_reporter (SPEC C3: the case waits). */
async function waitForReporter(trx: Transaction<Database>, caseId: number): Promise<boolean> {
  const moved = await trx
    .updateTable("cases")
    .set({ state: "waiting_reporter", updated_at: new Date() })
    .where("id", "=", caseId)
    .where("state", "=", "new")
    .returning("id")
    .executeTakeFirst();
  return moved !== undefined;
}

function waiting(caseId: number, messageId: number): AuditEntry {
  return {
    actor: MESSAGES_ACTOR,
    action: "case.transition",
    subjectType: "case",
    subjectId: caseId,
    details: {
      from: "new",
      to: "waiting_reporter",
      reason: `the report lacks information; the reporter was asked for it (message ${messageId})`,
    },
  };
}
