/**
 * ARF: RFC 5965 feedback reports (with RFC 6591 auth-failure, RFC 6692 Source-Port, legacy version 0.1
 * and its Received-Date). One report is one event: the sending host of the reported message.
 */
import { type Category, categoryOrOther } from "../taxonomy.ts";
import {
  emailOf,
  makeEvent,
  normalizeIp,
  normalizePort,
  oneLine,
  parseDate,
  ReportFormatError,
} from "./common.ts";
import { missingOf } from "./completeness.ts";
import { type Mail, originalMessageOf, receivedFromIp, reporterOfMail, sendingIpOf } from "./mail.ts";
import { Headers, parseHeaderBlock, partText } from "./mime.ts";
import type { ParseResult } from "./types.ts";

/** Feedback-Type → category. auth-failure and opt-out are routed as what they are, not as spam. */
const FEEDBACK_TYPES: Record<string, Category> = {
  abuse: "spam",
  fraud: "phishing",
  virus: "malware",
  other: "other",
  "auth-failure": "email_auth_failure",
  dmarc: "email_auth_failure",
  "opt-out": "opt_out",
  unsubscribe: "opt_out",
};

export function isArf(mail: Mail): boolean {
  return mail.leaves.some((p) => p.contentType === "message/feedback-report");
}

export function parseArf(mail: Mail): ParseResult {
  const reportPart = mail.leaves.find((p) => p.contentType === "message/feedback-report");
  if (!reportPart) throw new ReportFormatError("multipart/report without a message/feedback-report part");
  const fields = new Headers(parseHeaderBlock(partText(reportPart).replace(/^\s+/, "")));
  const feedbackType = (fields.get("feedback-type") ?? "").toLowerCase().trim();
  if (!feedbackType) throw new ReportFormatError("ARF report without Feedback-Type");
  if (feedbackType === "not-spam") {
    throw new ReportFormatError(
      "ARF not-spam feedback: the reporter says a message was wrongly filtered; nothing to act on",
    );
  }
  const { category, unknownLabel } = categoryOrOther(FEEDBACK_TYPES, feedbackType);
  const original = originalMessageOf(mail);
  const warnings: string[] = [];

  // Source-IP first (comment stripped); else the first external hop of the original message.
  let ip = normalizeIp(fields.get("source-ip"));
  let ipSource = "Source-IP";
  if (!ip && fields.get("source-ip"))
    warnings.push(`unreadable Source-IP "${oneLine(fields.get("source-ip")!, 80)}"`);
  const hop = original ? sendingIpOf(original.headers) : undefined;
  if (!ip && hop) {
    ip = hop.ip;
    ipSource = hop.received ? "Received" : "X-Originating-IP";
  }

  const reportedUris = fields.all("reported-uri").map((u) => oneLine(u, 2000));
  const reportedDomains = fields.all("reported-domain").map((d) => oneLine(d, 253).toLowerCase());
  const mailFrom = emailOf(fields.get("original-mail-from"));
  const occurredAt =
    parseDate(fields.get("arrival-date")) ??
    parseDate(fields.get("received-date")) ??
    receivedDateOf(original?.headers, ip) ??
    parseDate(original?.headers.get("date"));

  const url = reportedUris.find((u) => /^https?:\/\//i.test(u));
  if (!ip && !reportedDomains[0] && !url && !mailFrom) {
    throw new ReportFormatError(
      "ARF report that names no source: no Source-IP, no Received line in the original message, no Reported-Domain, Reported-Uri or Original-Mail-From",
    );
  }
  const details: Record<string, unknown> = {
    feedbackType,
    source_category: unknownLabel,
    userAgent: fields.get("user-agent"),
    version: fields.get("version"),
    ipSource: ip ? ipSource : undefined,
    originalMailFrom: fields.get("original-mail-from"),
    originalRcptTo: fields.all("original-rcpt-to"),
    originalEnvelopeId: fields.get("original-envelope-id"),
    reportingMta: fields.get("reporting-mta"),
    incidents: fields.get("incidents") ? Number(fields.get("incidents")) : undefined,
    authenticationResults: fields.all("authentication-results"),
    reportedDomains,
    reportedUris,
    removalRecipient: fields.get("removal-recipient"),
    authFailure: fields.get("auth-failure"),
    deliveryResult: fields.get("delivery-result"),
    dkimDomain: fields.get("dkim-domain"),
    dkimIdentity: fields.get("dkim-identity"),
    dkimSelector: fields.get("dkim-selector"),
    originalHeaders: original?.headerText.slice(0, 64 * 1024),
  };
  const event = makeEvent(
    category,
    {
      ip,
      port: normalizePort(fields.get("source-port")),
      domain: reportedDomains[0],
      url,
      email: mailFrom,
    },
    occurredAt,
    details,
  );
  const reporter = reporterOfMail(mail);
  const result: ParseResult = {
    format: "arf",
    reporter,
    events: [event],
    missing: missingOf({
      reporter,
      events: [event],
      description: true,
      fullHeaders: original !== undefined,
      evidence: original !== undefined,
    }),
    messageId: mail.messageId,
  };
  if (warnings.length) result.warnings = warnings;
  return result;
}

/** When the original message was received: the date of the hop from the source IP, else the first hop. */
function receivedDateOf(headers: Headers | undefined, ip: string | undefined): Date | null {
  if (!headers) return null;
  const lines = headers.all("received");
  const hop = (ip && lines.find((r) => receivedFromIp(r) === ip)) || lines[0];
  if (!hop) return null;
  const semi = hop.lastIndexOf(";");
  return semi >= 0 ? parseDate(hop.slice(semi + 1)) : null;
}
