/**
 * SpamCop: single spam reports ("[SpamCop (1.2.3.4) id:N]subject", body "Email from 1.2.3.4 / date" and the
 * offending message) and the periodic summary ("[SpamCop] summary report": one row per source IP).
 */
import { emailOf, makeEvent, normalizeIp, oneLine, parseDate, ReportFormatError } from "./common.ts";
import { missingOf } from "./completeness.ts";
import { type Mail, reporterOfMail } from "./mail.ts";
import type { ParsedEvent, ParseResult, Reporter } from "./types.ts";

export function isSpamcop(mail: Mail): boolean {
  const from = emailOf(mail.headers.get("from")) ?? "";
  return (
    /@(reports|admin)\.spamcop\.net$/.test(from) ||
    /^\[SpamCop[\] (]/i.test(mail.subject) ||
    mail.headers.has("x-spamcop-sourceip")
  );
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

export function parseSpamcop(mail: Mail): ParseResult {
  const reporter: Reporter = { org: "SpamCop", ...reporterOfMail(mail) };
  if (/summary report/i.test(mail.subject)) return summary(mail, reporter);
  if (/^\[SpamCop\] Alert/i.test(mail.subject)) {
    throw new ReportFormatError("SpamCop alert mail (account notice), not a spam report");
  }
  const subjectMatch = /^\[SpamCop \((.+?)\) id:(\d+)\]/i.exec(mail.subject);
  const inSubject = subjectMatch?.[1]?.trim() ?? "";
  const body = mail.text;
  const emailFrom = /^Email from ([0-9a-fA-F:.]+) \/ (.+)$/m.exec(body);
  const ip =
    normalizeIp(inSubject) ??
    normalizeIp(mail.headers.get("x-spamcop-sourceip")) ??
    normalizeIp(emailFrom?.[1]);
  const url = /^(https?|ftp):\/\//i.test(inSubject) ? inSubject : undefined;
  if (!ip && !url)
    throw new ReportFormatError("SpamCop report names neither a source IP nor a spamvertised URL");
  const offending = /(\[ Offending message \]|Offending message:)\s*\n([\s\S]*)$/i.exec(body)?.[2] ?? "";
  const fullHeaders = /^Received:/im.test(offending);
  const event = makeEvent("spam", { ip, url }, parseDate(emailFrom?.[2]), {
    spamcopId: subjectMatch?.[2],
    spamvertised: url !== undefined,
    reportLink: /https?:\/\/(?:www\.)?spamcop\.net\/w3m\?i=\S+/.exec(body)?.[0],
    notes: /^(\S+ is open proxy.*)$/m.exec(body)?.[1],
    offendingMessage: offending.slice(0, 64 * 1024) || undefined,
  });
  return {
    format: "spamcop",
    reporter,
    events: [event],
    missing: missingOf({ reporter, events: [event], description: true, fullHeaders }),
    messageId: mail.messageId,
  };
}

/** Rows: "  62.143.250.133 Feb  8 20h/4   72    2    0    0 blocklisted" followed by an RDNS line. */
function summary(mail: Mail, reporter: Reporter): ParseResult {
  const lines = mail.text.split(/\r?\n/);
  const reportDate = mail.date ?? new Date();
  const events: ParsedEvent[] = [];
  const row =
    /^\s*([0-9a-fA-F:.]+)\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2})h\/(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*(.*)$/;
  for (let i = 0; i < lines.length; i++) {
    const m = row.exec(lines[i]!);
    if (!m) continue;
    const ip = normalizeIp(m[1]);
    const month = MONTHS.indexOf(m[2]!.toLowerCase());
    if (!ip || month < 0) continue;
    // The summary omits the year: a month after the report's month belongs to the year before.
    let year = reportDate.getUTCFullYear();
    if (month > reportDate.getUTCMonth()) year--;
    const occurredAt = new Date(Date.UTC(year, month, Number(m[3]), Number(m[4])));
    const next = lines[i + 1]?.trim() ?? "";
    const rdns = /^[a-z0-9.-]+\.$/i.test(next) ? next.replace(/\.$/, "") : undefined;
    events.push(
      makeEvent("spam", { ip }, occurredAt, {
        summary: true,
        durationDays: Number(m[5]),
        trap: Number(m[6]),
        user: Number(m[7]),
        mole: Number(m[8]),
        simple: Number(m[9]),
        comment: oneLine(m[10] ?? "", 200) || undefined,
        rdns,
      }),
    );
  }
  if (events.length === 0) throw new ReportFormatError("SpamCop summary report without any IP rows");
  return {
    format: "spamcop",
    reporter,
    events,
    // A summary carries counts, never messages: the headers can be had from SpamCop's site.
    missing: missingOf({ reporter, events, description: true, fullHeaders: false }),
    messageId: mail.messageId,
  };
}
