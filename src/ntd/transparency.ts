/**
 * The transparency figures of a period (DSA art. 15(1)(a), (b), (d) and art. 24(1)(b)), pure: from the
 * counts the store reads to the report the API answers. Medians are in hours, over the whole period.
 */
import type { transparencyRows } from "./notices.store.ts";

type Rows = Awaited<ReturnType<typeof transparencyRows>>;

const hours = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : Math.round((Number(seconds) / 3600) * 100) / 100;

/** Adds `n` under `key` in a map made for input-derived keys. */
function tally(into: Record<string, number>, key: string | null | undefined, n: number) {
  const k = key ?? "none";
  into[k] = (into[k] ?? 0) + n;
}

const counter = (): Record<string, number> => Object.create(null) as Record<string, number>;

export function transparencyReport(rows: Rows, from: Date, to: Date) {
  const notices = { total: 0, by_category: counter(), by_source: counter(), by_channel: counter() };
  for (const r of rows.notices) {
    notices.total += r.n;
    tally(notices.by_category, r.category, r.n);
    tally(notices.by_source, r.trusted ? "trusted_flagger" : "other", r.n);
    tally(notices.by_channel, r.channel, r.n);
  }
  const decisions = { total: 0, by_decision: counter(), by_basis: counter() };
  for (const r of rows.decisions) {
    decisions.total += r.n;
    tally(decisions.by_decision, r.decision, r.n);
    tally(decisions.by_basis, r.basis, r.n);
  }
  const measures = { total: 0, by_kind: counter(), by_ground: counter(), by_source: counter() };
  for (const r of rows.measures) {
    measures.total += r.n;
    tally(measures.by_kind, r.step, r.n);
    tally(measures.by_ground, r.ground, r.n);
    tally(measures.by_source, r.source, r.n);
  }
  const complaints = { total: 0, by_complainant: counter(), by_outcome: counter(), reversed: 0 };
  for (const r of rows.complaints) {
    complaints.total += r.n;
    tally(complaints.by_complainant, r.complainant, r.n);
    tally(complaints.by_outcome, r.outcome ?? "open", r.n);
    if (r.outcome === "reversed") complaints.reversed += r.n;
  }
  const orders = { total: 0, by_authority: counter(), by_category: counter() };
  for (const r of rows.orders) {
    orders.total += r.n;
    tally(orders.by_authority, r.authority, r.n);
    tally(orders.by_category, r.category, r.n);
  }
  return {
    period: { from: from.toISOString(), to: to.toISOString() },
    notices,
    decisions: { ...decisions, median_hours_notice_to_decision: hours(rows.medians.decision) },
    measures: { ...measures, median_hours_notice_to_action: hours(rows.medians.action) },
    // Every decision on a notice and every complaint is taken by a person; measures a connector carries
    // out are still decided by one (art. 15(1)(b), (e)).
    automated: { decisions: 0, complaints: 0 },
    complaints: { ...complaints, median_hours_to_decision: hours(rows.medians.complaint) },
    orders: { ...orders, median_hours_to_execution: hours(rows.medians.order) },
    misuse: { notifier_suspensions: rows.suspensions },
    threats_to_life: rows.threats,
  };
}
