/**
 * The steps a report's events go through, as one interface so that intake does not need to know how
 * resolution and grouping work:
 *
 *   intake (parse) → resolve (customer at occurred_at) → group (cases, deadlines) → intake stores the events
 *
 * Both steps decide before the events are written, so that each event is stored once, complete, with
 * its customer and case (one insert, no update of a hundred thousand fresh rows). They run inside the
 * transaction that stores the events, so a report is processed all or nothing and can be processed again
 * after a crash. Events stored earlier (re-resolution after an inventory import) go through
 * `processStoredEvents`, which writes the outcome back onto them.
 */
import type { Transaction } from "kysely";
import type { Database } from "./db/schema.ts";
import { writeEventOutcomes } from "./events/event.store.ts";
import type { Subject } from "./parsers/types.ts";
import type { Category, Kind } from "./taxonomy.ts";

/** An event taken from a report, not yet resolved (and perhaps not yet stored). */
export interface PendingEvent {
  report_id: number;
  /** The brand the report was addressed to, if known (the resolved customer's brand wins). */
  brand_id: string | null;
  category: Category;
  kind: Kind;
  subject: Subject;
  occurred_at: Date | null;
  received_at: Date;
}

/** An event as stored in the `events` table. */
export interface StoredEvent extends PendingEvent {
  id: number;
}

/** What resolution decided for one event. */
export interface Resolved {
  customer_id: string | null;
  resolution: "matched" | "not_ours" | "pending";
  /** The snapshot stored as events.resolution_detail: later inventory changes do not rewrite it. */
  resolution_detail: Record<string, unknown>;
}

export type ResolvedEvent = PendingEvent & Resolved & { id?: number };

export interface Pipeline {
  /** Who held each event's subject at its time; sets brand_id to the customer's brand. Writes nothing. */
  resolve<E extends PendingEvent>(
    trx: Transaction<Database>,
    events: readonly E[],
  ): Promise<(E & Resolved)[]>;
  /**
   * Opens or updates cases for the resolved events (those matched to a customer) and answers each
   * event's case id, in order (null: no case). Writes cases, not events.
   */
  group(trx: Transaction<Database>, events: readonly ResolvedEvent[]): Promise<(number | null)[]>;
}

/** Resolves and groups events that are stored already, and writes the outcome onto them. */
export async function processStoredEvents(
  trx: Transaction<Database>,
  pipeline: Pipeline,
  events: readonly StoredEvent[],
): Promise<{ resolved: (StoredEvent & Resolved)[]; caseIds: (number | null)[] }> {
  const resolved = await pipeline.resolve(trx, events);
  const caseIds = await pipeline.group(trx, resolved);
  await writeEventOutcomes(trx, resolved, caseIds);
  return { resolved, caseIds };
}
