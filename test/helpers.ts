/**
 * What the tests share: a fresh database on a real PostgreSQL for each test file, a desk started
 * in-process on free loopback ports, and the CLI run as a child process.
 *
 * The database server is Debian's PostgreSQL when ABUSEDESK_TEST_DATABASE_URL is set (CI's second pass),
 * otherwise the embedded PostgreSQL in a shared folder under the system's temp folder.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import pino from "pino";
import { type Desk, type DeskParts, startDesk } from "../src/app.ts";
import { createToken, createUser, SYSTEM } from "../src/auth/auth.store.ts";
import type { Role } from "../src/auth/roles.ts";
import { type ConfigInput, loadConfig } from "../src/config.ts";
import { useEmbeddedPostgres } from "../src/db/embedded.ts";
import { type Connection, connect, type DB, migrate } from "../src/db/index.ts";

export const ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");
/** Real reports the tests use, copied into the repository (provenance in test/fixtures/SOURCES.md). */
export const SAMPLES = path.join(ROOT, "test", "fixtures", "samples");
export const quietLog = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

export interface TestDatabase {
  /** Connection string of a database made for this test file. */
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the test server. */
export async function testDatabase(): Promise<TestDatabase> {
  let adminUrl = process.env.ABUSEDESK_TEST_DATABASE_URL;
  let server: Awaited<ReturnType<typeof useEmbeddedPostgres>> | undefined;
  if (!adminUrl) {
    server = await useEmbeddedPostgres(path.join(tmpdir(), "abusedesk-test-pg"), {
      log: quietLog,
      takeOwnership: false,
    });
    adminUrl = server.url;
  }
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      await server?.stop();
    },
  };
}

/** A migrated database and a connection to it. */
export async function migratedDatabase(): Promise<{
  conn: Connection;
  tdb: TestDatabase;
  close(): Promise<void>;
}> {
  const tdb = await testDatabase();
  const conn = await connect({ databaseUrl: tdb.url, dataDir: "unused", log: quietLog });
  await migrate(conn.db);
  return {
    conn,
    tdb,
    async close() {
      await conn.close();
      await tdb.drop();
    },
  };
}

export interface TestDesk {
  desk: Desk;
  baseUrl: string;
  smtpPort: number;
  databaseUrl: string;
  /** A fresh API token of that role. */
  token(role: Role): Promise<string>;
  /** fetch against the desk with a bearer token. */
  api(role: Role | null, pathname: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/** abusedesk started in this process on free loopback ports, on a fresh database. */
export async function startTestDesk(
  opts: {
    demo?: boolean;
    role?: "all" | "web" | "smtp" | "worker";
    /** Other settings, as flags would give them (e.g. rate limits, `{ connectors: file }`). */
    config?: Partial<Record<keyof ConfigInput, unknown>>;
    /** Parts given instead of the defaults, e.g. a notifier that records what it is told. */
    parts?: DeskParts;
  } = {},
): Promise<TestDesk> {
  const tdb = await testDatabase();
  const config = loadConfig(
    {
      ...opts.config,
      databaseUrl: tdb.url,
      http: "127.0.0.1:0",
      smtp: "127.0.0.1:0",
      role: opts.role ?? "all",
      demo: opts.demo ?? false,
      logLevel: process.env.TEST_LOG_LEVEL ?? "silent",
      ...opts.config,
    },
    {},
  );
  const desk = await startDesk(config, quietLog, opts.parts);
  const baseUrl = desk.http ? `http://127.0.0.1:${desk.http.port}` : "";
  const tokens = new Map<Role, string>();
  const token = async (role: Role) => {
    const known = tokens.get(role);
    if (known) return known;
    // A person per role, so that four eyes see different people behind different roles' tokens.
    const person = await createUser(desk.conn.db, SYSTEM, { email: `test-${role}@abusedesk.test`, role });
    if (!person.ok) throw new Error(person.error.message);
    const made = await createToken(desk.conn.db, SYSTEM, { name: `test-${role}`, user: person.value.id });
    if (!made.ok) throw new Error(made.error.message);
    tokens.set(role, made.value.token);
    return made.value.token;
  };
  return {
    desk,
    baseUrl,
    smtpPort: desk.smtp?.port ?? 0,
    databaseUrl: tdb.url,
    token,
    async api(role, pathname, init = {}) {
      const headers = new Headers(init.headers);
      if (role) headers.set("authorization", `Bearer ${await token(role)}`);
      return fetch(`${baseUrl}${pathname}`, { ...init, headers });
    },
    async stop() {
      await desk.stop();
      await tdb.drop();
    },
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `abusedesk ARGS` as a child process, with its output collected. */
function launch(args: string[], env: Record<string, string | undefined>, logLevel: string) {
  const child = spawn(process.execPath, [path.join(ROOT, "bin", "abusedesk.js"), ...args], {
    cwd: ROOT,
    env: { ...process.env, ABUSEDESK_LOG_LEVEL: logLevel, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => {
    out.stdout += d;
  });
  child.stderr.on("data", (d) => {
    out.stderr += d;
  });
  return { child, out };
}

/** Runs `abusedesk ARGS` as a child process, as a user would. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000,
): Promise<CliResult> {
  const { child, out } = launch(args, env, "warn");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`abusedesk ${args.join(" ")} did not finish within ${timeoutMs} ms\n${out.stderr}`));
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out.stdout, stderr: out.stderr });
    });
  });
}

/** Starts `abusedesk ARGS` as a long-running child process and waits until `ready` appears in its stdout. */
export function spawnCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  ready = /abusedesk is running/,
) {
  const { child, out } = launch(args, env, "info");
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready within 60 s:\n${out.stdout}\n${out.stderr}`)),
      60_000,
    );
    child.stdout.on("data", () => {
      if (ready.test(out.stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${out.stdout}\n${out.stderr}`));
    });
  });
  return { child, started, exited, output: () => ({ ...out }) };
}

export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  ms = 30_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until report `id` is no longer `processing` (parsed, triage, …) and gives its state and reason. */
export function reportSettled(
  db: DB,
  id: number,
  ms = 30_000,
  what = `report ${id} to be processed`,
): Promise<{ state: string; triage_reason: string | null }> {
  return waitFor(
    async () => {
      const r = await db
        .selectFrom("reports")
        .select(["state", "triage_reason"])
        .where("id", "=", id)
        .executeTakeFirst();
      return r && r.state !== "processing" ? r : undefined;
    },
    ms,
    what,
  );
}

/** A response's JSON body, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: tests assert on the shape at run time
export async function json(res: Response): Promise<any> {
  return res.json();
}
