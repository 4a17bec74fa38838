/**
 * DMARC aggregate reports (RFC 7489 §7.2, appendix C): XML, usually gzip- or zip-compressed, sent daily by
 * mailbox providers about mail that claimed a domain. A record whose mail failed DMARC (neither DKIM nor
 * SPF aligned and passed) names a source IP that sent in the domain's name: informational events
 * (`email_auth_failure`) about those IPs, one per record, with the count. Records that passed are not
 * events: nothing is wrong with them.
 */
import { emailOf, makeEvent, normalizeIp, oneLine, ReportFormatError } from "./common.ts";
import type { ParsedEvent, Reporter } from "./types.ts";
import { child, list, readXml, textOf } from "./xml.ts";

/** Records read from one report (a large provider's report for a busy domain has thousands). */
export const MAX_DMARC_RECORDS = 100_000;

export function isDmarcAggregate(text: string): boolean {
  const head = text.slice(0, 4096);
  return /<feedback[\s>]/.test(head) && /<(report_metadata|policy_published)[\s>]/.test(text.slice(0, 65536));
}

export interface DmarcResult {
  reporter: Reporter;
  events: ParsedEvent[];
  /** Records in the report, failing or not. */
  records: number;
  domain: string | undefined;
}

function epoch(value: string | undefined): Date | null {
  const n = Number(value);
  if (!value || !Number.isFinite(n) || n <= 0) return null;
  const d = new Date(n * 1000);
  return d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100 ? d : null;
}

export function parseDmarcAggregate(xml: string, foundIn: string): DmarcResult {
  const doc = readXml(xml);
  const feedback = child(doc, "feedback");
  if (!feedback) throw new ReportFormatError("XML is not a DMARC aggregate report (no <feedback>)");
  const meta = child(feedback, "report_metadata");
  const published = child(feedback, "policy_published");
  const domain = textOf(child(published, "domain"))?.toLowerCase();
  const org = textOf(child(meta, "org_name"));
  const reportId = textOf(child(meta, "report_id"));
  const begin = epoch(textOf(child(child(meta, "date_range"), "begin")));
  const end = epoch(textOf(child(child(meta, "date_range"), "end")));
  const records = list(child(feedback, "record"));
  const events: ParsedEvent[] = [];
  for (const record of records.slice(0, MAX_DMARC_RECORDS)) {
    const row = child(record, "row");
    const evaluated = child(row, "policy_evaluated");
    const dkim = textOf(child(evaluated, "dkim"))?.toLowerCase();
    const spf = textOf(child(evaluated, "spf"))?.toLowerCase();
    if (dkim === "pass" || spf === "pass") continue;
    const ip = normalizeIp(textOf(child(row, "source_ip")));
    if (!ip) continue;
    const identifiers = child(record, "identifiers");
    events.push(
      makeEvent("email_auth_failure", { ip }, begin, {
        found_in: foundIn,
        dmarc: {
          domain,
          header_from: textOf(child(identifiers, "header_from")),
          envelope_from: textOf(child(identifiers, "envelope_from")),
          count: Number(textOf(child(row, "count")) ?? 0) || 0,
          disposition: textOf(child(evaluated, "disposition")),
          dkim,
          spf,
          policy: textOf(child(published, "p")),
          reporter: org,
          report_id: reportId,
          period: { begin: begin?.toISOString(), end: end?.toISOString() },
        },
      }),
    );
  }
  const reporter: Reporter = {};
  if (org) reporter.org = oneLine(org, 200);
  const email = emailOf(textOf(child(meta, "email")));
  if (email) reporter.email = email;
  return { reporter, events, records: records.length, domain };
}
