/** What every CLI command shares: config from flags and environment, a logger, and a migrated database. */
import type { Command } from "commander";
import type { Logger } from "pino";
import { type Actor, SYSTEM } from "./auth/auth.store.ts";
import { type Config, loadConfig, operatorName } from "./config.ts";
import { type Connection, connect, migrate } from "./db/index.ts";
import { createLogger } from "./log.ts";

interface GlobalFlags {
  dataDir?: string;
  verbose?: boolean;
  logLevel?: string;
  logFormat?: string;
}

export function setup(
  cmd: Command,
  defaultLevel: string,
  extra: Record<string, unknown> = {},
): { config: Config; log: Logger } {
  const g = cmd.optsWithGlobals() as GlobalFlags;
  const config = loadConfig(
    {
      dataDir: g.dataDir,
      logLevel: g.logLevel ?? (g.verbose ? "debug" : undefined),
      logFormat: g.logFormat,
      ...extra,
    },
    undefined,
    { logLevel: defaultLevel },
  );
  return { config, log: createLogger(config.logLevel, config.logFormat) };
}

/** Runs `fn` on a migrated database: the server of DATABASE_URL or the embedded one in --data-dir. */
export async function withDatabase<T>(
  cmd: Command,
  fn: (conn: Connection, log: Logger, config: Config) => Promise<T>,
): Promise<T> {
  const { config, log } = setup(cmd, "warn");
  const conn = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log });
  try {
    await migrate(conn.db);
    return await fn(conn, log, config);
  } finally {
    await conn.close();
  }
}

/** Who the audit log names for changes made from the command line. */
export const CLI_ACTOR: Actor = { ...SYSTEM, name: `cli:${operatorName()}` };

export interface CliContext {
  setup: typeof setup;
  withDatabase: typeof withDatabase;
  actor: Actor;
}

export const cliContext: CliContext = { setup, withDatabase, actor: CLI_ACTOR };
