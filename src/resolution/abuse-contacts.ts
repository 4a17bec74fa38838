/**
 * Fills in the abuse contact of not-ours addresses in the background, so that RDAP never slows down
 * intake: `resolve` only marks such events (`abuse_contact_pending`) and nudges this filler, which looks
 * a moment later (after the intake transaction committed), and also every minute, for events any
 * process marked. Answers are cached per network; a failure is remembered for an hour and written onto
 * the events as `abuse_contact_error`, so nothing waits forever.
 */
import type { Logger } from "pino";
import type { DB } from "../db/index.ts";
import {
  addressesAwaitingContact,
  cachedNetwork,
  saveFailure,
  saveNetwork,
  writeContacts,
} from "./rdap.store.ts";
import { lookupIpNetwork, type RdapNetwork } from "./rdap.ts";

export interface AbuseContactOptions {
  baseUrl: string;
  timeoutMs?: number;
  /** How long an answer is trusted (default 7 days) and a failure remembered (default 1 hour). */
  ttlMs?: number;
  errorTtlMs?: number;
  /** Lookups at the same time (default 4): RDAP services rate-limit. */
  concurrency?: number;
  /** Delay after a nudge (default 1 s) and between background runs (default 60 s). */
  delayMs?: number;
  intervalMs?: number;
}

export interface AbuseContactFiller {
  schedule(): void;
  /** Looks up what is waiting now; answers the number of events given a contact (or an error). */
  runOnce(): Promise<number>;
  close(): Promise<void>;
}

const BATCH = 200;

function info(network: RdapNetwork | null, error: string | null): Record<string, unknown> {
  if (network === null) return { abuse_contact: null, abuse_contact_error: error ?? "no answer" };
  return {
    abuse_contact: network.abuseEmail,
    abuse_network: {
      handle: network.handle,
      name: network.name,
      range: `${network.first} - ${network.last}`,
    },
    ...(network.abuseEmail ? {} : { abuse_contact_error: "RDAP names no abuse contact for this network" }),
  };
}

export function createAbuseContactFiller(db: DB, log: Logger, opts: AbuseContactOptions): AbuseContactFiller {
  const ttl = opts.ttlMs ?? 7 * 86_400_000;
  const errorTtl = opts.errorTtlMs ?? 3_600_000;
  const concurrency = opts.concurrency ?? 4;
  let nudge: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let closed = false;

  const contactFor = async (ip: string) => {
    const cached = await cachedNetwork(db, ip);
    if (cached) return info(cached.network, cached.error);
    const answer = await lookupIpNetwork(opts.baseUrl, ip, { timeoutMs: opts.timeoutMs ?? 5_000 });
    if (answer.ok) {
      await saveNetwork(db, answer.network, new Date(Date.now() + ttl));
      return info(answer.network, null);
    }
    await saveFailure(db, ip, answer.error, new Date(Date.now() + errorTtl));
    log.info({ ip, error: answer.error }, "no abuse contact found");
    return info(null, answer.error);
  };

  const pass = async (): Promise<{ written: number; full: boolean }> => {
    const ips = await addressesAwaitingContact(db, BATCH);
    const contacts: Array<{ ip: string; info: Record<string, unknown> }> = [];
    let next = 0;
    const worker = async () => {
      while (next < ips.length && !closed) {
        const ip = ips[next++]!;
        contacts.push({ ip, info: await contactFor(ip) });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ips.length) }, worker));
    return { written: await writeContacts(db, contacts), full: ips.length === BATCH };
  };

  const runOnce = (): Promise<number> => {
    running ??= (async () => {
      let total = 0;
      for (let i = 0; i < 10 && !closed; i++) {
        const { written, full } = await pass();
        total += written;
        if (!full) break;
      }
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const background = () => {
    if (closed) return;
    runOnce().catch((err) => log.warn({ err }, "abuse contact lookups failed; retrying later"));
  };
  const interval = setInterval(background, opts.intervalMs ?? 60_000);
  interval.unref();

  return {
    schedule() {
      if (closed || nudge) return;
      nudge = setTimeout(() => {
        nudge = null;
        background();
      }, opts.delayMs ?? 1_000);
      nudge.unref();
    },
    runOnce,
    async close() {
      closed = true;
      clearInterval(interval);
      if (nudge) clearTimeout(nudge);
      await running?.catch(() => {});
    },
  };
}
