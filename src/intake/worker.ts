/**
 * The worker role's part of intake: processes every report still in state 'processing' (received by SMTP
 * or IMAP, or whose inline processing failed or was cut off by a crash). Reports are taken with SKIP LOCKED
 * under a lease, so several workers in several processes never process one twice. A stored report wakes
 * the workers at once (LISTEN/NOTIFY); a poll catches anything a lost notification would miss.
 */
import pg from "pg";
import type { Logger } from "pino";
import type { WorkerContext } from "../app.ts";
import { removeAbandonedUploads } from "./feeds.ts";
import { startImapPollers } from "./imap.ts";
import { WORKER } from "./ingest.ts";
import { counter } from "./metrics.ts";
import { processNextReport, ReportProcessingError } from "./process.ts";
import { REPORT_CHANNEL, recordFailure } from "./report.store.ts";
import { startShadowserverCollector } from "./shadowserver-api.ts";

const POLL_MS = 5_000;

export async function startIntakeWorkers(ctx: WorkerContext): Promise<() => Promise<void>> {
  const { conn, log, services } = ctx;
  const concurrency = services.config.intakeWorkers;
  const processed = counter(
    services.metrics,
    "abusedesk_reports_processed_total",
    "reports processed by workers",
    ["state"],
  );
  let stopping = false;
  const sleepers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...sleepers]) wake();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });

  const listener = await listen(conn.url, REPORT_CHANNEL, wakeAll, log);

  const loop = async (n: number) => {
    while (!stopping) {
      try {
        const out = await processNextReport(services, { maxAttempts: WORKER.maxAttempts });
        if (!out) {
          await sleep(POLL_MS);
          continue;
        }
        if (out.processedNow) processed.inc({ state: out.state });
        log.debug({ worker: n, report: out.id, state: out.state, events: out.events }, "report processed");
      } catch (err) {
        if (!(err instanceof ReportProcessingError)) {
          if (!stopping) log.error({ err }, "intake worker: cannot take a report");
          await sleep(POLL_MS);
          continue;
        }
        log.error({ err: err.cause, report: err.reportId }, "intake worker: processing failed");
        const message = (err.cause as Error)?.message ?? String(err.cause);
        const next = await recordFailure(services.db, err.reportId, message, {
          maxAttempts: WORKER.maxAttempts,
          retryAfterSeconds: WORKER.retryAfterSeconds,
        }).catch((e) => {
          log.error({ err: e, report: err.reportId }, "intake worker: cannot record the failure");
          return "retry" as const;
        });
        if (next === "triage") processed.inc({ state: "triage" });
      }
    }
  };
  const loops = Array.from({ length: concurrency }, (_, i) => loop(i));
  const abandoned = await removeAbandonedUploads(services.db);
  if (abandoned > 0) log.warn({ abandoned }, "removed feeds whose upload never finished");
  const imap = await startImapPollers(services);
  const shadowserver = await startShadowserverCollector(services);
  log.info(
    { concurrency, imapMailboxes: imap.count, shadowserverKeys: shadowserver.count },
    "intake workers started",
  );

  return async () => {
    stopping = true;
    wakeAll();
    await imap.stop();
    await shadowserver.stop();
    await Promise.all(loops);
    await listener.close();
  };
}

/** LISTEN on a dedicated connection that reconnects by itself; `onNotify` is called for each notification. */
async function listen(url: string, channel: string, onNotify: () => void, log: Logger) {
  let client: pg.Client | undefined;
  let closing = false;
  let retry: NodeJS.Timeout | undefined;
  const open = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on("notification", onNotify);
    c.on("error", (err) => {
      if (!closing) log.warn({ err }, "intake worker: LISTEN connection lost; reconnecting");
    });
    c.on("end", () => {
      // Only a connection that was listening is replaced here; a failed connect retries below.
      if (closing || client !== c) return;
      client = undefined;
      retry = setTimeout(() => void open().catch(() => {}), 1000);
    });
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
      client = c;
      // Something may have arrived while we were not listening.
      onNotify();
    } catch (err) {
      log.warn({ err }, "intake worker: cannot LISTEN; polling meanwhile");
      await c.end().catch(() => {});
      if (!closing) retry = setTimeout(() => void open().catch(() => {}), 2000);
    }
  };
  await open();
  return {
    async close() {
      closing = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
