/**
 * Completeness of a report (abuse policy §5; Extin NTD procedure): the one rule every parser uses to say
 * what a report lacks, so that the desk can ask the reporter for it instead of guessing.
 */
import type { ParsedEvent, Reporter } from "./types.ts";

export type Missing =
  | "reporter_contact"
  | "description"
  | "technical_data"
  | "location"
  | "reasons"
  | "full_headers";

export interface CompletenessInput {
  reporter: Reporter;
  events: ParsedEvent[];
  /** The report says in words or structured fields what happened. */
  description: boolean;
  /** For notices (NTD): the report says why the content is unlawful (the work, the mark, the law). */
  reasons?: boolean;
  /**
   * For e-mail abuse: the full headers of the offending message are present. Undefined when the format
   * carries the evidence in its own structured fields (feedback loops with Source-IP, X-ARF, Shadowserver).
   */
  fullHeaders?: boolean;
  /** Raw evidence (headers, logs) is attached even when no subject could be extracted. */
  evidence?: boolean;
}

export function missingOf(input: CompletenessInput): Missing[] {
  const missing: Missing[] = [];
  if (!input.reporter.email) missing.push("reporter_contact");
  if (!input.description) missing.push("description");
  const technical = input.events.some((e) => e.subject.ip || e.subject.url || e.subject.domain);
  if (!technical && !input.evidence) missing.push("technical_data");
  const notices = input.events.filter((e) => e.kind === "ntd");
  if (notices.length > 0) {
    // The location of content is its URL; for a peer-to-peer notice to an access provider it is the
    // address (and port) at a moment (there is no URL to give), so that counts as located too.
    const located = notices.some((e) => e.subject.url || (e.subject.ip && e.details.p2p));
    if (!located) missing.push("location");
    if (!(input.reasons ?? input.description)) missing.push("reasons");
  }
  if (input.fullHeaders === false && input.events.some((e) => e.category === "spam"))
    missing.push("full_headers");
  return missing;
}
