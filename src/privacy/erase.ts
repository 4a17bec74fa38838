/**
 * Erasure of a reporter's personal data where the law allows it (GDPR art. 17), with the reason recorded:
 * the reporter records lose name, address and organisation; the raw reports they sent become a tombstone
 * (the SHA-256 and size of what was received stay, so the evidence chain still says what arrived); the
 * messages exchanged with them lose their text and addresses. Refused while a report is evidence in an
 * open case or under an authority's hold (preservation order): the law then requires keeping it.
 */
import { createHash } from "node:crypto";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import type { DB } from "../db/index.ts";
import { pgText } from "../db/text.ts";
import { fail, ok, type Result } from "../errors.ts";
import { subjectProblem } from "./export.ts";
import {
  anonymiseReporters,
  eraseNotices,
  holdsOverReports,
  MAX_EXPORT_ROWS_PER_KIND,
  noticesAbout,
  openCasesOfReports,
  redactMessages,
  reportersAbout,
  reportsOf,
  tombstoneReports,
} from "./privacy.store.ts";

/** The shortest reason an erasure is recorded with (the request and its ground, in a sentence). */
export const MIN_ERASURE_REASON = 10;
/** The longest reason kept. */
export const MAX_ERASURE_REASON = 2000;

export interface ErasureCounts {
  reporters: number;
  reports: number;
  messages: number;
  notices: number;
}

export async function eraseSubject(
  db: DB,
  actor: Actor,
  subject: string,
  reason: string,
): Promise<Result<ErasureCounts>> {
  const problem = subjectProblem(subject);
  if (problem) return fail(422, problem);
  const why = reason.trim();
  if (why.length < MIN_ERASURE_REASON || why.length > MAX_ERASURE_REASON)
    return fail(
      422,
      `give the reason for the erasure (the request and its ground) in ${MIN_ERASURE_REASON} to ${MAX_ERASURE_REASON} characters`,
    );
  if (actor.brands !== null)
    return fail(
      403,
      "a reporter's record is shared by every brand, so erasing it needs someone who is not limited to brands",
    );
  const s = subject.trim();
  return db.transaction().execute(async (trx) => {
    const reporters = await reportersAbout(trx, s);
    const reporterIds = reporters.map((r) => Number(r.id));
    const reports = await reportsOf(trx, reporterIds, s, null);
    if (reporters.length > MAX_EXPORT_ROWS_PER_KIND || reports.length > MAX_EXPORT_ROWS_PER_KIND)
      return fail(422, "the subject matches too many records to erase at once; give an exact e-mail address");
    if (reporters.length === 0 && reports.length === 0)
      return fail(
        404,
        "nothing is held about that subject as a reporter; `abusedesk privacy export` shows what is",
      );
    const reportIds = reports.map((r) => Number(r.id));
    const open = await openCasesOfReports(trx, reportIds);
    if (open.length > 0)
      return fail(
        409,
        `the reports are evidence in open case${open.length > 1 ? "s" : ""} ${[...new Set(open.map((o) => o.case_id))].join(", ")}; erase once they are closed`,
      );
    const holds = await holdsOverReports(trx, reportIds);
    if (holds.length > 0)
      return fail(
        409,
        `the data is under an authority's hold (${holds.map((h) => `hold ${h.id}, ${h.legal_basis}`).join("; ")}); it may not be erased until the hold is released`,
      );
    const at = new Date().toISOString();
    const tombstone = Buffer.from(
      `erased on ${at} by ${actor.name}: ${pgText(why)}\r\nThe SHA-256 and size of what was received are kept on the report.\r\n`,
    );
    const notices = await noticesAbout(trx, reporterIds, s, null);
    const counts: ErasureCounts = {
      reports: await tombstoneReports(trx, reportIds, tombstone),
      messages: await redactMessages(trx, s, reporterIds, `[erased on ${at}]`),
      notices: await eraseNotices(
        trx,
        notices.map((n) => Number(n.id)),
        `[erased on ${at}]`,
      ),
      reporters: await anonymiseReporters(trx, reporterIds),
    };
    await appendAudit(trx, {
      actor: actor.name,
      action: "privacy.erase",
      subjectType: "privacy",
      subjectId: null,
      details: {
        subject_sha256: createHash("sha256").update(s.toLowerCase()).digest("hex"),
        reason: why,
        reports: reportIds.slice(0, 100),
        counts,
      },
    });
    return ok(counts);
  });
}
