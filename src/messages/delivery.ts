/**
 * The sender (worker role): composes what was decided but not yet written (in a transaction of its own, so
 * that the text never changes), then takes a batch of due messages and sends them through the relay,
 * holding their rows' locks while it does. A process killed mid-send releases the locks at once and the
 * next sender sends the same messages again, with the same Message-IDs, so a reader sees each once.
 * Several senders in several processes never send one message at the same time (SKIP LOCKED).
 *
 * Why not a pg-boss job per message: a job taken by a process that died comes back only when it expires
 * (minutes), while a row lock is released the moment the connection drops; and the decisions that write
 * messages run in transactions that have no queue client at hand. The outbox table is the queue; this loop
 * polls it (an indexed look at a partial index) and is woken at once by messages written in this process.
 */

import { sql } from "kysely";
import type { Logger } from "pino";
import { type AuditEntry, appendAuditBatch } from "../audit.ts";
import { refreshNextDue } from "../cases/grouping.store.ts";
import type { DB } from "../db/index.ts";
import { maskLinks } from "../portal/links.ts";
import { acknowledgeNext } from "./acknowledge.ts";
import {
  type DueMessage,
  lockDueBatch,
  lockUncomposed,
  type MessageRow,
  meetDeadlines,
  writeOutcomes,
} from "./messages.store.ts";
import { ComposeCache, composeMessage, MESSAGES_ACTOR, type MessageDeps } from "./outbox.ts";
import { MAX_SEND_ATTEMPTS, nextAttemptAfter, type Relay } from "./relay.ts";

/** How often an idle sender looks for due messages (messages written in this process wake it at once). */
export const POLL_MS = 1_000;
/** How often the acknowledgement sweep looks for reports processed since (an indexed look at a few rows). */
export const ACK_POLL_MS = 250;
/** Messages one sender composes, or sends, per transaction. A kill -9 while sending repeats at most these. */
export const BATCH = 8;

export type DeliveryResult = "none" | "sent" | "held" | "retry" | "failed";

/**
 * Composes messages that were decided but not yet written (a step's notice), in a transaction of its own:
 * what is sent, and sent again after a crash, is always the text composed here. Without a relay they are
 * held. Answers how many it composed or failed.
 */
export async function composeDue(db: DB, deps: MessageDeps, limit = BATCH): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await lockUncomposed(trx, limit);
    if (rows.length === 0) return 0;
    const cache = new ComposeCache(trx);
    cache.prefetchActions(
      rows
        .map((r) => (r.context as { action_id?: unknown } | null)?.action_id)
        .filter((a): a is number => typeof a === "number"),
    );
    const composed: number[] = [];
    for (const row of rows)
      if ((await composeMessage(trx, deps, row, cache)) === "composed") composed.push(row.id);
    await cache.flush();
    if (!deps.relayConfigured && composed.length > 0)
      await trx.updateTable("messages").set({ state: "held" }).where("id", "in", composed).execute();
    return rows.length;
  });
}

/**
 * Sends a batch of composed, due messages through the relay, holding their rows' locks while it does, and
 * records every outcome at once. Answers what happened to each.
 */
export async function sendDue(db: DB, relay: Relay | null, limit = BATCH): Promise<DeliveryResult[]> {
  return db.transaction().execute(async (trx) => {
    // Whether "sent" survives a crash of the database server itself does not matter: a message not marked
    // sent goes again with the same Message-ID, as after a killed process. Not waiting for the disk here
    // keeps a burst of messages fast.
    await sql`set local synchronous_commit = off`.execute(trx);
    const rows = await lockDueBatch(trx, limit);
    if (rows.length === 0) return [];
    const outcomes: Parameters<typeof writeOutcomes>[1][number][] = [];
    const audit: AuditEntry[] = [];
    const met: { caseIds: number[]; names: string[] }[] = [];
    const results: DeliveryResult[] = [];
    const entry = (row: DueMessage, action: string, details: Record<string, unknown>) =>
      audit.push({
        actor: MESSAGES_ACTOR,
        action,
        subjectType: row.case_id ? "case" : "message",
        subjectId: row.case_id ?? row.id,
        details: { message: row.id, ...details },
      });
    const sending = rows.map(async (row) => {
      const keep = { id: row.id, response: null, body: null, nextAttemptAt: row.next_attempt_at };
      if (row.party === "customer" && row.case_gag) {
        // An order may have gagged the case since the message was decided.
        const error = "gag: an authority's order forbids telling the customer";
        outcomes.push({ ...keep, state: "failed", failure: "withheld", error, attempts: row.attempts });
        entry(row, "message.withheld", { party: row.party, template: row.template, reason: "gag" });
        return "failed" as const;
      }
      if (!relay) {
        outcomes.push({
          ...keep,
          state: "held",
          failure: null,
          error: row.last_error,
          attempts: row.attempts,
        });
        return "held" as const;
      }
      const attempts = row.attempts + 1;
      const outcome = await relay.send({
        from: { name: `${row.brand_name ?? "Abuse"} abuse desk`, address: row.from_address ?? "" },
        to: row.to_addresses,
        subject: row.subject ?? "",
        text: row.body ?? "",
        messageId: row.message_id,
        inReplyTo: row.in_reply_to,
        references: row.refs,
        automatic: row.actor === MESSAGES_ACTOR,
        envelopeId: `abusedesk-m${row.id}`,
      });
      if (outcome.kind === "sent") {
        outcomes.push({
          ...keep,
          state: "sent",
          failure: null,
          response: outcome.response,
          attempts,
          error: outcome.rejected.length ? `refused by the relay for: ${outcome.rejected.join(", ")}` : null,
          // The token of a portal link lives only until the message is out.
          body: row.body && /\/portal\/t\//.test(row.body) ? maskLinks(row.body) : null,
        });
        const caseIds = casesMet(row);
        if (row.meets.length > 0 && caseIds.length > 0) met.push({ caseIds, names: row.meets });
        entry(row, "message.sent", {
          party: row.party,
          template: row.template,
          to: row.to_addresses,
          meets: row.meets,
        });
        return "sent" as const;
      }
      if (outcome.kind === "refused" || attempts >= MAX_SEND_ATTEMPTS) {
        const failure = outcome.kind === "refused" ? "refused" : "gave_up";
        outcomes.push({ ...keep, state: "failed", failure, error: outcome.message, attempts });
        entry(row, "message.failed", {
          party: row.party,
          to: row.to_addresses,
          reason: outcome.message,
          failure,
        });
        return "failed" as const;
      }
      outcomes.push({
        ...keep,
        state: "queued",
        failure: null,
        error: outcome.message,
        attempts,
        nextAttemptAt: nextAttemptAfter(attempts, new Date()),
      });
      return "retry" as const;
    });
    results.push(...(await Promise.all(sending)));
    await writeOutcomes(trx, outcomes);
    for (const m of met) await meetDeadlines(trx, m.caseIds, m.names);
    const touched = [...new Set(met.flatMap((m) => m.caseIds))];
    if (touched.length > 0) await refreshNextDue(trx, touched);
    await appendAuditBatch(trx, audit);
    return results;
  });
}

