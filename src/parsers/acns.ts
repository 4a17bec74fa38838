/**
 * ACNS 1.2 (Automated Copyright Notice System) XML: an <Infringement> from a rights holder's agent, alone,
 * attached, or embedded in the mail text (IP-Echelon signs it inline; Irdeto wraps it in
 * "---Start ACNS XML" markers). For an access provider a P2P notice is forwarded to the subscriber.
 */
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
import type { ParseResult, Reporter } from "./types.ts";
import { attr, child, list, readXml, textOf } from "./xml.ts";

export function isAcns(text: string): boolean {
  return (
    /<Infringement\b[^>]*acns/i.test(text.slice(0, 1_000_000)) ||
    /<Infringement>\s*<Case>/i.test(text.slice(0, 1_000_000))
  );
}

/** The <Infringement> element out of a mail text (PGP-signed or between markers). */
export function extractAcns(text: string): string | undefined {
  const start = text.search(/<\?xml[^>]*>\s*<Infringement\b|<Infringement\b/);
  if (start < 0) return undefined;
  const end = text.indexOf("</Infringement>", start);
  if (end < 0) return undefined;
  return text.slice(start, end + "</Infringement>".length);
}

export function parseAcns(xml: string, messageId?: string): ParseResult {
  const root = child(readXml(xml), "Infringement");
  if (!root) throw new ReportFormatError("XML is not an ACNS Infringement");
  const source = child(root, "Source");
  const complainant = child(root, "Complainant");
  const ip = normalizeIp(textOf(child(source, "IP_Address")));
  const url =
    textOf(child(source, "URL_Base")) ?? textOf(child(list(child(child(root, "Content"), "Item"))[0], "URL"));
  if (!ip && !url) throw new ReportFormatError("ACNS notice without Source/IP_Address or URL");
  const items = list(child(child(root, "Content"), "Item")).map((item) => ({
    title: textOf(child(item, "Title")),
    fileName: textOf(child(item, "FileName")),
    fileSize: textOf(child(item, "FileSize")),
    hash: textOf(child(item, "Hash")),
    hashType: attr(child(item, "Hash"), "Type"),
    timestamp: textOf(child(item, "TimeStamp")),
  }));
  const type = textOf(child(source, "Type"));
  const subType = child(source, "SubType");
  const p2p =
    /p2p/i.test(attr(subType, "BaseType") ?? "") || /bittorrent|gnutella|edonkey|ares/i.test(type ?? "");
  const event = makeEvent(
    "copyright",
    {
      ip,
      port: normalizePort(textOf(child(source, "Port"))),
      url: url && /^[a-z]+:\/\//i.test(url) ? url : undefined,
    },
    parseDate(textOf(child(source, "TimeStamp")) ?? items[0]?.timestamp),
    {
      caseId: textOf(child(child(root, "Case"), "ID")),
      status: textOf(child(child(root, "Case"), "Status")),
      severity: textOf(child(child(root, "Case"), "Severity")),
      type,
      protocol: attr(subType, "Protocol"),
      p2p: p2p || undefined,
      userName: textOf(child(source, "UserName")),
      numberOfFiles: textOf(child(source, "Number_Files")),
      items,
      complainant: textOf(child(complainant, "Entity")),
      complainantAddress: textOf(child(complainant, "Address")),
      complainantPhone: textOf(child(complainant, "Phone")),
    },
  );
  const reporter: Reporter = {};
  const org = textOf(child(complainant, "Entity"));
  if (org) reporter.org = oneLine(org, 200);
  const name = textOf(child(complainant, "Contact"));
  if (name) reporter.name = oneLine(name, 200);
  const email = emailOf(textOf(child(complainant, "Email")));
  if (email) reporter.email = email;
  return {
    format: "acns",
    reporter,
    events: [event],
    missing: missingOf({
      reporter,
      events: [event],
      description: true,
      reasons: items.some((i) => i.title || i.fileName),
    }),
    messageId,
  };
}
