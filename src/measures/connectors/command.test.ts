import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { runCommand } from "./command.ts";
import { CommandSchema, WebhookSchema } from "./config.ts";
import { callWebhook, MAX_ANSWER_BYTES } from "./webhook.ts";

let dir: string;
let script: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), "abusedesk-command-"));
  script = path.join(dir, "measure.cjs");
  // A stand-in for an operator's script: keeps what it got, answers, exits as told.
  writeFileSync(
    script,
    `const fs = require("node:fs");
     const input = fs.readFileSync(0, "utf8");
     fs.writeFileSync(process.argv[2], JSON.stringify({ input, env: process.env, args: process.argv.slice(3) }));
     const mode = process.argv[3];
     if (mode === "sleep") setTimeout(() => {}, 60000);
     else if (mode === "fail") { process.stderr.write("panel refused: customer unknown"); process.exit(3); }
     else process.stdout.write("suspended vps-12");`,
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

const request = { key: "k-1", body: '{"id":"k-1","step":"suspend"}', payload: {} as never, attempt: 2 };
const command = (args: string[], more: Record<string, unknown> = {}) =>
  CommandSchema.parse({
    id: "script",
    type: "command",
    steps: ["suspend"],
    command: [process.execPath, script, ...args],
    ...more,
  });

test("the command gets the JSON on stdin, its arguments, no shell, and only the environment the file gives it", async () => {
  const out = path.join(dir, "ok.json");
  process.env.ABUSEDESK_SECRET_NOT_FOR_SCRIPTS = "db-password";
  const r = await runCommand(command([out, "ok", "a b; rm -rf /"], { env: { PANEL_TOKEN: "t" } }), request);
  assert.deepEqual(r, { ok: true, answer: "suspended vps-12" });
  const seen = JSON.parse(readFileSync(out, "utf8"));
  assert.equal(seen.input, request.body);
  assert.deepEqual(seen.args, ["ok", "a b; rm -rf /"], "arguments are passed as they are, never to a shell");
  assert.equal(seen.env.PANEL_TOKEN, "t");
  assert.equal(seen.env.ABUSEDESK_IDEMPOTENCY_KEY, "k-1");
  assert.equal(seen.env.ABUSEDESK_ATTEMPT, "2");
  assert.equal(seen.env.ABUSEDESK_SECRET_NOT_FOR_SCRIPTS, undefined);
  assert.equal(seen.env.DATABASE_URL, undefined);
});

test("a non-zero exit, a program that runs out of time, or one that cannot start is a failure", async () => {
  const failed = await runCommand(command([path.join(dir, "f.json"), "fail"]), request);
  assert.deepEqual(failed, {
    ok: false,
    retry: true,
    status: 3,
    error: `the command ${process.execPath} exited with status 3`,
    answer: "panel refused: customer unknown",
  });
  const slow = await runCommand(
    command([path.join(dir, "s.json"), "sleep"], { timeout_seconds: 0.5 }),
    request,
  );
  assert.ok(!slow.ok && slow.retry);
  assert.match(slow.error, /did not finish within 0.5 s and was stopped/);
  const missing = await runCommand(
    CommandSchema.parse({ id: "x", type: "command", steps: ["block"], command: ["/nonexistent/measure"] }),
    request,
  );
  assert.ok(!missing.ok && !missing.retry);
  assert.match(missing.error, /could not be started \(ENOENT\); check the path/);
});

test("the webhook follows no redirect, gives up at its time limit, and keeps at most MAX_ANSWER_BYTES of an answer", async () => {
  const server = createServer((req, res) => {
    if (req.url === "/redirect") {
      res.writeHead(307, { location: "/elsewhere" });
      res.end();
    } else if (req.url === "/slow") {
      setTimeout(() => res.end("late"), 3000).unref();
    } else {
      res.writeHead(200);
      res.end("x".repeat(MAX_ANSWER_BYTES * 4));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = (p: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`;
  const hook = (p: string, more: Record<string, unknown> = {}) =>
    WebhookSchema.parse({
      id: "w",
      type: "webhook",
      steps: ["block"],
      url: url(p),
      secret: "0123456789abcdef",
      ...more,
    });
  try {
    const redirected = await callWebhook(hook("/redirect"), request);
    assert.ok(!redirected.ok && redirected.retry && redirected.status === 307);
    const slow = await callWebhook(hook("/slow", { timeout_seconds: 0.3 }), request);
    assert.ok(!slow.ok && slow.retry);
    assert.match(slow.error, /could not be reached: no answer within 0.3 s/);
    const big = await callWebhook(hook("/big"), request);
    assert.ok(big.ok);
    assert.equal(big.answer.length, MAX_ANSWER_BYTES);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await callWebhook(
      WebhookSchema.parse({
        id: "w",
        type: "webhook",
        steps: ["block"],
        url: `http://127.0.0.1:${port}/`,
        secret: "0123456789abcdef",
      }),
      request,
    );
    assert.ok(!refused.ok && refused.retry);
    assert.match(refused.error, /could not be reached: ECONNREFUSED/);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
