/**
 * Grouping resolved events into cases. OWNED BY the cases work (issue 5); this placeholder opens none.
 */
import type { Logger } from "pino";
import type { DB } from "../db/index.ts";
import type { Pipeline } from "../pipeline.ts";
import type { PolicyProfile } from "../policy/schema.ts";

export function createCaseGrouper(
  _db: DB,
  _policies: ReadonlyMap<string, PolicyProfile>,
  _log: Logger,
): { group: Pipeline["group"] } {
  return { group: async () => [] };
}
