import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { freePort, json, ROOT, runCli, spawnCli, startTestDesk, waitFor } from "./helpers.ts";

function postmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, "pg", "postmaster.pid");
  return existsSync(file) ? Number(readFileSync(file, "utf8").split("\n")[0]) : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// No DATABASE_URL: these tests are about the embedded PostgreSQL in --data-dir.
const EMBEDDED = { DATABASE_URL: "" };

test("start, kill -9, start again: the data is there and the orphaned PostgreSQL is taken over; SIGTERM stops both", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "abusedesk-proc-"));
  const http = await freePort();
  const args = ["--data-dir", dataDir, "start", "--http", `127.0.0.1:${http}`, "--smtp", "127.0.0.1:0"];

  const first = spawnCli([...args, "--demo"], EMBEDDED);
  await first.started;
  assert.match(first.output().stdout, /Demo admin: admin@abusedesk\.example/);
  // A CLI command on the same data folder uses the running server.
  const tok = await runCli(
    ["--data-dir", dataDir, "token", "create", "--name", "before-crash", "--role", "admin"],
    EMBEDDED,
  );
  assert.equal(tok.code, 0, tok.stderr);
  const token = tok.stdout.trim().split("\n").at(-1)!;
  const pgPid = postmasterPid(dataDir)!;

  first.child.kill("SIGKILL");
  await first.exited;
  assert.ok(alive(pgPid), "the embedded PostgreSQL outlives a kill -9 of abusedesk");

  const second = spawnCli(args, EMBEDDED);
  await second.started;
  assert.match(second.output().stderr, /using the embedded PostgreSQL already running/);
  const me = await fetch(`http://127.0.0.1:${http}/api/v1/me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(me.status, 200, "the token made before the crash still works");
  const brands = await fetch(`http://127.0.0.1:${http}/api/v1/brands`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal((await json(brands)).total, 4, "the demo data made before the crash is there");

  second.child.kill("SIGTERM");
  const { code } = await second.exited;
  assert.equal(code, 0);
  await waitFor(async () => !alive(pgPid), 10_000, "PostgreSQL to stop");
});

test("a stale postmaster.pid left by a crashed PostgreSQL does not stop the next start", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "abusedesk-stale-"));
  const made = await runCli(
    ["--data-dir", dataDir, "token", "create", "--name", "t", "--role", "agent"],
    EMBEDDED,
  );
  assert.equal(made.code, 0, made.stderr);
  const http = await freePort();
  const first = spawnCli(
    ["--data-dir", dataDir, "start", "--http", `127.0.0.1:${http}`, "--smtp", "127.0.0.1:0"],
    EMBEDDED,
  );
  await first.started;
  const pgPid = postmasterPid(dataDir)!;
  first.child.kill("SIGKILL");
  process.kill(pgPid, "SIGKILL"); // PostgreSQL dies too: its pid file stays behind
  await waitFor(async () => !alive(pgPid), 5000, "PostgreSQL to die");
  await first.exited;
  assert.ok(existsSync(path.join(dataDir, "pg", "postmaster.pid")));

  const again = await runCli(["--data-dir", dataDir, "audit", "verify"], EMBEDDED);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /audit log intact/);
  // The command started the server for its own use and stopped it again.
  const pid = postmasterPid(dataDir);
  assert.ok(pid === undefined || !alive(pid));
});

test("a wrong DATABASE_URL gives one clear line and a non-zero exit, without a stack trace", async () => {
  const port = await freePort();
  const res = await runCli(["migrate"], {
    DATABASE_URL: `postgres://nobody:secret@127.0.0.1:${port}/nowhere`,
  });
  assert.notEqual(res.code, 0);
  const lines = res.stderr
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("{"));
  assert.equal(lines.length, 1, res.stderr);
  assert.match(
    lines[0]!,
    /^abusedesk: cannot connect to the database at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:\d+\/nowhere: .*check DATABASE_URL/,
  );
  assert.doesNotMatch(res.stderr, /secret|\n\s+at /);

  const verbose = await runCli(["--verbose", "migrate"], {
    DATABASE_URL: `postgres://nobody:secret@127.0.0.1:${port}/nowhere`,
  });
  assert.match(verbose.stderr, /\n\s+at /, "--verbose shows the stack");
});

test("an occupied port gives a clear message naming the flag", async () => {
  const blocker = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => blocker.once("listening", r));
  const { port } = blocker.address() as net.AddressInfo;
  const t = await startTestDesk({ role: "worker" });
  try {
    const res = await runCli(["start", "--role", "web", "--http", `127.0.0.1:${port}`], {
      DATABASE_URL: t.databaseUrl,
    });
    assert.notEqual(res.code, 0);
    assert.match(
      res.stderr,
      new RegExp(
        `abusedesk: the HTTP address 127\\.0\\.0\\.1:${port} is already in use by another program; choose another with --http HOST:PORT`,
      ),
    );
    assert.doesNotMatch(res.stderr, /\n\s+at /);
  } finally {
    blocker.close();
    await t.stop();
  }
});

test("a data folder that cannot be written gives a clear message", async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "abusedesk-ro-")), "a-file");
  writeFileSync(file, "not a folder");
  const res = await runCli(["--data-dir", path.join(file, "data"), "migrate"], EMBEDDED);
  assert.notEqual(res.code, 0);
  assert.match(
    res.stderr,
    /abusedesk: the data folder .*a-file\/data cannot be written \(ENOTDIR\); choose another with --data-dir/,
  );
  assert.doesNotMatch(res.stderr, /\n\s+at /);
});

test("a bad --http value is refused with what to write instead", async () => {
  const res = await runCli(["start", "--http", "localhost"], { DATABASE_URL: "postgres://x@127.0.0.1:1/x" });
  assert.notEqual(res.code, 0);
  assert.match(
    res.stderr,
    /abusedesk: configuration: the setting `--http \/ ABUSEDESK_HTTP` must be HOST:PORT/,
  );
});

test("a broken policy profile stops start-up with the file, the line and the reason", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-policy-"));
  const good = readFileSync(path.join(ROOT, "policy", "profiles", "extin.yaml"), "utf8");
  const broken = good.replace("step: warn", "step: disconnect");
  assert.notEqual(broken, good);
  writeFileSync(path.join(dir, "extin.yaml"), broken);
  const line = broken.split("\n").findIndex((l) => l.includes("step: disconnect")) + 1;
  const t = await startTestDesk({ role: "worker" });
  try {
    const res = await runCli(["start", "--role", "web", "--http", "127.0.0.1:0"], {
      DATABASE_URL: t.databaseUrl,
      ABUSEDESK_POLICY_DIR: dir,
    });
    assert.notEqual(res.code, 0);
    assert.match(
      res.stderr,
      new RegExp(`extin\\.yaml:${line}:\\d+: .*"disconnect" is not allowed here; use one of: warn`),
    );
    assert.doesNotMatch(res.stderr, /\n\s+at /);
  } finally {
    await t.stop();
  }
});
