/**
 * Bulk actions on a filtered list of cases: close, assign, change state. Each case is changed in its own
 * transaction with its own audit entry, exactly as one at a time; a case that cannot be changed is
 * reported with the reason and the rest go on.
 */
import type { Actor } from "../auth/auth.store.ts";
import type { DB } from "../db/index.ts";
import type { CaseState } from "../db/schema.ts";
import { fail, ok, type Result } from "../errors.ts";
import { type CaseFilter, matchingCaseIds } from "./cases.store.ts";
import { assignCase, transitionCase } from "./commands.ts";

export const BULK_LIMIT = 5000;

export type BulkCommand =
  | { action: "close"; reason: string }
  | { action: "transition"; to: CaseState; reason?: string | undefined }
  | { action: "assign"; owner: number | string | null; reason?: string | undefined };

export interface BulkOutcome {
  matched: number;
  changed: number[];
  failed: { id: number; message: string }[];
}

export async function bulkChange(
  db: DB,
  actor: Actor,
  target: { ids?: number[] | undefined; filter?: CaseFilter | undefined },
  command: BulkCommand,
): Promise<Result<BulkOutcome>> {
  if (!target.ids && !target.filter)
    return fail(
      422,
      'say which cases: give "ids" or a "filter" (e.g. { "brand": "extin", "state": ["new"] })',
    );
  let ids = target.ids ? [...new Set(target.ids)] : [];
  if (target.filter) {
    const matching = await matchingCaseIds(db, target.filter, BULK_LIMIT + 1);
    ids = target.ids ? ids.filter((id) => matching.includes(id)) : matching;
  }
  if (ids.length > BULK_LIMIT)
    return fail(
      422,
      `the filter matches more than ${BULK_LIMIT} cases; narrow it down (e.g. by brand or category)`,
    );
  const out: BulkOutcome = { matched: ids.length, changed: [], failed: [] };
  for (const id of ids) {
    const result =
      command.action === "assign"
        ? await assignCase(db, actor, id, { owner: command.owner, reason: command.reason })
        : await transitionCase(db, actor, id, {
            to: command.action === "close" ? "closed" : command.to,
            reason: command.reason,
          });
    if (result.ok) out.changed.push(id);
    else out.failed.push({ id, message: result.error.message });
  }
  return ok(out);
}
