/** The one way to a database: the server of DATABASE_URL, or the embedded PostgreSQL in the data folder. */
import { Kysely, type Migration, Migrator, PostgresDialect } from "kysely";
import pg from "pg";
import type { Logger } from "pino";
import { UserError } from "../errors.ts";
import { CopyingClient } from "./copy.ts";
import { useEmbeddedPostgres } from "./embedded.ts";
import * as initial from "./migrations/0001_initial.ts";
import * as intake from "./migrations/0002_intake.ts";
import * as inventory from "./migrations/0003_inventory.ts";
import * as cases from "./migrations/0004_cases.ts";
import * as eventReferences from "./migrations/0005_event_references.ts";
import * as people from "./migrations/0006_people.ts";
import * as security from "./migrations/0007_security.ts";
import * as breadth from "./migrations/0008_breadth.ts";
import * as messages from "./migrations/0010_messages.ts";
import * as measures from "./migrations/0011_measures.ts";
import * as firsthour from "./migrations/0012_firsthour.ts";
import * as ntd from "./migrations/0013_ntd.ts";
import * as collectors from "./migrations/0014_collectors.ts";
import * as feeds from "./migrations/0015_feeds.ts";
import * as feedSpeed from "./migrations/0016_feed_speed.ts";
import * as userLanguage from "./migrations/0017_user_language.ts";
import * as eventPartitions from "./migrations/0018_event_partitions.ts";
import * as chunkPartitions from "./migrations/0019_chunk_partitions.ts";
import { ensureMonthlyPartitions } from "./partitions.ts";
import type { Database } from "./schema.ts";

// bigint ids and counts fit in a JavaScript number for any desk's lifetime; numeric stays a string.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type DB = Kysely<Database>;

export interface Connection {
  db: DB;
  pool: pg.Pool;
  /** Connection string (with password): for pg-boss and child processes, never for logs. */
  url: string;
  /** Where it is, safe to print. */
  where: string;
  embedded: boolean;
  close(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  log: Logger;
  /** See EmbeddedOptions.takeOwnership. */
  takeOwnership?: boolean;
  poolSize?: number;
}

/** Every migration, in order. Add new ones at the end; never change one that has shipped. */
export const migrations: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_intake": intake,
  "0003_inventory": inventory,
  "0004_cases": cases,
  "0005_event_references": eventReferences,
  "0006_people": people,
  "0007_security": security,
  "0008_breadth": breadth,
  "0010_messages": messages,
  "0011_measures": measures,
  "0012_firsthour": firsthour,
  "0013_ntd": ntd,
  "0014_collectors": collectors,
  "0015_feeds": feeds,
  "0016_feed_speed": feedSpeed,
  "0017_user_language": userLanguage,
  "0018_event_partitions": eventPartitions,
  "0019_chunk_partitions": chunkPartitions,
};

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

export async function connect(opts: ConnectOptions): Promise<Connection> {
  const embedded = opts.databaseUrl
    ? undefined
    : await useEmbeddedPostgres(opts.dataDir, { log: opts.log, takeOwnership: opts.takeOwnership ?? false });
  const url = opts.databaseUrl ?? embedded!.url;
  const where = embedded ? `embedded PostgreSQL in ${opts.dataDir}` : redact(url);
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      // COPY … FROM STDIN through Kysely: see copy.ts
      Client: CopyingClient,
    });
  } catch (err) {
    throw new UserError(
      `DATABASE_URL is not a valid connection string (${(err as Error).message}); use postgres://user:password@host:5432/dbname`,
    );
  }
  // An idle connection the server closed: the pool makes a new one. Logged without the client it names.
  pool.on("error", (err) =>
    opts.log.warn({ err }, "an idle database connection was closed; the pool reconnects"),
  );
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    await embedded?.stop();
    throw new UserError(
      `cannot connect to the database at ${where}: ${(err as Error).message}; check DATABASE_URL and that the server runs`,
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    url,
    where,
    embedded: Boolean(embedded),
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}

/** Applies every pending migration; returns the names applied now. */
export async function migrate(db: DB): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new UserError(
      `database migration ${failed?.migrationName ?? ""} failed: ${(error as Error)?.message ?? "unknown error"}`,
    );
  }
  // The months' partitions of events and feeds' chunks (0018, 0019) are made ahead; the retention worker
  // keeps making them.
  await ensureMonthlyPartitions(db);
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
