/**
 * `abusedesk_unknown_labels_total{format, sender, label}`: events whose sender's label no map and no rule
 * knows, so that the operator sees what to map. Senders and labels come from strangers, so the number of
 * series is bounded: after MAX_LABEL_SERIES distinct (format, sender, label) series, further ones are
 * counted under sender="(other)", label="(other)".
 */
import client from "prom-client";

/** Distinct series one process keeps before it folds new ones into "(other)". */
export const MAX_LABEL_SERIES = 500;

/** Longest sender or label value in a series (longer ones are cut). */
export const MAX_LABEL_VALUE = 64;

const OVERFLOW = "(other)";

/** A label value a dashboard can show: printable, bounded. */
function labelValue(s: string | undefined, fallback: string): string {
  const v = (s ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9._@/:+-]+/g, "_")
    .slice(0, MAX_LABEL_VALUE);
  return v || fallback;
}

export class UnknownLabelMetric {
  private readonly counter: client.Counter<"format" | "sender" | "label">;
  private readonly seen = new Set<string>();

  constructor(
    registry: client.Registry,
    private readonly maxSeries = MAX_LABEL_SERIES,
  ) {
    this.counter = new client.Counter({
      name: "abusedesk_unknown_labels_total",
      help: "Events whose sender's label (report type, feedback type, ...) no map or mapping rule knows: category other, case needs classification",
      labelNames: ["format", "sender", "label"] as const,
      registers: [registry],
    });
  }

  count(format: string, sender: string | undefined, label: string, events: number): void {
    let labels = {
      format: labelValue(format, "unknown"),
      sender: labelValue(sender, "unknown"),
      label: labelValue(label, "unknown"),
    };
    const key = `${labels.format}\u0000${labels.sender}\u0000${labels.label}`;
    if (!this.seen.has(key)) {
      if (this.seen.size >= this.maxSeries)
        labels = { format: labels.format, sender: OVERFLOW, label: OVERFLOW };
      else this.seen.add(key);
    }
    this.counter.inc(labels, events);
  }
}

const metrics = new WeakMap<client.Registry, UnknownLabelMetric>();

/** The metric of a registry, made once (a desk has one registry; tests make many). */
export function unknownLabelMetric(registry: client.Registry): UnknownLabelMetric {
  let m = metrics.get(registry);
  if (!m) {
    m = new UnknownLabelMetric(registry);
    metrics.set(registry, m);
  }
  return m;
}
