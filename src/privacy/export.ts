/**
 * Export of everything held about a person (SPEC C16, GDPR art. 15): given an e-mail address, a name or a
 * customer id, the reporters, reports (with their raw bytes), customers, cases, events and messages that
 * name it, within the reader's brands, as one ZIP of JSON files and the raw reports. Legal and admin only
 * (the `privacy` ability, src/auth/roles.ts); every export is audited with who asked and what it held.
 */
import { createHash } from "node:crypto";
import { strToU8, zipSync } from "fflate";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import type { DB } from "../db/index.ts";
import { findUnstorableText } from "../db/text.ts";
import { fail, ok, type Result } from "../errors.ts";
import {
  casesOf,
  customersAbout,
  eventsAbout,
  MAX_EXPORT_RAW_BYTES,
  MAX_EXPORT_RAW_REPORTS,
  MAX_EXPORT_ROWS_PER_KIND,
  messagesAbout,
  noticesAbout,
  rawOf,
  reportersAbout,
  reportsOf,
} from "./privacy.store.ts";

/** The longest subject one can ask about (an e-mail address is at most 320 characters). */
export const MAX_SUBJECT_LENGTH = 320;

export interface ExportParts {
  subject: string;
  made_at: string;
  made_by: string;
  kinds: Record<string, readonly unknown[]>;
  raw: readonly { id: number; raw: Uint8Array }[];
}

/** The ZIP itself (pure): manifest.json, one JSON file per kind, raw/report-<id>.eml. */
export function buildExportZip(parts: ExportParts): { zip: Uint8Array; counts: Record<string, number> } {
  const files: Record<string, Uint8Array> = Object.create(null);
  const counts: Record<string, number> = Object.create(null);
  const truncated: string[] = [];
  for (const [kind, rows] of Object.entries(parts.kinds)) {
    const kept = rows.slice(0, MAX_EXPORT_ROWS_PER_KIND);
    if (rows.length > MAX_EXPORT_ROWS_PER_KIND) truncated.push(kind);
    counts[kind] = kept.length;
    files[`${kind}.json`] = strToU8(JSON.stringify(kept, null, 2));
  }
  for (const r of parts.raw) files[`raw/report-${r.id}.eml`] = r.raw;
  counts.raw_reports = parts.raw.length;
  const manifest = {
    subject: parts.subject,
    made_at: parts.made_at,
    made_by: parts.made_by,
    counts,
    truncated,
    note:
      truncated.length > 0
        ? `more than ${MAX_EXPORT_ROWS_PER_KIND} rows of ${truncated.join(", ")}: ask about a narrower subject too`
        : "everything found is in this export",
  };
  files["manifest.json"] = strToU8(JSON.stringify(manifest, null, 2));
  return { zip: zipSync(files, { level: 6 }), counts };
}

/** The reports whose raw bytes fit the export's bounds, in order (the rest are named in reports.json). */
export function rawWithinBudget(reports: readonly { id: number | string; size: number }[]): number[] {
  const ids: number[] = [];
  let bytes = 0;
  for (const r of reports.slice(0, MAX_EXPORT_RAW_REPORTS)) {
    if (bytes + r.size > MAX_EXPORT_RAW_BYTES) break;
    bytes += r.size;
    ids.push(Number(r.id));
  }
  return ids;
}

/** Checks the subject a person asked about; undefined when it is fine, else what is wrong. */
export function subjectProblem(subject: string): string | undefined {
  const s = subject.trim();
  if (s.length === 0) return "give a subject: an e-mail address, a name or a customer id";
  if (s.length > MAX_SUBJECT_LENGTH)
    return `the subject is longer than ${MAX_SUBJECT_LENGTH} characters; give an e-mail address, a name or a customer id`;
  if (findUnstorableText(s, "subject"))
    return "the subject holds a NUL character or invalid UTF-8; remove it";
  return undefined;
}

/** Everything held about `subject` within the actor's brands, as a ZIP; audited. */
export async function exportSubject(
  db: DB,
  actor: Actor,
  subject: string,
): Promise<Result<{ zip: Uint8Array; counts: Record<string, number> }>> {
  const problem = subjectProblem(subject);
  if (problem) return fail(422, problem);
  const s = subject.trim();
  const scope = actor.brands;
  const reporters = await reportersAbout(db, s);
  const customers = await customersAbout(db, s, scope);
  const reporterIds = reporters.map((r) => Number(r.id));
  const customerIds = customers.map((c) => c.id);
  const reports = await reportsOf(db, reporterIds, s, scope);
  const reportIds = reports.map((r) => Number(r.id));
  const [cases, events, messages, notices, raw] = await Promise.all([
    casesOf(db, customerIds, scope),
    eventsAbout(db, s, customerIds, reportIds, scope),
    messagesAbout(db, s, reporterIds, customerIds, scope),
    noticesAbout(db, reporterIds, s, scope),
    rawOf(db, rawWithinBudget(reports)),
  ]);
  const madeAt = new Date().toISOString();
  const built = buildExportZip({
    subject: s,
    made_at: madeAt,
    made_by: actor.name,
    kinds: { reporters, customers, reports, cases, events, messages, notices },
    raw: raw.map((r) => ({ id: Number(r.id), raw: new Uint8Array(r.raw) })),
  });
  await db.transaction().execute((trx) =>
    appendAudit(trx, {
      actor: actor.name,
      action: "privacy.export",
      subjectType: "privacy",
      subjectId: null,
      // The digest of what was asked, not the person's address itself: the audit log outlives them.
      details: { subject_sha256: sha256Hex(s.toLowerCase()), counts: built.counts },
    }),
  );
  return ok(built);
}

function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}
