/**
 * The steps a report's events go through after they are stored, as one interface so that intake does not
 * need to know how resolution and grouping work:
 *
 *   intake (parse, store events) → resolve (customer at occurred_at) → group (cases, deadlines, proposal)
 *
 * Both steps run inside the transaction that stored the events, so a report is processed all or nothing,
 * and both must be idempotent: a report whose processing was cut short is processed again.
 */
import type { Transaction } from "kysely";
import type { Database } from "./db/schema.ts";
import type { Subject } from "./parsers/types.ts";
import type { Category, Kind } from "./taxonomy.ts";

/** An event as stored in the `events` table, before it is resolved. */
export interface StoredEvent {
  id: number;
  report_id: number;
  /** The brand the report was addressed to, if known (the resolved customer's brand wins). */
  brand_id: string | null;
  category: Category;
  kind: Kind;
  subject: Subject;
  occurred_at: Date | null;
  received_at: Date;
}

/** What resolution decided for one event (written onto the event row by `resolve`). */
export interface ResolvedEvent extends StoredEvent {
  customer_id: string | null;
  resolution: "matched" | "not_ours" | "pending";
}

export interface Pipeline {
  /** Sets customer_id, resolution, resolution_detail and brand_id on the events; returns them resolved. */
  resolve(trx: Transaction<Database>, events: StoredEvent[]): Promise<ResolvedEvent[]>;
  /** Opens or updates cases for the resolved events and sets their case_id; returns the case ids touched. */
  group(trx: Transaction<Database>, events: ResolvedEvent[]): Promise<number[]>;
}
