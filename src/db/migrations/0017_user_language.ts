import { type Kysely, sql } from "kysely";

/** The console's language of each person (null: their browser's, until they choose). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column language text check (language in ('nl', 'en'))`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
