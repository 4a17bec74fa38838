/**
 * People, not tokens (issue 9 §2) and the first sign-in (issue 15), through the real doors: the CLI, the
 * API and the console's sign-in pages, on one desk whose rate limits are low enough to reach.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import Fastify from "fastify";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import client from "prom-client";
import { ROUTES } from "../src/app.ts";
import { auditTrail } from "../src/audit.ts";
import { createToken, createUser, SYSTEM } from "../src/auth/auth.store.ts";
import { CONTENT_SECURITY_POLICY, rateLimit } from "../src/auth/http.ts";
import { totpCode } from "../src/auth/totp.ts";
import { loadConfig } from "../src/config.ts";
import type { Database } from "../src/db/schema.ts";
import { RateLimiter } from "../src/rate-limit.ts";
import { buildServer } from "../src/server.ts";
import { Browser, personWithPassword } from "./browser.ts";
import { json, quietLog, runCli, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({
    // Tests knock from "different addresses" through a trusted proxy header on loopback.
    config: { signInRateAccount: "5/15m", signInRateAddress: "8/15m", trustProxy: "127.0.0.1" },
  });
});
after(() => t.stop());

const db = () => t.desk.conn.db;
let addressCount = 0;
/** A browser that comes from an address of its own (so that the per-address limit is its own). */
const browser = () => new Browser(t.baseUrl, { "x-forwarded-for": `198.51.100.${++addressCount}` });
const cli = (args: string[]) => runCli(args, { DATABASE_URL: t.databaseUrl });
const bearer = (token: string, path: string, init: RequestInit = {}) =>
  fetch(`${t.baseUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
  });

async function tokenOf(user: string, name: string): Promise<{ id: number; token: string }> {
  const made = await createToken(db(), SYSTEM, { name, user });
  if (!made.ok) throw new Error(made.error.message);
  return made.value;
}

test("every response carries the security headers: pages, CSS, the API, errors and unknown URLs", async () => {
  const token = await t.token("auditor");
  const responses = [
    await fetch(`${t.baseUrl}/login`),
    await fetch(`${t.baseUrl}/sign-in.css`),
    await fetch(`${t.baseUrl}/api/v1/me`),
    await bearer(token, "/api/v1/brands"),
    await fetch(`${t.baseUrl}/no-such-page`),
    await fetch(`${t.baseUrl}/api/v1/no-such-route`, { headers: { authorization: `Bearer ${token}` } }),
    await fetch(`${t.baseUrl}/healthz`),
  ];
  assert.deepEqual(
    responses.map((r) => r.status),
    [200, 200, 401, 200, 404, 404, 200],
  );
  for (const res of responses) {
    const h = res.headers;
    assert.equal(h.get("content-security-policy"), CONTENT_SECURITY_POLICY, res.url);
    assert.match(h.get("content-security-policy")!, /frame-ancestors 'none'/);
    assert.equal(h.get("x-frame-options"), "DENY");
    assert.equal(h.get("x-content-type-options"), "nosniff");
    assert.equal(h.get("referrer-policy"), "no-referrer");
    assert.equal(h.get("cross-origin-opener-policy"), "same-origin");
    assert.equal(h.get("strict-transport-security"), null, "no HSTS over plain HTTP");
  }
  // The sign-in page works under that policy: its CSS is a file, nothing inline.
  const html = await (await fetch(`${t.baseUrl}/login`)).text();
  assert.doesNotMatch(html, /<style|\sstyle=|<script|\son[a-z]+=/i);
  assert.match(html, /<link rel="stylesheet" href="\/sign-in.css">/);
  const css = await fetch(`${t.baseUrl}/sign-in.css`);
  assert.match(css.headers.get("content-type") ?? "", /text\/css/);
  assert.match(await css.text(), /\.error/);

  // Behind TLS (secureCookies) the desk also says: HTTPS only, from now on.
  const pool = new pg.Pool({ connectionString: "postgres://unused@127.0.0.1:1/unused" });
  const app = await buildServer(
    {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      log: quietLog,
      config: loadConfig({ secureCookies: true }, {}),
      jobs: null,
      metrics: new client.Registry(),
      policies: new Map(),
      pipeline: { resolve: async () => [], group: async () => [] },
    },
    ROUTES,
  );
  try {
    const res = await app.inject({ method: "GET", url: "/login" });
    assert.match(res.headers["strict-transport-security"] as string, /max-age=31536000/);
    assert.match(String(res.headers["set-cookie"]), /abusedesk_form=.*Secure/);
  } finally {
    await app.close();
    await pool.end();
  }
});

test("tokens through the CLI: listed with person, role, scope and state; a revoked token and an expired one are refused", async () => {
  await createUser(db(), SYSTEM, { email: "alice@x2com.nl", role: "agent" });
  const made = await cli(["token", "create", "--name", "laptop", "--user", "alice@x2com.nl"]);
  assert.equal(made.code, 0, made.stderr);
  const token = made.stdout.trim().split("\n").at(-1)!;
  const old = await tokenOf("alice@x2com.nl", "old-laptop");

  const me = await bearer(token, "/api/v1/me");
  assert.equal(me.status, 200);
  assert.equal((await json(me)).name, "alice@x2com.nl (token:laptop)");

  // An expired token is nobody: as if its expiry had passed.
  await db()
    .updateTable("api_tokens")
    .set({ expires_at: new Date(Date.now() - 60_000) })
    .where("id", "=", old.id)
    .execute();
  const expired = await bearer(old.token, "/api/v1/me");
  assert.equal(expired.status, 401);
  assert.match((await json(expired)).message, /unknown or revoked/);

  const list = await cli(["token", "list", "--user", "alice@x2com.nl"]);
  assert.equal(list.code, 0, list.stderr);
  const lines = list.stdout.trim().split("\n");
  assert.match(lines[0]!, /^ID\s+NAME\s+PERSON\s+ROLE\s+SCOPE\s+BRANDS\s+STATE\s+EXPIRES\s+LAST USED$/);
  assert.equal(lines.length, 3);
  const laptop = lines.find((l) => /\blaptop\b/.test(l) && !/old-laptop/.test(l))!;
  assert.match(laptop, /alice@x2com\.nl\s+agent\s+write\s+person's\s+active/);
  assert.match(lines.find((l) => /old-laptop/.test(l))!, /expired/);
  assert.ok(!list.stdout.includes(token), "the secret is never shown again");
  const id = laptop.trim().split(/\s+/)[0]!;

  const revoked = await cli(["token", "revoke", id]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stdout, new RegExp(`token ${id} "laptop" \\(alice@x2com\\.nl\\) is revoked`));
  const refused = await bearer(token, "/api/v1/me");
  assert.equal(refused.status, 401);
  const again = await t.api("admin", `/api/v1/tokens/${id}`, { method: "DELETE" });
  assert.equal(again.status, 409);
  assert.match((await json(again)).message, /was revoked already, at \d{4}-/);
  const states = await json(await t.api("admin", "/api/v1/tokens?state=revoked&user=alice@x2com.nl"));
  assert.deepEqual(
    states.items.map((x: { id: number; state: string }) => [x.id, x.state]),
    [[Number(id), "revoked"]],
  );

  // The audit log names who revoked which token.
  const entry = (await auditTrail(db(), "api_token", Number(id))).at(-1)!;
  assert.equal(entry.action, "token.revoke");
  assert.match(entry.actor, /^cli:/);
  assert.deepEqual(entry.details, { name: "laptop", user: "alice@x2com.nl", role: "agent" });
});

test("tokens through the API: a person sees and revokes their own, an admin all; another's token is not found", async () => {
  await createUser(db(), SYSTEM, { email: "bob@extin.eu", role: "supervisor" });
  await createUser(db(), SYSTEM, { email: "carol@extin.eu", role: "legal" });
  const bob1 = await tokenOf("bob@extin.eu", "bob-desk");
  const bob2 = await tokenOf("bob@extin.eu", "bob-phone");
  const carol = await tokenOf("carol@extin.eu", "carol-desk");

  const mine = await json(await bearer(bob1.token, "/api/v1/tokens"));
  assert.deepEqual(
    mine.items.map((x: { name: string }) => x.name),
    ["bob-desk", "bob-phone"],
  );
  assert.equal(mine.total, 2);
  assert.ok(
    mine.items.every(
      (x: { user: string; state: string }) => x.user === "bob@extin.eu" && x.state === "active",
    ),
  );
  assert.ok(!JSON.stringify(mine).includes(bob1.token));

  const others = await bearer(bob1.token, `/api/v1/tokens/${carol.id}`, { method: "DELETE" });
  assert.equal(others.status, 404);
  assert.match((await json(others)).message, /no token \d+ of yours/);
  assert.equal((await bearer(carol.token, "/api/v1/me")).status, 200, "carol's token still works");

  const own = await bearer(bob1.token, `/api/v1/tokens/${bob2.id}`, { method: "DELETE" });
  assert.equal(own.status, 200);
  assert.equal((await json(own)).state, "revoked");
  assert.equal((await bearer(bob2.token, "/api/v1/me")).status, 401);
  const entry = (await auditTrail(db(), "api_token", bob2.id)).at(-1)!;
  assert.equal(entry.action, "token.revoke");
  assert.equal(entry.actor, "bob@extin.eu (token:bob-desk)", "the person and the token that did it");

  // A read-only token may list but not revoke.
  const reader = await createToken(db(), SYSTEM, { name: "bob-read", user: "bob@extin.eu", scope: "read" });
  assert.ok(reader.ok);
  assert.equal((await bearer(reader.value.token, "/api/v1/tokens")).status, 200);
  assert.equal(
    (await bearer(reader.value.token, `/api/v1/tokens/${bob1.id}`, { method: "DELETE" })).status,
    403,
  );

  const admin = await json(await t.api("admin", "/api/v1/tokens?user=carol@extin.eu"));
  assert.deepEqual(
    admin.items.map((x: { name: string }) => x.name),
    ["carol-desk"],
  );
  const all = await json(await t.api("admin", "/api/v1/tokens?limit=2"));
  assert.equal(all.items.length, 2);
  assert.ok(all.total > 2 && all.next_cursor);
  const page2 = await json(await t.api("admin", `/api/v1/tokens?limit=2&cursor=${all.next_cursor}`));
  assert.ok(page2.items[0].id > all.items[1].id);
  const byAdmin = await t.api("admin", `/api/v1/tokens/${carol.id}`, { method: "DELETE" });
  assert.equal(byAdmin.status, 200);
  assert.equal((await bearer(carol.token, "/api/v1/me")).status, 401);
});

test("a one-time password is used once: the first sign-in leads to choosing a password, then it is refused", async () => {
  // As `abusedesk user create` makes it (test/http.test.ts runs that command itself).
  const made = await createUser(db(), SYSTEM, { email: "dave@webxtra.nl", role: "agent" });
  assert.ok(made.ok);
  const once = made.value.password;
  const b = browser();
  const first = await b.signIn("dave@webxtra.nl", once);
  assert.equal(first.status, 303);
  assert.equal(first.headers.get("location"), "/login/step");
  assert.equal(b.cookies.has("abusedesk_session"), false, "no session before a password of one's own");
  const step = await (await b.get("/login/step")).text();
  assert.match(step, /<h1>Choose your own password<\/h1>/);
  assert.match(step, /At least 12 characters/);
  assert.match(step, /<label for="password">New password<\/label>/);

  for (const [weak, said] of [
    ["short one", /too short: use at least 12 characters/],
    ["dave@webxtra.nl-2026", /contains your e-mail address/],
    ["Password2026!", /well-known password/],
  ] as const) {
    const res = await b.submit("/login/step", "/login/step", { password: weak, confirm: weak });
    assert.equal(res.status, 422, weak);
    assert.match(await res.text(), said);
  }
  const differ = await b.submit("/login/step", "/login/step", {
    password: "lanterns over the canal",
    confirm: "lanterns over the canals",
  });
  assert.match(await differ.text(), /The two passwords differ/);
  const reuse = await b.submit("/login/step", "/login/step", { password: once, confirm: once });
  assert.equal(reuse.status, 422);

  const chosen = await b.submit("/login/step", "/login/step", {
    password: "lanterns over the canal",
    confirm: "lanterns over the canal",
  });
  assert.equal(chosen.status, 303);
  assert.equal(chosen.headers.get("location"), "/");
  assert.ok(b.cookies.has("abusedesk_session"));

  // The second use of the one-time password is refused; the chosen password signs in at once.
  const second = await browser().signIn("dave@webxtra.nl", once);
  assert.equal(second.status, 401);
  assert.match(await second.text(), /Wrong e-mail address or password/);
  const own = await browser().signIn("dave@webxtra.nl", "lanterns over the canal");
  assert.equal(own.status, 303);
  assert.equal(own.headers.get("location"), "/");

  // An admin's reset gives a new one-time password, which again works once; the sessions end.
  const reset = await cli(["user", "reset-password", "--email", "dave@webxtra.nl"]);
  assert.equal(reset.code, 0, reset.stderr);
  const again = reset.stdout.trim().split("\n").at(-1)!;
  assert.notEqual(again, once);
  assert.equal((await b.get("/")).status, 302, "signed out by the reset");
  assert.equal((await browser().signIn("dave@webxtra.nl", "lanterns over the canal")).status, 401);
  const b2 = browser();
  assert.equal((await b2.signIn("dave@webxtra.nl", again)).headers.get("location"), "/login/step");
  const done = await b2.submit("/login/step", "/login/step", {
    password: "a kettle of herons",
    confirm: "a kettle of herons",
  });
  assert.equal(done.headers.get("location"), "/");
  assert.equal((await browser().signIn("dave@webxtra.nl", again)).status, 401);
  const trail = (
    await auditTrail(
      db(),
      "user",
      (
        await json(await t.api("admin", "/api/v1/users"))
      ).items.find((u: { email: string }) => u.email === "dave@webxtra.nl").id,
    )
  ).map((e) => e.action);
  assert.deepEqual(trail, [
    "user.create",
    "user.password",
    "user.login",
    "user.login",
    "user.reset_password",
    "user.password",
    "user.login",
  ]);
});

test("TOTP: an admin requires it for a role; people enrol at sign-in, then every sign-in asks a code, used once", async () => {
  const set = await t.api("admin", "/api/v1/settings/totp", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ required_roles: ["legal"] }),
  });
  assert.equal(set.status, 200);
  assert.deepEqual(await json(set), { required_roles: ["legal"] });
  const status = await cli(["totp", "status"]);
  assert.match(status.stdout, /TOTP is required for: legal; optional for the other roles/);

  const erin = await personWithPassword(db(), "erin@x2com.nl", "legal");
  const b = browser();
  assert.equal((await b.signIn(erin.email, erin.password)).headers.get("location"), "/login/step");
  const enrol = await (await b.get("/login/step")).text();
  assert.match(enrol, /Set up two-step sign-in/);
  const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(enrol)![1]!.replaceAll(" ", "");
  assert.match(enrol, /otpauth:\/\/totp\/abusedesk:erin%40x2com\.nl\?/);
  assert.equal(b.cookies.has("abusedesk_session"), false);
  const wrong = await b.submit("/login/step", "/login/step", {
    code: "000000" === totpCode(secret) ? "111111" : "000000",
  });
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /role="alert"[^>]*>That code is not right/);
  const now = Date.now();
  const enrolled = await b.submit("/login/step", "/login/step", { code: totpCode(secret, now) });
  assert.equal(enrolled.headers.get("location"), "/");
  assert.ok(b.cookies.has("abusedesk_session"));

  // The next sign-in asks for a code; the code already used is refused, a new one lets her in.
  const b2 = browser();
  assert.equal((await b2.signIn(erin.email, erin.password)).headers.get("location"), "/login/step");
  assert.match(await (await b2.get("/login/step")).text(), /Code from your authenticator app/);
  const replay = await b2.submit("/login/step", "/login/step", { code: totpCode(secret, now) });
  assert.equal(replay.status, 401);
  const next = await b2.submit("/login/step", "/login/step", { code: totpCode(secret, now + 30_000) });
  assert.equal(next.headers.get("location"), "/");

  // Five wrong codes void the sign-in.
  const b3 = browser();
  await b3.signIn(erin.email, erin.password);
  let last: Response | undefined;
  for (let i = 0; i < 5; i++) last = await b3.submit("/login/step", "/login/step", { code: "12345x" });
  assert.match(await last!.text(), /Too many wrong codes/);
  assert.equal((await b3.get("/login/step")).headers.get("location"), "/login");

  // A lost phone: the admin resets it, and she enrols again at her next sign-in.
  const users = await json(await t.api("admin", "/api/v1/users"));
  const row = users.items.find((u: { email: string }) => u.email === erin.email);
  assert.equal(row.totp, true);
  assert.equal((await t.api("admin", `/api/v1/users/${row.id}/totp`, { method: "DELETE" })).status, 200);
  const b4 = browser();
  await b4.signIn(erin.email, erin.password);
  assert.match(await (await b4.get("/login/step")).text(), /Set up two-step sign-in/);

  // Optional for others: an agent turns it on from the account page, and from then on it is asked.
  const fay = await personWithPassword(db(), "fay@x2com.nl", "agent");
  const b5 = browser();
  assert.equal((await b5.signIn(fay.email, fay.password)).headers.get("location"), "/", "no TOTP yet");
  const account = await (await b5.get("/account")).text();
  assert.match(account, /Two-step sign-in is off/);
  const fs = /id="totp-secret">([A-Z2-7 ]+)</.exec(account)![1]!.replaceAll(" ", "");
  const on = await b5.submit("/account", "/account/totp", { code: totpCode(fs) });
  assert.equal(on.status, 200);
  assert.match(await on.text(), /Two-step sign-in is on for your account/);
  assert.equal((await browser().signIn(fay.email, fay.password)).headers.get("location"), "/login/step");
  await t.api("admin", "/api/v1/settings/totp", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ required_roles: [] }),
  });
});

test("sign-in attempts are rate limited per account and per address: 429, Retry-After, and a page that says when", async () => {
  const gus = await personWithPassword(db(), "gus@extin.eu", "agent");
  // Five wrong passwords from five addresses: the account's limit is reached, whoever asks next.
  for (let i = 0; i < 5; i++)
    assert.equal((await browser().signIn(gus.email, "not his password")).status, 401);
  const blocked = await browser().signIn(gus.email, gus.password);
  assert.equal(blocked.status, 429);
  assert.match(blocked.headers.get("retry-after") ?? "", /^\d+$/);
  assert.ok(Number(blocked.headers.get("retry-after")) > 60);
  assert.match(
    await blocked.text(),
    /role="alert"[^>]*>Too many sign-in attempts\. Try again in \d+ minutes\./,
  );
  const nl = new Browser(t.baseUrl, { "x-forwarded-for": "198.51.100.250", "accept-language": "nl" });
  assert.match(
    await (await nl.signIn(gus.email, gus.password)).text(),
    /Te veel inlogpogingen\. Probeer het over \d+ minuten opnieuw\./,
  );

  // One address trying many accounts meets the address's limit (8 per window here).
  const b = browser();
  for (let i = 0; i < 8; i++) assert.equal((await b.signIn(`nobody${i}@extin.eu`, "guess")).status, 401);
  const tooMany = await b.signIn("gus-other@extin.eu", "guess");
  assert.equal(tooMany.status, 429);
  assert.ok(tooMany.headers.get("retry-after"));
});

test("the rate-limit hook for public routes answers 429 with Retry-After and a sentence", async () => {
  const app = Fastify();
  const limiter = new RateLimiter({ limit: 2, windowMs: 60_000 });
  app.setErrorHandler(
    (err: Error & { statusCode?: number; headers?: Record<string, string> }, _req, reply) => {
      for (const [k, v] of Object.entries(err.headers ?? {})) reply.header(k, v);
      reply.code(err.statusCode ?? 500).send({ message: err.message });
    },
  );
  app.post("/notice", { preHandler: rateLimit(limiter, (req) => req.ip) }, async () => ({ ok: true }));
  try {
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(await app.inject({ method: "POST", url: "/notice" }));
    assert.deepEqual(
      codes.map((c) => c.statusCode),
      [200, 200, 429],
    );
    assert.equal(codes[2]!.headers["retry-after"], "60");
    assert.match(codes[2]!.json().message, /too many requests; try again in 60 seconds/);
  } finally {
    await app.close();
  }
  assert.throws(
    () => loadConfig({ publicRate: "ten a minute" }, {}),
    /ABUSEDESK_PUBLIC_RATE`: write a rate as "N\/DURATION"/,
  );
  assert.deepEqual(loadConfig({}, { ABUSEDESK_PUBLIC_RATE: "5/2h" }).publicRate, {
    limit: 5,
    windowMs: 7_200_000,
  });
});

