/**
 * How long personal data is kept (SPEC C16), per kind and per brand: pure. The operator writes
 * `ABUSEDESK_RETENTION` (or `--retention`) as a comma-separated list of `kind=days` for every brand and
 * `brand.kind=days` for one, e.g. `raw_reports=180,messages=730,x2com-be.raw_reports=90`. What is not
 * written keeps the default below. The purge (purge.ts) applies it.
 */

/** The kinds of personal data the purge takes, and what it does to each. */
export const RETENTION_KINDS = ["raw_reports", "messages", "reporters", "events"] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/**
 * Defaults, in days: the raw mail of a report (with the reporter's and third parties' addresses) half a
 * year after receipt; the text of messages exchanged two years after; a reporter's name and address two
 * years after their last report; events (the abuse itself: addresses, times, the customer behind them)
 * two years after receipt, which covers every profile's look-back for repeat offenders. Events go by
 * whole months (src/db/partitions.ts), so an event stays until the end of the month in which its term
 * runs out. The audit log (which holds digests, not personal data) is kept.
 */
export const DEFAULT_RETENTION_DAYS: Readonly<Record<RetentionKind, number>> = {
  raw_reports: 180,
  messages: 730,
  reporters: 730,
  events: 730,
};

/** The shortest and longest term one may set. */
export const MIN_RETENTION_DAYS = 7;
export const MAX_RETENTION_DAYS = 3650;
/** Most entries one setting may hold. */
export const MAX_RETENTION_ENTRIES = 200;

export interface Retention {
  /** The term of a kind for a brand (the brand's own, else every brand's). */
  days(kind: RetentionKind, brand: string | null): number;
  /** Brands with a term of their own for the kind. */
  brandsWithOwn(kind: RetentionKind): string[];
}

export function parseRetention(
  text: string | undefined,
): { ok: true; value: Retention } | { ok: false; error: string } {
  const all = new Map<RetentionKind, number>();
  const own = new Map<string, Map<RetentionKind, number>>();
  const entries = (text ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length > MAX_RETENTION_ENTRIES)
    return { ok: false, error: `ABUSEDESK_RETENTION has more than ${MAX_RETENTION_ENTRIES} entries` };
  for (const entry of entries) {
    const m = /^(?:([a-z0-9-]{1,63})\.)?([a-z_]+)=(\d{1,5})$/.exec(entry);
    if (!m)
      return {
        ok: false,
        error: `ABUSEDESK_RETENTION: "${entry.slice(0, 80)}" is not kind=days or brand.kind=days (for example raw_reports=180)`,
      };
    const [, brand, kind, daysText] = m;
    if (!(RETENTION_KINDS as readonly string[]).includes(kind!))
      return {
        ok: false,
        error: `ABUSEDESK_RETENTION: "${kind}" is not a kind of data; use ${RETENTION_KINDS.join(", ")}`,
      };
    const days = Number(daysText);
    if (days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS)
      return {
        ok: false,
        error: `ABUSEDESK_RETENTION: ${entry} is outside ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS} days`,
      };
    if (brand) {
      const map = own.get(brand) ?? new Map<RetentionKind, number>();
      map.set(kind as RetentionKind, days);
      own.set(brand, map);
    } else all.set(kind as RetentionKind, days);
  }
  return {
    ok: true,
    value: {
      days: (kind, brand) =>
        (brand ? own.get(brand)?.get(kind) : undefined) ?? all.get(kind) ?? DEFAULT_RETENTION_DAYS[kind],
      brandsWithOwn: (kind) => [...own.entries()].filter(([, m]) => m.has(kind)).map(([b]) => b),
    },
  };
}

/** The terms of a setting that config.ts has already checked. */
export function retentionOf(text: string | undefined): Retention {
  const r = parseRetention(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
