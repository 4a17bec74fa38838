/**
 * The Shadowserver Reports API collector (issue 10): for a provider whose Shadowserver mails carry only a
 * download link (abusedesk never fetches a link from a mail), it lists the day's reports with the
 * documented HMAC-signed API and downloads each, storing it as a report that the intake workers parse like
 * an attachment (the report type from its file name). Each report id is claimed before it is fetched and
 * recorded with the report it became, so a report is fetched once however often (and by however many
 * workers) the collector runs; a download that fails is released and tried at the next run.
 *
 * The API (github.com/The-Shadowserver-Foundation/api_utils): POST <api>reports/list with a JSON body that
 * holds `apikey`, signed in the header `HMAC2` with the hex HMAC-SHA256 of the body under the secret; the
 * answer is a JSON array of { id, report, type, timestamp, file }. A report is downloaded from
 * <download><id>.
 *
 * Configuration: ABUSEDESK_SHADOWSERVER_CONFIG names a JSON file (docs/intake.md):
 *   { "keys": [{ "name": "extin", "brand": "extin", "key_env": "SS_EXTIN_KEY", "secret_env": "SS_EXTIN_SECRET" }] }
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { z } from "zod";
import { secretFromEnvironment } from "../config.ts";
import type { DB } from "../db/index.ts";
import { UserError } from "../errors.ts";
import type { Services } from "../server.ts";
import { explainZodError } from "../validation.ts";
import { storeStreamedReport } from "./feeds.ts";
import { counter } from "./metrics.ts";
import { brandExists, storeReport } from "./report.store.ts";

export const SHADOWSERVER_API = "https://transform.shadowserver.org/api2/";
export const SHADOWSERVER_DOWNLOAD = "https://dl.shadowserver.org/";

/** Reports one list answer may name; more is not a list we trust. */
export const MAX_LISTED_REPORTS = 5_000;
/** Bytes of a list answer, and of one downloaded report (a large country report is a few hundred MB). */
export const MAX_LIST_BYTES = 16 * 1024 * 1024;
export const MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;
/** How long one request may take (a list; a download that is held in memory). */
export const REQUEST_TIMEOUT_MS = 120_000;
/** How long a download may take when it may be streamed as a feed (gigabytes at a modest rate). */
export const FEED_DOWNLOAD_TIMEOUT_MS = 30 * 60_000;
/** A claim on a report older than this belongs to a run that died: it is taken again. */
export const STALE_CLAIM_MINUTES = 60;

const SOURCE = "shadowserver";

export const ShadowserverKeyConfig = z.object({
  /** A name for logs, metrics and `--key`. */
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "letters, digits, dot, dash and underscore"),
  /** The brand whose networks the key's reports are about. */
  brand: z.string().min(1),
  key: z.string().optional(),
  key_env: z.string().optional(),
  secret: z.string().optional(),
  secret_env: z.string().optional(),
  /** Only these mailing lists (`reports` of the API), e.g. your ASN or country list. */
  reports: z.array(z.string().min(1).max(200)).max(100).optional(),
  /** Only this report type, e.g. scan_ntp. */
  type: z.string().min(1).max(100).optional(),
});
export type ShadowserverKeyConfig = z.infer<typeof ShadowserverKeyConfig>;

const ConfigFile = z.object({
  api: z.url().default(SHADOWSERVER_API),
  download: z.url().default(SHADOWSERVER_DOWNLOAD),
  /** Minutes between scheduled runs in the worker; 0: only `abusedesk collect shadowserver`. */
  interval_minutes: z.number().int().min(0).max(1440).default(60),
  /** Days back each run looks (reports of the day before yesterday still come in). */
  days: z.number().int().min(1).max(14).default(2),
  keys: z.array(ShadowserverKeyConfig).min(1),
});
export type ShadowserverConfig = z.infer<typeof ConfigFile>;

/** The collector's configuration (ABUSEDESK_SHADOWSERVER_CONFIG), validated; undefined when not set. */
export function loadShadowserverConfig(
  file: string | undefined,
  secret: (name: string | undefined) => string | undefined = secretFromEnvironment,
): ShadowserverConfig | undefined {
  if (!file) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`cannot read the Shadowserver configuration ${file}: ${(err as Error).message}`);
  }
  const parsed = ConfigFile.safeParse(doc);
  if (!parsed.success)
    throw new UserError(
      `Shadowserver configuration ${file}: ${explainZodError(parsed.error, { place: "body", schema: ConfigFile, data: doc })}`,
    );
  for (const k of parsed.data.keys) {
    if (!(k.key ?? secret(k.key_env)))
      throw new UserError(
        `Shadowserver key ${k.name}: no API key; set "key_env" to an environment variable that holds it`,
      );
    if (!(k.secret ?? secret(k.secret_env)))
      throw new UserError(
        `Shadowserver key ${k.name}: no secret; set "secret_env" to an environment variable that holds it`,
      );
  }
  return parsed.data;
}

