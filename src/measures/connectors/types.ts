/** What every connector is given and answers. */
import type { Logger } from "pino";
import type { DB } from "../../db/index.ts";
import type { CallPayload } from "../payload.ts";

export interface CallRequest {
  /** The idempotency key, the same on every attempt. */
  key: string;
  /** The JSON the call sends, byte for byte the same on every attempt. */
  body: string;
  payload: CallPayload;
  /** 1 for the first attempt. */
  attempt: number;
}

export type CallOutcome =
  | { ok: true; status?: number; answer: string }
  /** `retry: false` when trying again cannot help (nothing to block, a connector that is gone). */
  | { ok: false; retry: boolean; status?: number; error: string; answer?: string };

/** The file connectors keep their entries in the database, so that every worker writes the same file. */
export interface ConnectorContext {
  db: DB;
  log: Logger;
}
