/**
 * Resolution against the stored inventory: keeps a ResolutionIndex per process and writes the outcome
 * onto events. OWNED BY the inventory/resolution work (issue 4); this placeholder leaves events pending.
 */
import type { Logger } from "pino";
import type { DB } from "../db/index.ts";
import type { Pipeline } from "../pipeline.ts";

export interface Resolver {
  resolve: Pipeline["resolve"];
  /** Stops listening for inventory changes. */
  close(): Promise<void>;
}

export async function createResolver(_db: DB, _log: Logger): Promise<Resolver> {
  return {
    resolve: async (_trx, events) =>
      events.map((e) => ({ ...e, customer_id: null, resolution: "pending" as const })),
    close: async () => {},
  };
}
