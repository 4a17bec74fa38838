import type { Kysely } from "kysely";

/** Placeholder until this part's tables are written; keep the name, fill `up`. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
