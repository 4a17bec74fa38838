/**
 * The relay for real, on loopback: STARTTLS is used when the relay offers it, required when the URL says
 * so (and then nothing goes out in the clear), smtps:// speaks TLS from the first byte, and a login is
 * given when the URL has one.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { createRelay, parseRelayUrl } from "../src/messages/relay.ts";

let dir: string;
let tls: { key: Buffer; cert: Buffer } | undefined;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), "abusedesk-relay-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
      ],
      { stdio: "ignore" },
    );
    tls = { key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) };
  } catch {
    tls = undefined;
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Seen {
  secure: boolean;
  user: string | null;
  messageId: string | undefined;
}

async function relayServer(opts: Partial<SMTPServerOptions>) {
  const seen: Seen[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    ...opts,
    onAuth(auth, _session, cb) {
      if (auth.username === "desk" && auth.password === "s3cret") return cb(null, { user: "desk" });
      cb(new Error("535 5.7.8 authentication failed"));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("latin1");
        seen.push({
          secure: session.secure,
          user: (session.user as string | undefined) ?? null,
          messageId: /^Message-ID: <([^>]+)>/im.exec(raw)?.[1],
        });
        cb();
      });
    },
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as { port: number }).port)),
  );
  return { port, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const mail = (id: string) => ({
  from: { name: "Extin abuse desk", address: "abuse@extin.eu" },
  to: ["klant@example.org"],
  subject: "[Extin abuse #1] Waarschuwing",
  text: "Geachte klant,\n",
  messageId: id,
  inReplyTo: null,
  references: [],
  automatic: false,
  envelopeId: "abusedesk-m1",
});

test("STARTTLS is used when the relay offers it; with a login from the URL", async (t) => {
  if (!tls) return t.skip("openssl is not installed");
  const server = await relayServer({ key: tls.key, cert: tls.cert });
  const relay = createRelay(parseRelayUrl(`smtp://desk:s3cret@127.0.0.1:${server.port}?tls_verify=false`), {
    connections: 1,
  });
  try {
    const out = await relay.send(mail("m1@extin.eu"));
    assert.equal(out.kind, "sent", JSON.stringify(out));
    assert.deepEqual(server.seen, [{ secure: true, user: "desk", messageId: "m1@extin.eu" }]);
  } finally {
    relay.close();
    await server.close();
  }
});

test("starttls=required sends nothing to a relay without STARTTLS: it is tried again later", async () => {
  const server = await relayServer({ disabledCommands: ["STARTTLS", "AUTH"] });
  const relay = createRelay(parseRelayUrl(`smtp://127.0.0.1:${server.port}?starttls=required`), {
    connections: 1,
  });
  try {
    const out = await relay.send(mail("m2@extin.eu"));
    assert.equal(out.kind, "retry");
    assert.match((out as { message: string }).message, /STARTTLS/i);
    assert.equal(server.seen.length, 0, "nothing went out in the clear");
  } finally {
    relay.close();
    await server.close();
  }
});

test("smtps:// speaks TLS from the first byte", async (t) => {
  if (!tls) return t.skip("openssl is not installed");
  const server = await relayServer({
    secure: true,
    key: tls.key,
    cert: tls.cert,
    disabledCommands: ["AUTH"],
  });
  const relay = createRelay(parseRelayUrl(`smtps://127.0.0.1:${server.port}?tls_verify=false`), {
    connections: 1,
  });
  try {
    const out = await relay.send(mail("m3@extin.eu"));
    assert.equal(out.kind, "sent", JSON.stringify(out));
    assert.equal(server.seen[0]?.secure, true);
    assert.equal(server.seen[0]?.messageId, "m3@extin.eu", "the Message-ID given, not one of the relay's");
  } finally {
    relay.close();
    await server.close();
  }
});

test("a relay that refuses the login is tried again (the message is not lost)", async () => {
  const server = await relayServer({ disabledCommands: ["STARTTLS"] });
  const relay = createRelay(parseRelayUrl(`smtp://desk:wrong@127.0.0.1:${server.port}`), { connections: 1 });
  try {
    const out = await relay.send(mail("m4@extin.eu"));
    assert.equal(out.kind, "retry");
    assert.equal(server.seen.length, 0);
  } finally {
    relay.close();
    await server.close();
  }
});
