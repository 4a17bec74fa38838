/**
 * fail2ban's ban mails ("[Fail2Ban] sshd: banned 192.0.2.5 from host", "The IP 192.0.2.5 has just been
 * banned by Fail2Ban after 5 attempts against sshd."), sent as they are or forwarded by the server's admin,
 * with the log lines of the failures. The subject is the banned address, never the addresses in the whois
 * block the mail carries; the time is the first failure's.
 */
import { CATEGORIES, type Category } from "../taxonomy.ts";
import { makeEvent, normalizeIp, parseDate } from "./common.ts";
import { categoryOfLabel } from "./labels.ts";
import type { ParsedEvent } from "./types.ts";

/** Log lines kept per banned address as evidence. */
export const MAX_FAIL2BAN_LOG_LINES = 20;
/** Banned addresses taken from one mail (a digest lists many). */
export const MAX_FAIL2BAN_BANS = 1000;

const IP = "(\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7})";
const BANNED = [
  new RegExp(
    `\\bIP ${IP} has just been banned by Fail2Ban after\\s+(\\d+)\\s+attempts against\\s+([\\w.-]+)`,
    "gi",
  ),
  new RegExp(`\\[Fail2Ban\\]\\s*([\\w.-]+):\\s*banned\\s+${IP}`, "gi"),
  new RegExp(`\\[([\\w.-]+)\\]\\s+Ban\\s+${IP}`, "g"),
];

export function isFail2ban(subjectLine: string, text: string): boolean {
  return (
    /\[fail2ban\]/i.test(subjectLine) ||
    /banned by fail2ban|fail2ban\.actions/i.test(text.slice(0, 256 * 1024))
  );
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** The time of a log line: ISO ("2026-01-10 10:00:01,123") or syslog ("Jan 10 10:00:01", year of the mail). */
function lineTime(line: string, year: number): Date | null {
  const iso = /(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})/.exec(line);
  if (iso) return parseDate(iso[1]);
  const sys = /\b([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\b/.exec(line);
  if (!sys) return null;
  const month = MONTHS.indexOf(sys[1]!.toLowerCase());
  if (month < 0) return null;
  const d = new Date(Date.UTC(year, month, +sys[2]!, +sys[3]!, +sys[4]!, +sys[5]!));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The events of a fail2ban mail: one per banned address. */
export function parseFail2ban(subjectLine: string, text: string, mailDate: Date | null): ParsedEvent[] {
  const all = `${subjectLine}\n${text}`.slice(0, 2 * 1024 * 1024);
  const bans = new Map<string, { jail?: string | undefined; attempts?: number | undefined }>();
  for (const [i, re] of BANNED.entries()) {
    re.lastIndex = 0;
    for (const m of all.matchAll(re)) {
      if (bans.size >= MAX_FAIL2BAN_BANS) break;
      const [ipText, jail, attempts] =
        i === 0 ? [m[1], m[3], Number(m[2])] : i === 1 ? [m[2], m[1], undefined] : [m[2], m[1], undefined];
      const ip = normalizeIp(ipText);
      if (!ip) continue;
      const known = bans.get(ip);
      bans.set(ip, { jail: known?.jail ?? jail?.replace(/\.+$/, ""), attempts: known?.attempts ?? attempts });
    }
  }
  const lines = text.split(/\r?\n/, 200_000);
  const year = (mailDate ?? new Date()).getUTCFullYear();
  const events: ParsedEvent[] = [];
  for (const [ip, ban] of bans) {
    const logLines = lines.filter((l) => l.includes(ip) && lineTime(l, year) !== null);
    const times = logLines.map((l) => lineTime(l, year)).filter((d): d is Date => d !== null);
    const first = times.reduce<Date | null>((a, d) => (!a || d < a ? d : a), null);
    const category: Category = (ban.jail ? categoryOfLabel(ban.jail) : undefined) ?? "brute_force";
    events.push(
      makeEvent(
        category,
        { ip },
        first ?? mailDate,
        {
          found_in: "fail2ban report",
          jail: ban.jail,
          attempts: ban.attempts,
          log: logLines.slice(0, MAX_FAIL2BAN_LOG_LINES).map((l) => l.slice(0, 500)),
        },
        CATEGORIES[category].kind,
      ),
    );
  }
  return events;
}
