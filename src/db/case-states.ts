/**
 * The states of a case, and which of them are finished, in one place for the code and the migrations: a
 * finished case takes no new events (the `cases_one_open` index), its clocks stop, and it leaves the queue.
 */
import { sql } from "kysely";

export const CASE_STATES = [
  "new",
  "waiting_customer",
  "waiting_reporter",
  "in_review",
  "measures",
  "resolved",
  "rejected",
  "closed",
] as const;

export type CaseState = (typeof CASE_STATES)[number];

/** States in which a case is finished: new events open a new case. */
export const FINISHED_CASE_STATES = [
  "resolved",
  "rejected",
  "closed",
] as const satisfies readonly CaseState[];

const list = (states: readonly string[]) => `(${states.map((s) => `'${s}'`).join(", ")})`;

/** `('resolved', 'rejected', 'closed')` for SQL: `where state not in ${FINISHED_STATES_SQL}`. */
export const FINISHED_STATES_SQL = sql.raw(list(FINISHED_CASE_STATES));

/** Every state, for the table's check constraint. */
export const CASE_STATES_SQL = sql.raw(list(CASE_STATES));
