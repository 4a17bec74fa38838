import type { Category, Kind } from "../taxonomy.ts";
import type { SenderProfile } from "./profiles.ts";

/**
 * What the desk's configuration adds to parsing. Plain data (no RegExp objects), so that it can be handed to
 * a worker thread as it is.
 */
export interface ParseContext {
  /** Per-sender patterns for free-text layouts (ABUSEDESK_SENDER_PROFILES; see profiles.ts). */
  senderProfiles?: readonly SenderProfile[];
  /** More domains whose links are references, never subjects (ABUSEDESK_REFERENCE_DOMAINS). */
  referenceDomains?: readonly string[];
}

/** What the event is about: at least one field is set. */
export interface Subject {
  ip?: string;
  port?: number;
  url?: string;
  domain?: string;
  email?: string;
  /** E.164, e.g. +31201234567 */
  phone?: string;
}

export interface Reporter {
  name?: string;
  org?: string;
  email?: string;
}

/** One observation taken from a report: the output of every parser. */
export interface ParsedEvent {
  category: Category;
  kind: Kind;
  subject: Subject;
  /** When the abuse happened (UTC); null when the report does not say. */
  occurredAt: Date | null;
  /** Format-specific details worth keeping (feedback type, report type, ports, hashes, ...). JSON-safe. */
  details: Record<string, unknown>;
}

/** What a parser makes of one report. */
export interface ParseResult {
  /** The parser that understood it, e.g. "arf", "xarf-v4", "shadowserver". */
  format: string;
  reporter: Reporter;
  events: ParsedEvent[];
  /** What the report lacks to be complete (abuse policy §5, Extin NTD): e.g. "reporter_contact", "full_headers". */
  missing: string[];
  messageId?: string;
  /** Things the parser skipped or doubted (rejected rows, unknown fields); shown to a person, never silent. */
  warnings?: string[];
  /** The Date of the mail the report came in: an event without a time may take it (see times.ts). */
  sentAt?: Date | null;
  /**
   * Set when the report is understood and, by its nature, holds nothing to act on (a DMARC aggregate
   * report in which every source passed): it is parsed without events, not sent to triage, and this
   * sentence says why.
   */
  informational?: string;
}

/** A report that no parser understands, or that is broken: it goes to triage with this reason. */
export interface ParseFailure {
  format: null;
  reason: string;
}

export type ParseOutcome = ParseResult | ParseFailure;
