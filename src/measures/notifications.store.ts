/** The SQL of the supervisors' notification list (`case_notifications`). */

import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { type BrandScope, EVERY_BRAND, inBrandScope } from "../auth/scope.ts";
import type { CaseNotificationsTable, Database } from "../db/schema.ts";
import { pgText } from "../db/text.ts";

type Trx = Transaction<Database>;
type Db = Kysely<Database> | Trx;

export type NotificationRow = Selectable<CaseNotificationsTable> & {
  brand_id: string;
  customer_id: string | null;
  customer_name: string | null;
  case_state: string;
  case_kind: string;
};

const withCase = (db: Db) =>
  db
    .selectFrom("case_notifications as n")
    .innerJoin("cases as c", "c.id", "n.case_id")
    .leftJoin("customers as cu", "cu.id", "c.customer_id")
    .selectAll("n")
    .select([
      "c.brand_id",
      "c.customer_id",
      "cu.name as customer_name",
      "c.state as case_state",
      "c.kind as case_kind",
    ]);

export interface NotificationFilter {
  /** The reader's brands (src/auth/scope.ts); undefined: every brand. */
  scope?: BrandScope;
  /** open: not acknowledged yet; unread: nobody read it yet; all. */
  state: "open" | "unread" | "all";
  brand?: string;
  caseId?: number;
}

export async function listNotifications(
  db: Db,
  f: NotificationFilter,
  page: { limit: number; before?: number },
): Promise<{ rows: NotificationRow[]; total: number }> {
  const scope = inBrandScope(f.scope ?? EVERY_BRAND, "c.brand_id");
  let count = db
    .selectFrom("case_notifications as n")
    .innerJoin("cases as c", "c.id", "n.case_id")
    .where(scope);
  let q = withCase(db).where(scope);
  if (f.state === "open") {
    count = count.where("n.acknowledged_at", "is", null);
    q = q.where("n.acknowledged_at", "is", null);
  }
  if (f.state === "unread") {
    count = count.where("n.read_at", "is", null);
    q = q.where("n.read_at", "is", null);
  }
  if (f.brand) {
    count = count.where("c.brand_id", "=", f.brand);
    q = q.where("c.brand_id", "=", f.brand);
  }
  if (f.caseId !== undefined) {
    count = count.where("n.case_id", "=", f.caseId);
    q = q.where("n.case_id", "=", f.caseId);
  }
  if (page.before !== undefined) q = q.where("n.id", "<", page.before);
  const [n, rows] = await Promise.all([
    count.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    q
      .orderBy("n.id", "desc")
      .limit(page.limit + 1)
      .execute(),
  ]);
  return { rows: rows as NotificationRow[], total: Number(n.n) };
}

export async function loadNotification(db: Db, id: number): Promise<NotificationRow | undefined> {
  return (await withCase(db).where("n.id", "=", id).executeTakeFirst()) as NotificationRow | undefined;
}

export async function lockNotification(trx: Trx, id: number): Promise<NotificationRow | undefined> {
  const row = await sql<NotificationRow>`
    select n.*, c.brand_id, c.customer_id, cu.name as customer_name, c.state as case_state, c.kind as case_kind
    from case_notifications n join cases c on c.id = n.case_id left join customers cu on cu.id = c.customer_id
    where n.id = ${id} for update of n`.execute(trx);
  return row.rows[0];
}

export async function markDelivered(trx: Trx, id: number): Promise<void> {
  await trx.updateTable("case_notifications").set({ sent_at: new Date() }).where("id", "=", id).execute();
}

export async function markRead(trx: Trx, id: number, by: string): Promise<void> {
  await trx
    .updateTable("case_notifications")
    .set({ read_at: new Date(), read_by: pgText(by) })
    .where("id", "=", id)
    .where("read_at", "is", null)
    .execute();
}

export async function markAcknowledged(
  trx: Trx,
  id: number,
  by: { name: string; userId: number | null },
  note: string | null,
): Promise<void> {
  const now = new Date();
  await sql`update case_notifications set
      acknowledged_at = ${now.toISOString()}::timestamptz, acknowledged_by = ${pgText(by.name)},
      acknowledged_by_user = ${by.userId}, acknowledge_note = ${pgText(note)},
      read_at = coalesce(read_at, ${now.toISOString()}::timestamptz), read_by = coalesce(read_by, ${pgText(by.name)})
    where id = ${id}`.execute(trx);
}
