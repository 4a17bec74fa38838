/**
 * AbuseHUB (Abuse Information Exchange, NL): the AbuseHubCsv 1.0.0 attachment, one row per event, with the
 * original notifier's report name in `report_type`. AbuseHUB also sends IODEF (see iodef.ts); both share
 * the mapping of report names below. Times in AbuseHubCsv are Dutch local time.
 */
import type { Category } from "../taxonomy.ts";
import { makeEvent, normalizeIp, normalizePort, ReportFormatError, recordOf } from "./common.ts";
import type { ParsedEvent } from "./types.ts";

/**
 * AbuseHUB report names ("Shadowserver Botnet Drone", "Command and Control", "Pulse secure VPN", ...) are
 * free text chosen per notifier; these families cover the published ones. Anything else is `other`, and
 * the event keeps the name as its `source_category` (see taxonomy.ts).
 */
const REPORT_FAMILIES: Array<[RegExp, Category]> = [
  [/ddos.*(victim|amplif)|amplification.*victim/i, "ddos_victim"],
  [/phish/i, "phishing"],
  [/malware url|malware.?distribution|malicious url/i, "malware"],
  [/drone|botnet|command and control|\bc&c\b|\bc2\b|sinkhole|infect|malware|trojan/i, "botnet"],
  [/spam ?trap|spam/i, "spam"],
  [/brute ?force|login attack/i, "brute_force"],
  [/compromised (website|server)|defac/i, "compromised_server"],
  [/scan(ner|ning)?\b|darknet/i, "port_scan"],
  [/open|vulnerab|\bvpn\b|exchange|accessible|amplifier|resolver|exposed/i, "open_service"],
  [/block ?list|black ?list/i, "blocklist"],
];

export function abusehubCategory(reportName: string): Category {
  for (const [re, category] of REPORT_FAMILIES) if (re.test(reportName)) return category;
  return "other";
}

/** Dutch wall-clock time (Europe/Amsterdam) to UTC, respecting summer time. */
export function amsterdamToUtc(date: string, time: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time.trim() || "00:00");
  if (!m || !t) return null;
  const asUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +t[1]!, +t[2]!, +(t[3] ?? 0));
  if (Number.isNaN(asUtc)) return null;
  // Offset of Amsterdam at that moment, read from Intl (no time-zone library needed for one zone).
  const offsetAt = (ms: number): number => {
    const parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Amsterdam",
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    }).formatToParts(new Date(ms));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    return (
      Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - ms
    );
  };
  const guess = asUtc - offsetAt(asUtc);
  return new Date(asUtc - offsetAt(guess));
}

export function isAbusehubCsv(text: string): boolean {
  return /^\uFEFF?"?reliable_notifier"?,"?report_type"?/.test(text);
}

function splitLine(line: string): string[] {
  const out: string[] = [];
  const re = /(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g;
  for (const m of line.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? ""));
  return out;
}

export function parseAbusehubCsv(text: string): ParsedEvent[] {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((l) => l.trim());
  const columns = splitLine(lines[0] ?? "").map((c) => c.trim().toLowerCase());
  const at = (row: string[], name: string) => {
    const i = columns.indexOf(name);
    return i >= 0 ? (row[i] ?? "").trim() : "";
  };
  const events: ParsedEvent[] = [];
  for (const line of lines.slice(1, 100_001)) {
    const row = splitLine(line);
    const reportType = at(row, "report_type");
    const category = abusehubCategory(reportType);
    const ip = normalizeIp(at(row, "src_ip"));
    const url = at(row, "src_url") || undefined;
    if (!ip && !url) continue;
    events.push(
      makeEvent(
        category,
        { ip, port: normalizePort(at(row, "src_port")), url, email: at(row, "src_email") || undefined },
        amsterdamToUtc(at(row, "event_date"), at(row, "event_time")),
        {
          ...recordOf(
            columns.map((c, i) => [c, row[i]] as const).filter(([, v]) => v !== undefined && v !== ""),
          ),
          source_category: category === "other" ? reportType : undefined,
        },
      ),
    );
  }
  if (events.length === 0) throw new ReportFormatError("AbuseHubCsv without any usable row");
  return events;
}