test("forms without their CSRF token are refused; the sign-in page speaks Dutch and English", async () => {
  const hal = await personWithPassword(db(), "hal@x2com.nl", "agent");
  const b = browser();
  const noToken = await b.post("/login", { email: hal.email, password: hal.password });
  assert.equal(noToken.status, 403);
  assert.match(await noToken.text(), /The form had expired/);
  await b.get("/login");
  const forged = await b.post("/login", { email: hal.email, password: hal.password, csrf: "x".repeat(43) });
  assert.equal(forged.status, 403);
  assert.equal(b.cookies.has("abusedesk_session"), false);
  assert.equal((await b.signIn(hal.email, hal.password)).status, 303);
  // Hostile input gets a clear answer, never a 500.
  const nul = await browser().submit("/login", "/login", {
    email: "hal\u0000@x2com.nl",
    password: "x\u0000",
  });
  assert.equal(nul.status, 400, "a NUL is refused before the sign-in runs (server.ts refuseUnstorableText)");
  assert.equal((await t.api("admin", "/api/v1/tokens?user=a%00b")).status, 400);
  const badUser = await t.api("admin", "/api/v1/users", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "x\u0000y@x2com.nl", role: "agent" }),
  });
  assert.equal(badUser.status, 400);
  assert.match((await json(badUser)).message, /email.*NUL/i);
  const change = await b.post("/account/password", {
    current: hal.password,
    password: "a different sentence here",
    confirm: "a different sentence here",
  });
  assert.equal(change.status, 403, "a cross-site post to the account page");

  const nl = new Browser(t.baseUrl, { "accept-language": "nl-NL,nl;q=0.9,en;q=0.5" });
  const page = await (await nl.get("/login")).text();
  assert.match(page, /<html lang="nl">/);
  assert.match(page, /<h1>Inloggen<\/h1>/);
  assert.match(page, /<label for="email">E-mailadres<\/label>/);
  assert.match(page, /<label for="password">Wachtwoord<\/label>/);
  assert.match(page, /<nav class="languages" aria-label="Taal">/);
  const wrong = await nl.signIn(hal.email, "niet goed");
  const text = await wrong.text();
  assert.match(
    text,
    /<p class="error" role="alert" id="form-error">Onjuist e-mailadres of wachtwoord\.<\/p>/,
  );
  assert.match(text, /aria-describedby="form-error" aria-invalid="true"/);
  // ?lang= switches and is remembered, whatever the browser prefers.
  const en = await nl.get("/login?lang=en");
  assert.match(await en.text(), /<html lang="en">[\s\S]*<h1>Sign in<\/h1>/);
  assert.equal(nl.cookies.get("abusedesk_lang"), "en");
  assert.match(await (await nl.get("/login")).text(), /<label for="email">E-mail address<\/label>/);
});
