/** Reading actions and notifications for the API: filtered, newest first, with a keyset cursor. */
import { auditTrail } from "../audit.ts";
import { type BrandScope, brandInScope, EVERY_BRAND } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import { fail, ok, type Result } from "../errors.ts";
import { decodeCursor, encodeCursor } from "../events/cursor.ts";
import { type ActionFilter, callsOf, listActions, loadAction } from "./actions.store.ts";
import { listNotifications, loadNotification, type NotificationFilter } from "./notifications.store.ts";
import { presentAction, presentNotification } from "./present.ts";

const badCursor = () =>
  fail(400, "the cursor is not valid; use the next_cursor of the previous page as it is");

export async function actionList(
  db: DB,
  filter: ActionFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<Result<{ items: ReturnType<typeof presentAction>[]; next_cursor: string | null; total: number }>> {
  const before = decodeCursor(page.cursor);
  if (before === "invalid") return badCursor();
  const { rows, total, calls } = await listActions(db, filter, {
    limit: page.limit,
    ...(before !== undefined ? { before } : {}),
  });
  const items = rows.slice(0, page.limit);
  return ok({
    items: items.map((a) => presentAction(a, calls)),
    next_cursor: rows.length > page.limit ? encodeCursor(items.at(-1)?.id) : null,
    total,
  });
}

/** One action with its calls and its history (the audit entries about it). */
export async function actionDetail(
  db: DB,
  id: number,
  scope: BrandScope = EVERY_BRAND,
): Promise<Result<ReturnType<typeof presentAction>>> {
  const a = await loadAction(db, id, scope);
  if (!a) return fail(404, `there is no action ${id}`);
  const { call, undo } = await callsOf(db, id);
  const history = (await auditTrail(db, "case", a.case_id)).filter(
    (e) => (e.details as { action?: unknown } | null)?.action === id,
  );
  return ok(
    presentAction(
      a,
      [call, undo].filter((c) => c !== undefined),
      history,
    ),
  );
}

export async function notificationList(
  db: DB,
  filter: NotificationFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<
  Result<{ items: ReturnType<typeof presentNotification>[]; next_cursor: string | null; total: number }>
> {
  const before = decodeCursor(page.cursor);
  if (before === "invalid") return badCursor();
  const { rows, total } = await listNotifications(db, filter, {
    limit: page.limit,
    ...(before !== undefined ? { before } : {}),
  });
  const items = rows.slice(0, page.limit);
  return ok({
    items: items.map(presentNotification),
    next_cursor: rows.length > page.limit ? encodeCursor(items.at(-1)?.id) : null,
    total,
  });
}

export async function notificationDetail(db: DB, id: number, scope: BrandScope = EVERY_BRAND) {
  const n = await loadNotification(db, id);
  if (n && !brandInScope(scope, n.brand_id)) return fail(404, `there is no notification ${id}`);
  return n ? ok(presentNotification(n)) : fail(404, `there is no notification ${id}`);
}
