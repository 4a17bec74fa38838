/** The intake's classification step (called by src/intake/process.ts between parsing and storing). */
import type { Transaction } from "kysely";
import type { Registry } from "prom-client";
import type { Database } from "../db/schema.ts";
import type { ParseResult } from "../parsers/types.ts";
import { rulesForFormat } from "./classification.store.ts";
import { applyMappingRules, senderDomainOf, unknownLabelOf } from "./mappings.ts";
import { unknownLabelMetric } from "./metrics.ts";

/**
 * The intake's step between parsing and storing: mapping rules give unknown labels their category, and
 * what no rule covers is counted per sender in /metrics. Changes `parsed.events` in place.
 */
export async function classifyParsed(
  trx: Transaction<Database>,
  metrics: Registry,
  parsed: ParseResult,
): Promise<void> {
  if (!parsed.events.some((e) => unknownLabelOf(e) !== undefined)) return;
  const sender = senderDomainOf(parsed.reporter);
  const rules = await rulesForFormat(trx, parsed.format);
  const unmapped = applyMappingRules(parsed.events, parsed.format, sender, rules);
  const metric = unknownLabelMetric(metrics);
  for (const [label, n] of unmapped) metric.count(parsed.format, sender ?? parsed.reporter.org, label, n);
}
