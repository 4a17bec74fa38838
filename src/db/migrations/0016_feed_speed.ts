import { type Kysely, sql } from "kysely";

/**
 * Room in each page of case_subjects and cases, so that a feed's repeated subjects (counts and times, none
 * of them indexed) and the cases' counters are updated in place (HOT) instead of new index entries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table case_subjects set (fillfactor = 70);
alter table cases set (fillfactor = 80);
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
