/**
 * The queue and one case as text for a person at a terminal: a header row, times in the brand's zone,
 * due times as "in 2 days" / "3 h overdue", the clause quoted once, and no empty sections. Pure: the
 * presented JSON in, lines out.
 */
import { DateTime } from "luxon";
import type { z } from "zod";
import type { CaseListItem, CaseView } from "./schemas.ts";

type ListItem = z.input<typeof CaseListItem>;
/** A case as the API shows it; the CLI does not show its messages. */
type View = Omit<z.input<typeof CaseView>, "messages" | "contact_problems">;

/** The zone a brand's times are shown in; Europe/Amsterdam for a brand we do not know. */
export type ZoneOf = (brand: string) => string;

/** "2026-12-03 09:15" in `zone`. */
export function localTime(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat("yyyy-MM-dd HH:mm");
}

/** "in 2 days", "in 5 h", "in 20 min", "3 h overdue", "4 days overdue". */
export function relativeDue(dueIso: string, now: Date): string {
  const ms = new Date(dueIso).getTime() - now.getTime();
  const abs = Math.abs(ms);
  const minutes = Math.floor(abs / 60_000);
  const hours = Math.floor(abs / 3_600_000);
  const days = Math.floor(abs / 86_400_000);
  const span =
    hours >= 48
      ? `${days} days`
      : hours >= 1
        ? `${hours} h`
        : minutes >= 1
          ? `${minutes} min`
          : "less than a minute";
  return ms >= 0 ? `in ${span}` : `${span} overdue`;
}

function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i === cells.length - 1 ? c : rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!),
      )
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The queue: a header row, one line per case, and what the times mean. */
export function queueText(
  items: readonly ListItem[],
  total: number,
  zoneOf: ZoneOf,
  now = new Date(),
): string {
  if (items.length === 0) return "no cases match\n";
  const rows = items.map((c) => [
    String(c.id),
    c.escalated ? `${c.state} (escalated)` : c.state,
    c.brand,
    c.customer ? cut(`${c.customer.name} (${c.customer.id})`, 36) : "-",
    c.category,
    String(c.event_count),
    localTime(c.opened_at, zoneOf(c.brand)),
    c.next_deadline
      ? `${relativeDue(c.next_deadline.due_at, now)} (${c.next_deadline.name.replaceAll("_", " ")})`
      : "-",
  ]);
  const lines = table(
    ["CASE", "STATE", "BRAND", "CUSTOMER", "CATEGORY", "EVENTS", "OPENED", "DUE"],
    rows,
    new Set([0, 5]),
  );
  const zones = [...new Set(items.map((c) => zoneOf(c.brand)))];
  lines.push(
    `${items.length} of ${total} case${total === 1 ? "" : "s"}; times in ${zones.length === 1 ? zones[0] : "each brand's zone"}`,
  );
  return `${lines.join("\n")}\n`;
}

/** The reasoning without the sentences that quote the clause (and the basis): they are shown once, above. */
function reasoningWithoutQuotes(p: NonNullable<View["proposal"]>): string {
  let text = p.reasoning;
  const quoted = [
    `Clause: ${p.clause.document}, ${p.clause.article}: "${p.clause.quote}"`,
    ...(p.basis ? [`Basis: ${p.basis.document}, ${p.basis.article}: "${p.basis.quote}"`] : []),
  ];
  for (const q of quoted) text = text.replace(q, "");
  return text.replace(/\s{2,}/g, " ").trim();
}

/** One case: what it is, its clocks, the proposal with its clause quoted once, and what happened. */
export function caseText(c: View, zone: string, now = new Date()): string {
  const at = (iso: string) => localTime(iso, zone);
  const out: string[] = [
    `Case ${c.id}: ${c.category} (${c.kind}) of ${c.customer ? `${c.customer.name} [${c.customer.id}]` : "no customer"}, brand ${c.brand}`,
    `State: ${c.state}${c.escalated ? " (escalated)" : ""}; ${c.event_count} event${c.event_count === 1 ? "" : "s"} about ${c.subject_count} subject${c.subject_count === 1 ? "" : "s"}: ${c.subjects.slice(0, 5).join(", ")}${c.subject_count > 5 ? ", …" : ""}`,
    `Opened ${at(c.opened_at)}${c.last_event_at ? `, last event ${at(c.last_event_at)}` : ""}${c.owner ? `; owner ${c.owner.email}` : ""} (times in ${zone})`,
  ];
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push("", title, ...lines);
  };
  section(
    "Deadlines",
    c.deadlines.map((d) => {
      const state = d.met_at ? `met ${at(d.met_at)}` : relativeDue(d.due_at, now);
      return `  ${d.name.replaceAll("_", " ")}: due ${at(d.due_at)} (${state}); ${d.source}`;
    }),
  );
  if (c.proposal) {
    const p = c.proposal;
    const lines = [`  ${p.clause.document}, ${p.clause.article}:`, `  "${p.clause.quote}"`];
    if (p.basis) lines.push(`  Basis: ${p.basis.document}, ${p.basis.article}: "${p.basis.quote}"`);
    const reasoning = reasoningWithoutQuotes(p);
    if (reasoning) lines.push(`  ${reasoning}`);
    section(
      `Proposed next step: ${p.step}${p.needs_approval ? " (needs a second person's approval)" : ""}`,
      lines,
    );
  } else {
    out.push("", `Proposed next step: none (${c.proposal_note ?? "the brand has no policy profile"})`);
  }
  section(
    "Actions",
    (c.actions ?? []).map(
      (a) =>
        `  ${at(a.created_at)}  ${a.step} (${a.state}) by ${a.actor}${a.approved_by ? `, approved by ${a.approved_by}` : ""}${a.reason ? `; reason: ${a.reason}` : ""}`,
    ),
  );
  section(
    "Notes",
    (c.notes ?? []).map(
      (n) => `  ${at(n.created_at)}  ${n.author ?? "?"} (${n.visibility}): ${cut(n.body, 200)}`,
    ),
  );
  const actorWidth = Math.min(24, Math.max(0, ...c.timeline.map((e) => (e.actor ?? "").length)));
  section(
    "Timeline",
    c.timeline.map((e) => `  ${at(e.at)}  ${(e.actor ?? "").padEnd(actorWidth)}  ${e.summary}`),
  );
  return `${out.join("\n")}\n`;
}