/** The `HMAC2` header of a request body (pure). */
export function signature(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

const Listed = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, "a report id of letters, digits, dash and underscore"),
  report: z.string().max(200).optional(),
  type: z.string().max(100).optional(),
  timestamp: z.string().max(40).optional(),
  file: z.string().max(500).optional(),
});
export type ListedReport = z.infer<typeof Listed>;

/** Reads at most `max` bytes of a response; more is an error that names the limit. */
async function boundedBody(res: Response, max: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) throw new Error(`${what} is ${declared} bytes, more than the ${max} allowed`);
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) throw new Error(`${what} is more than the ${max} bytes allowed`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}

export interface CollectOptions {
  /** The days to list (YYYY-MM-DD); default: the configuration's `days` back from today (UTC). */
  dates?: string[];
  fetch?: typeof fetch;
  /**
   * A CSV download larger than `threshold` bytes is stored as it arrives, in chunks, as a feed
   * (src/intake/feeds.ts: ABUSEDESK_STREAM_THRESHOLD, at most ABUSEDESK_MAX_FEED_BYTES) instead of being
   * held in memory. Without it, every download is held (at most MAX_DOWNLOAD_BYTES).
   */
  feeds?: { threshold: number; maxBytes: number };
}

type Stored = { id: number; duplicate: boolean };

/**
 * A download, stored: held in memory up to the threshold; a CSV (or gzip) that grows past it goes on as a
 * feed, the bytes read so far first. A zip is held whole (it is unpacked as an attachment), bounded.
 */
async function storeDownload(
  db: DB,
  res: Response,
  meta: { file: string; brand: string; subject: string; type?: string },
  feeds: CollectOptions["feeds"],
): Promise<Stored> {
  const zip = /\.zip$/i.test(meta.file);
  const hint = { format: "shadowserver", ...(meta.type ? { type: meta.type } : {}) };
  const stream = !zip && feeds !== undefined;
  const max = stream ? Math.max(feeds.maxBytes, MAX_DOWNLOAD_BYTES) : MAX_DOWNLOAD_BYTES;
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max)
    throw new Error(`report ${meta.file} is ${declared} bytes, more than the ${max} allowed`);
  const body = (res.body ?? (async function* () {})()) as AsyncIterable<Uint8Array>;
  const reader = body[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await reader.next();
    if (next.done) break;
    const piece = Buffer.from(next.value);
    size += piece.length;
    if (size > MAX_DOWNLOAD_BYTES && !stream)
      throw new Error(`report ${meta.file} is more than the ${MAX_DOWNLOAD_BYTES} bytes allowed`);
    held.push(piece);
    if (stream && size > feeds.threshold) {
      // Too large to hold: what was read, then the rest as it comes.
      async function* rest() {
        yield* held.splice(0);
        for (;;) {
          const more = await reader.next();
          if (more.done) return;
          yield Buffer.from(more.value);
        }
      }
      return storeStreamedReport(
        db,
        rest(),
        {
          channel: "collector",
          filename: meta.file,
          brandId: meta.brand,
          hint,
          contentType: /\.gz$/i.test(meta.file) ? "application/gzip" : "text/csv",
          subject: meta.subject,
        },
        { maxBytes: feeds.maxBytes },
        { wake: true },
      );
    }
  }
  if (size === 0) throw new Error("the download is empty");
  return storeReport(db, {
    raw: Buffer.concat(held, size),
    channel: "collector",
    brandId: meta.brand,
    contentType: zip ? "application/zip" : "text/csv",
    filename: meta.file,
    subject: meta.subject,
    hint,
    wake: true,
  });
}

export interface CollectResult {
  key: string;
  listed: number;
  stored: { id: number; file: string; duplicate: boolean }[];
  skipped: number;
  failed: { id: string; file: string; error: string }[];
}

