/**
 * Mapping rules (pure): an administrator teaches the desk a sender's label ("population_bgp" from
 * Shadowserver, "connection/teleportation" from an X-ARF sender) without a deploy. A rule maps a label of
 * one format (or of every format, `*`), from one sender's domain or from any sender, to one of our
 * categories. Rules apply to events that came out of parsing as `other` with their label kept
 * (`details.source_category`); a more specific rule wins.
 */
import type { ParsedEvent, Reporter } from "../parsers/types.ts";
import { CATEGORIES, type Category, SOURCE_CATEGORY } from "../taxonomy.ts";

export interface MappingRule {
  id: number;
  /** The parser's format (shadowserver, xarf-v4, xarf-0.2, xarf-v3, arf, abusehub-csv, iodef, ...), or `*`. */
  format: string;
  /** The sender's label, lower case. */
  label: string;
  /** The reporter's e-mail domain the rule is limited to; null for every sender. */
  sender: string | null;
  category: Category;
}

/** Longest label a rule or a metric keeps: labels come from strangers. */
export const MAX_LABEL_LENGTH = 200;

/** The form labels are compared in: trimmed, lower case, one line, bounded. */
export function normalizeLabel(label: string): string {
  return label
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .trim()
    .toLowerCase()
    .slice(0, MAX_LABEL_LENGTH);
}

/** The reporter's e-mail domain, lower case (what a rule's `sender` is compared with). */
export function senderDomainOf(reporter: Reporter): string | undefined {
  const domain = reporter.email?.split("@")[1]?.trim().toLowerCase();
  return domain && /^[a-z0-9.-]{1,253}$/.test(domain) ? domain : undefined;
}

/** The label of an event that parsing could not classify, or undefined. */
export function unknownLabelOf(e: ParsedEvent): string | undefined {
  if (e.category !== "other") return undefined;
  const label = e.details[SOURCE_CATEGORY];
  return typeof label === "string" && label.trim() ? normalizeLabel(label) : undefined;
}

/** The rule for one label: this format and sender, this format, any format and this sender, any format. */
export function ruleFor(
  rules: readonly MappingRule[],
  format: string,
  sender: string | undefined,
  label: string,
): MappingRule | undefined {
  const candidates = rules.filter(
    (r) =>
      r.label === label && (r.format === format || r.format === "*") && (!r.sender || r.sender === sender),
  );
  const rank = (r: MappingRule) => (r.format === format ? 2 : 0) + (r.sender ? 1 : 0);
  return candidates.sort((a, b) => rank(b) - rank(a) || a.id - b.id)[0];
}

/**
 * Applies the rules to a report's events, in place: a covered event takes the rule's category (and its
 * kind) and says which rule did it (`details.mapped_by`). Answers the labels no rule covers, with how many
 * events carry each.
 */
export function applyMappingRules(
  events: ParsedEvent[],
  format: string,
  sender: string | undefined,
  rules: readonly MappingRule[],
): Map<string, number> {
  const unmapped = new Map<string, number>();
  const decided = new Map<string, MappingRule | null>();
  for (const e of events) {
    const label = unknownLabelOf(e);
    if (!label) continue;
    let rule = decided.get(label);
    if (rule === undefined) {
      rule = ruleFor(rules, format, sender, label) ?? null;
      decided.set(label, rule);
    }
    if (!rule) {
      unmapped.set(label, (unmapped.get(label) ?? 0) + 1);
      continue;
    }
    e.category = rule.category;
    e.kind = CATEGORIES[rule.category].kind;
    e.details.mapped_by = rule.id;
  }
  return unmapped;
}
