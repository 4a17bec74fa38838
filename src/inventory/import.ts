/**
 * An inventory import as a user asks for it: the file in one transaction, then, after it committed,
 * the not-ours events the new resources may cover are resolved again (bounded; the rest with
 * `abusedesk inventory reresolve`). Events already matched keep their snapshot.
 */
import type { Logger } from "pino";
import type { Actor } from "../auth/auth.store.ts";
import type { DB } from "../db/index.ts";
import type { Result } from "../errors.ts";
import type { Pipeline } from "../pipeline.ts";
import type { ReresolveOutcome, Resolver } from "../resolution/resolver.ts";
import {
  type ImportCounts,
  type ImportOptions,
  type ImportRefusal,
  importInventory,
} from "./inventory.store.ts";

export interface ImportReport extends Omit<ImportCounts, "added_ids"> {
  /** Done at once (the command line): what it found. */
  reresolved: ReresolveOutcome | null;
  /** Queued (the API): the job that does it. */
  job: string | null;
}

export interface ImportContext {
  db: DB;
  log: Logger;
  resolver: Resolver;
  /** Puts newly matched events into cases (the pipeline's `group`). */
  group?: Pipeline["group"] | undefined;
  /**
   * Queues the re-resolution instead of doing it now (the API: a request does not examine 100,000 events);
   * answers the job's id.
   */
  queue?: (resourceIds: readonly number[]) => Promise<string>;
}

/** At most this many events are re-resolved at the end of an import. */
export const IMPORT_RERESOLVE_LIMIT = 100_000;

export async function importInventoryFile(
  ctx: ImportContext,
  actor: Actor,
  text: string | Uint8Array,
  opts: ImportOptions,
): Promise<Result<ImportReport, ImportRefusal>> {
  const result = await importInventory(ctx.db, actor, text, opts);
  if (!result.ok) return result;
  const { added_ids, ...counts } = result.value;
  let reresolved: ReresolveOutcome | null = null;
  if (added_ids.length > 0 && ctx.queue) {
    // Stored is stored: the import stands even if queueing fails; `abusedesk inventory reresolve` repeats it.
    try {
      return { ok: true, value: { ...counts, reresolved: null, job: await ctx.queue(added_ids) } };
    } catch (err) {
      ctx.log.error(
        { err },
        "queueing the re-resolution after the import failed; run `abusedesk inventory reresolve`",
      );
      return { ok: true, value: { ...counts, reresolved: null, job: null } };
    }
  }
  if (added_ids.length > 0) {
    try {
      reresolved = await ctx.resolver.reresolve(ctx.db, {
        resourceIds: added_ids,
        limit: IMPORT_RERESOLVE_LIMIT,
        group: ctx.group,
      });
    } catch (err) {
      // the import stands; re-resolution can be repeated
      ctx.log.error({ err }, "re-resolution after the import failed; run `abusedesk inventory reresolve`");
    }
  }
  return { ok: true, value: { ...counts, reresolved, job: null } };
}

/** The counts as one line per figure, for the command line. */
export function describeImport(r: ImportReport): string {
  const lines = [
    `inventory ${r.sync ? `synced for ${r.brand}` : "imported"}: ${r.rows} row(s)`,
    `customers: ${r.customers_created} created, ${r.customers_updated} updated, ${r.customers_unchanged} unchanged`,
    `resources: ${r.resources_added} added, ${r.resources_closed} closed, ${r.resources_changed} changed, ${r.resources_unchanged} unchanged`,
  ];
  if (r.changes) {
    lines[0] = `preview (nothing stored): ${lines[0]}`;
    // Moments as stored (UTC): a file's 2025-01-01 in Amsterdam is 2024-12-31T23:00Z.
    const at = (iso: string | null | undefined) => (iso ? iso.replace(/\.000Z$/, "Z") : "open");
    for (const c of r.changes)
      lines.push(
        `  ${c.change.padEnd(10)} ${c.customer_id} ${c.kind} ${c.value} ${at(c.valid_from)} .. ${c.was_valid_to !== undefined ? `${at(c.was_valid_to)} -> ` : ""}${at(c.valid_to)}`,
      );
  }
  if (r.reresolved) {
    lines.push(
      `events re-resolved: ${r.reresolved.matched} of ${r.reresolved.examined} examined now matched` +
        (r.reresolved.more ? " (more remain: run `abusedesk inventory reresolve`)" : ""),
    );
  }
  return `${lines.join("\n")}\n`;
}