export function recentDates(days: number, now = new Date()): string[] {
  return Array.from({ length: days }, (_, i) =>
    new Date(now.getTime() - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

/** One key's run: list each day's reports, fetch the ones not collected before, store them. */
export async function collectShadowserver(
  db: DB,
  config: Pick<ShadowserverConfig, "api" | "download" | "days">,
  key: ShadowserverKeyConfig,
  opts: CollectOptions = {},
): Promise<CollectResult> {
  const doFetch = opts.fetch ?? fetch;
  const apikey = key.key ?? secretFromEnvironment(key.key_env) ?? "";
  const secret = key.secret ?? secretFromEnvironment(key.secret_env) ?? "";
  const result: CollectResult = { key: key.name, listed: 0, stored: [], skipped: 0, failed: [] };
  const api = config.api.endsWith("/") ? config.api : `${config.api}/`;
  const download = config.download.endsWith("/") ? config.download : `${config.download}/`;
  for (const date of opts.dates ?? recentDates(config.days)) {
    const body = JSON.stringify({
      apikey,
      date,
      ...(key.reports ? { reports: key.reports } : {}),
      ...(key.type ? { type: key.type } : {}),
      limit: MAX_LISTED_REPORTS,
    });
    const res = await doFetch(`${api}reports/list`, {
      method: "POST",
      headers: { "content-type": "application/json", HMAC2: signature(secret, body) },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = (await boundedBody(res, MAX_LIST_BYTES, "the list of reports")).toString("utf8");
    if (!res.ok)
      throw new UserError(
        `Shadowserver answered ${res.status} to reports/list for ${date}${res.status === 401 || res.status === 403 ? " (check the key and secret)" : ""}: ${text.slice(0, 200)}`,
      );
    let listed: unknown;
    try {
      listed = JSON.parse(text);
    } catch {
      throw new UserError(`Shadowserver's list for ${date} is not JSON: ${text.slice(0, 200)}`);
    }
    if (!Array.isArray(listed))
      throw new UserError(
        `Shadowserver's list for ${date} is not a list${typeof listed === "object" && listed && "error" in listed ? `: ${String((listed as { error: unknown }).error).slice(0, 200)}` : ""}`,
      );
    for (const item of listed.slice(0, MAX_LISTED_REPORTS)) {
      const r = Listed.safeParse(item);
      if (!r.success) {
        result.failed.push({ id: "?", file: "?", error: "an entry of the list has no usable id" });
        continue;
      }
      result.listed++;
      const report = r.data;
      const file = report.file ?? `${report.id}.csv`;
      if (!(await claim(db, report.id))) {
        result.skipped++;
        continue;
      }
      try {
        const got = await doFetch(`${download}${encodeURIComponent(report.id)}`, {
          signal: AbortSignal.timeout(
            opts.feeds && !/\.zip$/i.test(file) ? FEED_DOWNLOAD_TIMEOUT_MS : REQUEST_TIMEOUT_MS,
          ),
        });
        if (!got.ok) throw new Error(`the download answered ${got.status}`);
        const stored = await storeDownload(
          db,
          got,
          {
            file,
            brand: key.brand,
            subject: `Shadowserver ${report.type ?? "report"} ${report.timestamp ?? date}`,
            type: report.type,
          },
          opts.feeds,
        );
        await settleClaim(db, report.id, stored.id, file);
        result.stored.push({ id: stored.id, file, duplicate: stored.duplicate });
      } catch (err) {
        await releaseClaim(db, report.id);
        result.failed.push({ id: report.id, file, error: (err as Error).message });
      }
    }
  }
  return result;
}

async function claim(db: DB, id: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    insert into collected_reports (source, external_id) values (${SOURCE}, ${id})
    on conflict (source, external_id) do update set claimed_at = now()
      where collected_reports.report_id is null
        and collected_reports.claimed_at < now() - make_interval(mins => ${STALE_CLAIM_MINUTES})
    returning external_id as id`.execute(db);
  return rows.length > 0;
}

async function settleClaim(db: DB, id: string, reportId: number, file: string) {
  await sql`update collected_reports set report_id = ${reportId}, file = ${file.slice(0, 500)}, collected_at = now()
    where source = ${SOURCE} and external_id = ${id}`.execute(db);
}

async function releaseClaim(db: DB, id: string) {
  await sql`delete from collected_reports where source = ${SOURCE} and external_id = ${id} and report_id is null`.execute(
    db,
  );
}

export function describeCollect(r: CollectResult): string {
  const fresh = r.stored.filter((s) => !s.duplicate).length;
  const lines = [
    `${r.key}: ${r.listed} listed, ${fresh} stored, ${r.stored.length - fresh} already known by content, ${r.skipped} collected before, ${r.failed.length} failed`,
  ];
  for (const f of r.failed.slice(0, 20)) lines.push(`  ${f.file}: ${f.error}`);
  return lines.join("\n");
}

/** The worker's schedule: every key every `interval_minutes`; returns the function that stops it. */
export async function startShadowserverCollector(
  services: Services,
  config: ShadowserverConfig | undefined = loadShadowserverConfig(services.config.shadowserverConfig),
): Promise<{ count: number; stop(): Promise<void> }> {
  if (!config || config.interval_minutes === 0) return { count: 0, stop: async () => {} };
  for (const k of config.keys)
    if (!(await brandExists(services.db, k.brand)))
      throw new UserError(`Shadowserver key ${k.name}: there is no brand "${k.brand}"`);
  const collected = counter(
    services.metrics,
    "abusedesk_shadowserver_reports_total",
    "Shadowserver reports collected by outcome",
    ["key", "result"],
  );
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = (async () => {
      for (const key of config.keys) {
        try {
          const r = await collectShadowserver(services.db, config, key, {
            feeds: { threshold: services.config.streamThreshold, maxBytes: services.config.maxFeedBytes },
          });
          collected.inc({ key: key.name, result: "stored" }, r.stored.filter((s) => !s.duplicate).length);
          collected.inc({ key: key.name, result: "failed" }, r.failed.length);
          if (r.stored.length + r.failed.length > 0)
            services.log.info({ collect: r }, "Shadowserver reports collected");
        } catch (err) {
          collected.inc({ key: key.name, result: "list_failed" });
          services.log.warn(
            { err, key: key.name },
            "collecting Shadowserver reports failed; trying again at the next run",
          );
        }
      }
    })().finally(() => {
      running = null;
    });
  };
  const first = setTimeout(run, 5_000);
  const timer = setInterval(run, config.interval_minutes * 60_000);
  first.unref();
  timer.unref();
  return {
    count: config.keys.length,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
