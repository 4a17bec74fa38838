/**
 * The SQL of the portal: links (stored as the SHA-256 of their token), and what a customer or a reporter
 * may see of its cases and reports.
 */
import type { Kysely, Transaction } from "kysely";
import { type BrandScope, inBrandScope } from "../auth/scope.ts";
import { FINISHED_CASE_STATES } from "../db/case-states.ts";
import type { Database } from "../db/schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertPortalToken(
  trx: Db,
  t: {
    hash: string;
    kind: "customer" | "reporter";
    brandId: string;
    customerId?: string | null;
    reportId?: number | null;
    messageId?: number | null;
    language: string;
    expiresAt: Date;
  },
): Promise<number> {
  const row = await trx
    .insertInto("portal_tokens")
    .values({
      token_hash: t.hash,
      kind: t.kind,
      brand_id: t.brandId,
      customer_id: t.customerId ?? null,
      report_id: t.reportId ?? null,
      message_id: t.messageId ?? null,
      language: t.language,
      expires_at: t.expiresAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findPortalToken(db: Db, hash: string) {
  return db.selectFrom("portal_tokens").selectAll().where("token_hash", "=", hash).executeTakeFirst();
}

export async function touchPortalToken(db: Db, id: number) {
  await db.updateTable("portal_tokens").set({ last_used_at: new Date() }).where("id", "=", id).execute();
}

export async function listPortalTokens(
  db: Db,
  f: { customer?: string; report?: number; limit: number; scope: BrandScope },
) {
  let q = db
    .selectFrom("portal_tokens")
    .where(inBrandScope(f.scope, "brand_id"))
    .select([
      "id",
      "kind",
      "brand_id",
      "customer_id",
      "report_id",
      "message_id",
      "language",
      "created_at",
      "expires_at",
      "revoked_at",
      "revoked_by",
      "last_used_at",
    ]);
  if (f.customer) q = q.where("customer_id", "=", f.customer);
  if (f.report !== undefined) q = q.where("report_id", "=", f.report);
  return q.orderBy("id", "desc").limit(f.limit).execute();
}

export async function revokePortalToken(trx: Db, id: number, by: string) {
  return trx
    .updateTable("portal_tokens")
    .set({ revoked_at: new Date(), revoked_by: by })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .returning(["id", "customer_id", "report_id"])
    .executeTakeFirst();
}

/** The customer's open cases of one brand that it may see (never a gagged one). */
export async function openCasesOfCustomer(db: Db, brandId: string, customerId: string, limit: number) {
  return db
    .selectFrom("cases")
    .select(["id", "category", "kind", "state", "opened_at", "event_count", "gag"])
    .where("brand_id", "=", brandId)
    .where("customer_id", "=", customerId)
    .where("gag", "=", false)
    .where("state", "not in", FINISHED_CASE_STATES)
    .where("merged_into", "is", null)
    .orderBy("opened_at", "desc")
    .limit(limit)
    .execute();
}

/** Messages between the desk and the customer on a case that the customer may see again. */
export async function customerThread(db: Db, caseId: number, limit: number) {
  return db
    .selectFrom("messages")
    .select(["id", "direction", "subject", "body", "state", "created_at", "sent_at", "context"])
    .where("case_id", "=", caseId)
    .where("party", "=", "customer")
    .where((eb) => eb.or([eb("direction", "=", "in"), eb("state", "=", "sent")]))
    .orderBy("id")
    .limit(limit)
    .execute();
}

export async function attachmentsOf(db: Db, messageIds: readonly number[]) {
  if (messageIds.length === 0) return [];
  return db
    .selectFrom("message_attachments")
    .select(["id", "message_id", "filename", "size", "sha256"])
    .where("message_id", "in", [...messageIds])
    .orderBy("id")
    .execute();
}

/** A customer's own upload, for downloading it back from the portal. */
export async function customerAttachment(db: Db, brandId: string, customerId: string, attachmentId: number) {
  return db
    .selectFrom("message_attachments as a")
    .innerJoin("messages as m", "m.id", "a.message_id")
    .innerJoin("cases as c", "c.id", "m.case_id")
    .select(["a.filename", "a.data", "a.sha256"])
    .where("a.id", "=", attachmentId)
    .where("m.party", "=", "customer")
    .where("m.direction", "=", "in")
    .where("c.brand_id", "=", brandId)
    .where("c.customer_id", "=", customerId)
    .where("c.gag", "=", false)
    .executeTakeFirst();
}

export async function reportForReporter(db: Db, reportId: number) {
  return db
    .selectFrom("reports")
    .select(["id", "received_at", "subject", "state", "brand_id", "missing"])
    .where("id", "=", reportId)
    .executeTakeFirst();
}

/** The cases a report went to, with their state (nothing about their customer). */
export async function casesOfReportForReporter(db: Db, reportId: number) {
  return db
    .selectFrom("cases as c")
    .select(["c.id", "c.category", "c.state", "c.opened_at", "c.closed_at"])
    .where("c.id", "in", (eb) =>
      eb
        .selectFrom("events")
        .select("case_id")
        .where("report_id", "=", reportId)
        .where("case_id", "is not", null),
    )
    .orderBy("c.id")
    .limit(50)
    .execute();
}

/** What the desk wrote to the reporter of a report (sent messages only). */
export async function reporterThread(db: Db, reportId: number, limit: number) {
  return db
    .selectFrom("messages")
    .select(["id", "subject", "body", "sent_at", "created_at"])
    .where("report_id", "=", reportId)
    .where("party", "=", "reporter")
    .where("direction", "=", "out")
    .where("state", "=", "sent")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** Stores many links' hashes with one statement. */
export async function insertPortalTokens(trx: Db, rows: readonly Parameters<typeof insertPortalToken>[1][]) {
  if (rows.length === 0) return;
  await trx
    .insertInto("portal_tokens")
    .values(
      rows.map((t) => ({
        token_hash: t.hash,
        kind: t.kind,
        brand_id: t.brandId,
        customer_id: t.customerId ?? null,
        report_id: t.reportId ?? null,
        message_id: t.messageId ?? null,
        language: t.language,
        expires_at: t.expiresAt,
      })),
    )
    .execute();
}
