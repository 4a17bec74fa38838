/**
 * Exactly once, as a test: a real `abusedesk start` child process is killed with SIGKILL while its worker
 * waits for the webhook's answer. Started again on the same database, it makes the call again with the
 * same idempotency key and the same body; the receiver, which deduplicates by key, ends with exactly one
 * delivered key, and the desk records the step done once.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { loadPolicies } from "../src/app.ts";
import { createToken, createUser, SYSTEM } from "../src/auth/auth.store.ts";
import { loadConfig } from "../src/config.ts";
import { connect, migrate } from "../src/db/index.ts";
import { loadDemo } from "../src/demo.ts";
import { insertCustomer, openCaseFor } from "./cases.fixtures.ts";
import { freePort, quietLog, runCli, spawnCli, testDatabase, waitFor } from "./helpers.ts";
import { startRecorder } from "./webhook-recorder.ts";

const SECRET = "kill-test-secret-0123456789";

test("kill -9 during the webhook call ends in exactly one delivered key", { timeout: 120_000 }, async () => {
  const tdb = await testDatabase();
  const conn = await connect({ databaseUrl: tdb.url, dataDir: "unused", log: quietLog });
  // The first call hangs (abusedesk is killed while it waits); every later one is answered 200.
  const rec = await startRecorder(SECRET, ({ nth }) => (nth === 1 ? "hang" : 200));
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-kill-"));
  const children: ReturnType<typeof spawnCli>[] = [];
  try {
    await migrate(conn.db);
    await loadDemo(conn.db, SYSTEM);
    const tokens: Record<string, string> = {};
    for (const role of ["supervisor", "legal"] as const) {
      const user = await createUser(conn.db, SYSTEM, { email: `${role}@kill.test`, role });
      assert.ok(user.ok);
      const token = await createToken(conn.db, SYSTEM, { name: role, user: user.value.id });
      assert.ok(token.ok);
      tokens[role] = token.value.token;
    }
    await insertCustomer(conn.db, "kill-1", "x2com-nl");
    const kase = await openCaseFor(conn.db, await loadPolicies(loadConfig({}, {})), {
      brand: "x2com-nl",
      customer: "kill-1",
      category: "botnet",
      ip: "192.0.2.33",
    });
    const connectors = path.join(dir, "connectors.yaml");
    writeFileSync(
      connectors,
      `connectors:
  - id: panel
    type: webhook
    url: ${rec.url("/panel")}
    secret: \${ABUSEDESK_KILL_SECRET}
    steps: [suspend]
    timeout_seconds: 3
`,
    );
    const http = await freePort();
    const smtp = await freePort();
    const args = [
      "start",
      "--http",
      `127.0.0.1:${http}`,
      "--smtp",
      `127.0.0.1:${smtp}`,
      "--connectors",
      connectors,
    ];
    const env = {
      DATABASE_URL: tdb.url,
      ABUSEDESK_KILL_SECRET: SECRET,
      ABUSEDESK_MEASURES_SWEEP_SECONDS: "1",
      ABUSEDESK_LOG_LEVEL: "warn",
    };
    const api = (role: string, p: string, body: unknown) =>
      fetch(`http://127.0.0.1:${http}${p}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens[role]}` },
        body: JSON.stringify(body),
      });

    const first = spawnCli(args, env);
    children.push(first);
    await first.started;
    const asked = await api("supervisor", `/api/v1/cases/${kase}/actions`, {
      step: "suspend",
      reason: "attacks",
    });
    assert.equal(asked.status, 201);
    const id = ((await asked.json()) as { action: { id: number } }).action.id;
    const approved = await api("legal", `/api/v1/actions/${id}/approve`, {});
    assert.equal(approved.status, 200);
    const key = ((await approved.json()) as { execution: { idempotency_key: string } }).execution
      .idempotency_key;

    // The worker is in the middle of the call: kill -9.
    const [hung] = await rec.waitFor(1, "/panel");
    first.child.kill("SIGKILL");
    assert.equal((await first.exited).signal, "SIGKILL");
    assert.equal(hung!.key, key);
    const midway = await conn.db
      .selectFrom("actions")
      .select("state")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    assert.equal(midway.state, "executing", "the process died mid-call");

    const second = spawnCli(args, env);
    children.push(second);
    await second.started;
    await waitFor(
      async () => {
        const a = await conn.db.selectFrom("actions").select("state").where("id", "=", id).executeTakeFirst();
        return a?.state === "done";
      },
      60_000,
      "the restarted desk to finish the call",
    );
    const calls = rec.on("/panel");
    assert.equal(calls.length, 2, "the call was made again once");
    assert.deepEqual(
      calls.map((c) => c.key),
      [key, key],
    );
    assert.equal(calls[1]!.body, calls[0]!.body, "with the same body");
    assert.ok(calls.every((c) => c.signatureValid));
    assert.deepEqual([...rec.delivered()], [key], "exactly one delivered key");
    const doneEntries = await conn.db
      .selectFrom("audit_log")
      .select("details")
      .where("action", "=", "case.action.done")
      .where("subject_id", "=", String(kase))
      .execute();
    assert.equal(doneEntries.length, 1);
    const call = await conn.db
      .selectFrom("measure_calls")
      .selectAll()
      .where("action_id", "=", id)
      .executeTakeFirstOrThrow();
    assert.equal(call.attempts, 2);
    assert.equal(call.state, "done");
  } finally {
    for (const c of children)
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGTERM");
    await Promise.all(children.map((c) => c.exited));
    await rec.close();
    await conn.close();
    await tdb.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("abusedesk start refuses a broken connectors file with the file, the line and what to do", async () => {
  const tdb = await testDatabase();
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-badconn-"));
  try {
    const file = path.join(dir, "connectors.yaml");
    writeFileSync(
      file,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the connectors file's own ${NAME} syntax
      "connectors:\n  - id: panel\n    type: webhook\n    url: https://panel.example/\n    secret: ${NOT_SET_ANYWHERE}\n    steps: [suspend]\n",
    );
    const http = await freePort();
    const smtp = await freePort();
    const r = await runCli(
      ["start", "--http", `127.0.0.1:${http}`, "--smtp", `127.0.0.1:${smtp}`, "--connectors", file],
      { DATABASE_URL: tdb.url },
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /connectors\.yaml:5:13: the environment variable NOT_SET_ANYWHERE is not set .*export it before starting abusedesk/,
    );
  } finally {
    await tdb.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