/** The cases whose clocks a message meets: its own, and the other cases of the report it acknowledges. */
function casesMet(row: Pick<MessageRow, "case_id" | "context">): number[] {
  const ids = new Set<number>();
  if (row.case_id) ids.add(row.case_id);
  const more = (row.context as { case_ids?: unknown } | null)?.case_ids;
  if (Array.isArray(more)) for (const c of more.slice(0, 100)) if (typeof c === "number") ids.add(c);
  return [...ids];
}

/** One round of a sender: compose what waits for it, then send what is due. "none" when both were idle. */
export async function deliverNext(
  db: DB,
  deps: MessageDeps,
  relay: Relay | null,
): Promise<DeliveryResult[] | "none"> {
  const composed = await composeDue(db, deps);
  // Without a relay there is nothing to send: composeDue holds what it composes. A message someone
  // released to be sent (`abusedesk outbox send --relay`) is left to them, not held again.
  const sent = relay ? await sendDue(db, relay) : [];
  return composed === 0 && sent.length === 0 ? "none" : sent;
}

/** Sends until nothing is due (for `abusedesk outbox send`); answers what happened to each. */
export async function deliverAll(
  db: DB,
  deps: MessageDeps,
  relay: Relay,
  opts: { lanes: number },
): Promise<Record<Exclude<DeliveryResult, "none">, number>> {
  const counts = { sent: 0, held: 0, retry: 0, failed: 0 };
  const lane = async () => {
    for (;;) {
      const r = await deliverNext(db, deps, relay);
      if (r === "none") return;
      for (const one of r) if (one !== "none") counts[one]++;
    }
  };
  await Promise.all(Array.from({ length: opts.lanes }, lane));
  return counts;
}

/** A sleeper that a wake() ends early. */
class Waker {
  readonly #sleepers = new Set<() => void>();
  sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#sleepers.add(done);
    });
  }
  wake() {
    for (const s of [...this.#sleepers]) s();
  }
}

/**
 * The worker role's part of conversation: the acknowledgement sweep and the senders. Without a relay the
 * senders still compose what was decided, and hold it.
 */
export function startSenders(opts: {
  db: DB;
  deps: MessageDeps;
  relay: Relay | null;
  lanes: number;
  log: Logger;
}): { wake(): void; stop(): Promise<void> } {
  const { db, deps, relay, log } = opts;
  let stopping = false;
  const senders = new Waker();
  const sweeper = new Waker();

  const sendLoop = async (n: number) => {
    while (!stopping) {
      try {
        const r = await deliverNext(db, deps, relay);
        if (r === "none") await senders.sleep(POLL_MS);
        else log.debug({ lane: n, results: r }, "outbox");
      } catch (err) {
        if (stopping) return;
        log.error({ err }, "outbox: sending failed; trying again shortly");
        await senders.sleep(POLL_MS * 5);
      }
    }
  };
  const ackLoop = async () => {
    while (!stopping) {
      try {
        const n = await acknowledgeNext(db, deps);
        if (n > 0) senders.wake();
        else await sweeper.sleep(ACK_POLL_MS);
      } catch (err) {
        if (stopping) return;
        log.error({ err }, "acknowledgements: the sweep failed; trying again shortly");
        await sweeper.sleep(POLL_MS * 5);
      }
    }
  };
  const loops = [ackLoop(), ...Array.from({ length: opts.lanes }, (_, i) => sendLoop(i))];
  log.info(
    { lanes: opts.lanes, relay: relay?.where ?? null },
    relay ? "outbox senders started" : "outbox: no relay; messages are held",
  );
  return {
    wake() {
      senders.wake();
      sweeper.wake();
    },
    async stop() {
      stopping = true;
      senders.wake();
      sweeper.wake();
      await Promise.all(loops);
      relay?.close();
    },
  };
}
