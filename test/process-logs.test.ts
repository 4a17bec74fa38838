/**
 * Logs an operator can live with, from a real child process: starting and stopping at once leaves no
 * error line and nothing of a database client (its process id, its cancel key) in the log; one line per
 * request; the resolution index built once (and never by an SMTP-only process); pretty text on request.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, test } from "node:test";
import pg from "pg";
import { createLogger } from "../src/log.ts";
import { freePort, spawnCli, testDatabase, waitFor } from "./helpers.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "abusedesk-logs-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function jsonLines(stderr: string): Line[] {
  return stderr
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as Line;
      } catch {
        throw new Error(`not a JSON log line: ${l}`);
      }
    });
}

/** Nothing an operator should not see: no error lines, nothing of a database client's innards. */
function assertClean(stderr: string) {
  assert.doesNotMatch(stderr, /secretKey|processID|"client"|_connect|_types/);
  const errors = jsonLines(stderr).filter((l) => l.level >= 50);
  assert.deepEqual(errors, []);
}

test("start with the demo on the embedded PostgreSQL and stop at once: no error, no client in the log, the index built once", async () => {
  const http = await freePort();
  const desk = spawnCli(
    ["--data-dir", dataDir, "start", "--demo", "--http", `127.0.0.1:${http}`, "--smtp", "127.0.0.1:0"],
    { DATABASE_URL: "", ABUSEDESK_LOG_FORMAT: "json" },
  );
  await desk.started;
  // One line per request at info; a health check at debug only.
  assert.equal((await fetch(`http://127.0.0.1:${http}/api/v1/me`)).status, 401);
  assert.equal((await fetch(`http://127.0.0.1:${http}/healthz`)).status, 200);
  await waitFor(
    async () => desk.output().stderr.includes('"route":"/api/v1/me"'),
    10_000,
    "the request line",
  );
  desk.child.kill("SIGTERM");
  const { code } = await desk.exited;
  const { stderr } = desk.output();
  assert.equal(code, 0, stderr);
  assertClean(stderr);
  const lines = jsonLines(stderr);
  assert.equal(lines.filter((l) => l.msg === "resolution index built").length, 1, stderr);
  const requests = lines.filter((l) => typeof l.route === "string");
  assert.deepEqual(
    requests.map((l) => [l.level, l.method, l.route, l.status, l.msg.replace(/[\d.]+ ms$/, "ms")]),
    [[30, "GET", "/api/v1/me", 401, "GET /api/v1/me 401 ms"]],
  );
  assert.equal(typeof requests[0]!.ms, "number");
  assert.ok(lines.some((l) => l.msg === "stopped"));
});

test("a signal while starting: the desk finishes starting, then stops in order, quietly; pretty text on request", async () => {
  const desk = spawnCli(
    [
      "--data-dir",
      dataDir,
      "start",
      "--http",
      "127.0.0.1:0",
      "--smtp",
      "127.0.0.1:0",
      "--log-format",
      "pretty",
    ],
    { DATABASE_URL: "" },
  );
  // Not waiting for "running": the signal comes while the desk is still starting.
  desk.started.catch(() => {});
  const early = new Promise<void>((resolve) => {
    const check = () =>
      /embedded PostgreSQL/.test(desk.output().stderr) ? resolve() : setTimeout(check, 20);
    check();
  });
  await early;
  desk.child.kill("SIGTERM");
  const { code } = await desk.exited;
  const { stderr } = desk.output();
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /secretKey|processID/);
  assert.doesNotMatch(stderr, /\bERROR\b|\bFATAL\b/);
  // Pretty: a time, a level word and the message on one line, not JSON.
  assert.match(stderr, /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] INFO: .*shutting down/m);
  assert.match(stderr, /INFO: stopped/);
  assert.ok(stderr.split("\n").every((l) => !l.startsWith("{")));
  assert.ok(
    stderr.indexOf("shutting down") < stderr.lastIndexOf("stopped"),
    "the signal was taken while starting, and the stop came after",
  );
});

test("a process with --role smtp does not build the resolution index", async () => {
  const tdb = await testDatabase();
  try {
    const desk = spawnCli(["start", "--role", "smtp", "--smtp", "127.0.0.1:0"], {
      DATABASE_URL: tdb.url,
      ABUSEDESK_LOG_FORMAT: "json",
      ABUSEDESK_LOG_LEVEL: "debug",
    });
    await desk.started;
    desk.child.kill("SIGTERM");
    const { code } = await desk.exited;
    const { stderr } = desk.output();
    assert.equal(code, 0, stderr);
    assertClean(stderr);
    assert.match(stderr, /SMTP listening/);
    assert.doesNotMatch(stderr, /resolution index/);
  } finally {
    await tdb.drop();
  }
});

test("a database error that carries its client is logged as message, code and cause only", async () => {
  const tdb = await testDatabase();
  let written = "";
  const sink = new Writable({
    write(chunk, _enc, done) {
      written += chunk;
      done();
    },
  });
  const log = createLogger("info", "json", sink);
  const pool = new pg.Pool({ connectionString: tdb.url, max: 1 });
  try {
    // An idle connection the server ends (as a stopping PostgreSQL does): pg-pool hands the error over with
    // the whole client attached, cancel key and all.
    const failed = new Promise<Error>((resolve) => pool.once("error", resolve));
    const c = await pool.connect();
    const { rows } = await c.query<{ pid: number }>("select pg_backend_pid() as pid");
    c.release();
    const admin = new pg.Client({ connectionString: tdb.url });
    await admin.connect();
    await admin.query("select pg_terminate_backend($1)", [rows[0]!.pid]);
    await admin.end();
    const err = await failed;
    assert.ok("client" in err, "pg-pool attached the client to the error");
    log.warn({ err }, "an idle database connection was closed; the pool reconnects");
    const line = JSON.parse(written.trim()) as { err: Record<string, unknown> };
    assert.deepEqual(Object.keys(line.err).sort(), ["code", "message", "stack", "type"]);
    assert.equal(line.err.code, "57P01");
    assert.match(String(line.err.message), /terminating connection due to administrator command/);
    assert.doesNotMatch(written, /secretKey|processID|password/);
  } finally {
    await pool.end().catch(() => {});
    await tdb.drop();
  }
});
