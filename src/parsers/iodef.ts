/**
 * IODEF 1.0 (RFC 5070) and 2.0 (RFC 7970), as AbuseHUB sends it: one event per source System of each
 * Incident, with the report name from Method/Reference/ReferenceName (or the "original reporttype").
 */
import { abusehubCategory } from "./abusehub.ts";
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
import type { ParsedEvent, ParseResult, Reporter } from "./types.ts";
import { attr, child, list, readXml, textOf } from "./xml.ts";

export function isIodef(text: string): boolean {
  return /<(\w+:)?IODEF-Document\b/.test(text.slice(0, 4096));
}

export function parseIodef(text: string, messageId?: string): ParseResult {
  const doc = child(readXml(text), "IODEF-Document");
  if (!doc) throw new ReportFormatError("XML is not an IODEF-Document");
  const incidents = list(child(doc, "Incident"));
  if (incidents.length === 0) throw new ReportFormatError("IODEF document without an Incident");
  const events: ParsedEvent[] = [];
  let reporter: Reporter = {};
  for (const incident of incidents) {
    const additional = list(
      child(child(child(child(incident, "EventData"), "Record"), "RecordData"), "AdditionalData"),
    );
    const meaning = (m: string) => textOf(additional.find((a) => attr(a, "meaning") === m));
    const reference = textOf(child(child(child(incident, "Method"), "Reference"), "ReferenceName"));
    const reportName = meaning("original reporttype") ?? reference;
    if (!reportName) throw new ReportFormatError("IODEF Incident without Method/Reference/ReferenceName");
    const category = abusehubCategory(reportName);
    const occurredAt = parseDate(
      textOf(child(incident, "DetectTime")) ?? textOf(child(incident, "StartTime")),
    );
    const creator =
      list(child(incident, "Contact")).find((c) => attr(c, "role") === "creator") ??
      list(child(incident, "Contact"))[0];
    if (creator && !reporter.email) {
      reporter = {};
      const org = textOf(child(creator, "ContactName"));
      if (org) reporter.org = oneLine(org, 200);
      const email = emailOf(
        textOf(child(creator, "Email")) ?? textOf(child(child(creator, "Email"), "EmailTo")),
      );
      if (email) reporter.email = email;
    }
    const recordItems = list(
      child(child(child(child(incident, "EventData"), "Record"), "RecordData"), "RecordItem"),
    );
    const original = textOf(recordItems.find((r) => attr(r, "meaning") === "original report"));
    for (const eventData of list(child(incident, "EventData"))) {
      for (const flow of list(child(eventData, "Flow"))) {
        for (const system of list(child(flow, "System"))) {
          if (attr(system, "category") !== "source") continue;
          const addresses = list(child(system, "Node")).flatMap((n) => list(child(n, "Address")));
          const ipNode = addresses.find((a) => /^ipv[46]-addr$/.test(attr(a, "category") ?? ""));
          const ip = normalizeIp(textOf(ipNode));
          const urlNode = addresses.find((a) => attr(a, "ext-category") === "url");
          const url = textOf(urlNode);
          const port = normalizePort(textOf(child(list(child(system, "Service"))[0], "Port")));
          const validUrl = url && /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : undefined;
          if (!ip && !validUrl) continue;
          events.push(
            makeEvent(category, { ip, port, url: validUrl }, occurredAt, {
              incidentId: textOf(child(incident, "IncidentID")),
              purpose: attr(incident, "purpose"),
              reportName,
              source_category: category === "other" ? reportName : undefined,
              originalNotifier: meaning("original notifier"),
              priority: meaning("priority"),
              asn: textOf(addresses.find((a) => attr(a, "category") === "asn")),
              originalReport: original?.slice(0, 16 * 1024),
            }),
          );
        }
      }
    }
  }
  if (events.length === 0) throw new ReportFormatError("IODEF document without a source address");
  return {
    format: "iodef",
    reporter,
    events,
    missing: missingOf({ reporter, events, description: true }),
    messageId,
  };
}
