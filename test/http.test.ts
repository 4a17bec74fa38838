import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import client from "prom-client";
import { ROUTES } from "../src/app.ts";
import { signIn } from "../src/auth/sign-in.ts";
import { loadConfig } from "../src/config.ts";
import type { Database } from "../src/db/schema.ts";
import { buildServer, type RouteModule, type Services } from "../src/server.ts";
import { loadConsole } from "../src/web/routes.ts";
import { Browser } from "./browser.ts";
import { freePort, json, quietLog, runCli, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

test("GET /healthz answers 200 when the database answers", async () => {
  const res = await fetch(`${t.baseUrl}/healthz`);
  assert.equal(res.status, 200);
  assert.equal((await json(res)).status, "ok");
});

/** Services for a server built in a test without a desk: no jobs, no policies, a pipeline that does nothing. */
function bareServices(db: Kysely<Database>): Services {
  return {
    db,
    log: quietLog,
    config: loadConfig({}, {}),
    jobs: null,
    metrics: new client.Registry(),
    policies: new Map(),
    pipeline: { resolve: async () => [], group: async () => [] },
  };
}

test("GET /healthz answers 503 when the database does not", async () => {
  const deadPort = await freePort();
  const pool = new pg.Pool({
    host: "127.0.0.1",
    port: deadPort,
    user: "x",
    database: "x",
    connectionTimeoutMillis: 500,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const app = await buildServer(bareServices(db), ROUTES);
  try {
    const res = await app.inject({ method: "GET", url: "/healthz" });
    assert.equal(res.statusCode, 503);
    assert.match(res.json().reason, /database does not answer/);
  } finally {
    await app.close();
    await db.destroy();
  }
});

test("an /api/v1 route that declares no ability stops the server from starting", async () => {
  const services = bareServices(null as unknown as Kysely<Database>);
  const undeclared: RouteModule = (app) => {
    app.get("/api/v1/forgotten", async () => ({ secret: true }));
  };
  await assert.rejects(
    buildServer(services, { api: [undeclared], web: [] }),
    /route GET \/api\/v1\/forgotten declares no ability/,
  );
});

test("GET /metrics is Prometheus text with request counts", async () => {
  await fetch(`${t.baseUrl}/healthz`);
  const res = await fetch(`${t.baseUrl}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
  const text = await res.text();
  assert.match(text, /# TYPE abusedesk_http_requests_total counter/);
  assert.match(text, /abusedesk_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  assert.match(text, /abusedesk_process_resident_memory_bytes/);
});

test("GET /api/openapi.json describes the API from the same zod schemas that validate", async () => {
  const res = await fetch(`${t.baseUrl}/api/openapi.json`);
  assert.equal(res.status, 200);
  const doc = await json(res);
  assert.equal(doc.openapi, "3.0.3");
  assert.ok(doc.paths["/api/v1/brands"].get);
  const tokenBody = doc.paths["/api/v1/tokens"].post.requestBody.content["application/json"].schema;
  assert.deepEqual(tokenBody.properties.role.enum, ["agent", "supervisor", "legal", "admin", "auditor"]);
  // and the same schema refuses what it does not describe
  const bad = await t.api("admin", "/api/v1/tokens", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "x", role: "root" }),
  });
  assert.equal(bad.status, 400);
  assert.match((await json(bad)).message, /role/);
});

test("every /api/v1 route answers 401 without a token and with a wrong one", async () => {
  for (const path of ["/api/v1/me", "/api/v1/brands", "/api/v1/tokens", "/api/v1/users"]) {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method: path.endsWith("s") && !path.endsWith("brands") ? "POST" : "GET",
    });
    assert.equal(res.status, 401, path);
    assert.match(res.headers.get("www-authenticate") ?? "", /Bearer/);
  }
  const wrong = await fetch(`${t.baseUrl}/api/v1/me`, {
    headers: { authorization: "Bearer adk_not-a-real-token" },
  });
  assert.equal(wrong.status, 401);
  assert.match((await json(wrong)).message, /unknown or revoked/);
});

test("roles are checked: an agent may read but not create tokens (403); an admin may", async () => {
  const me = await t.api("agent", "/api/v1/me");
  assert.equal(me.status, 200);
  const meBody = await json(me);
  assert.deepEqual(meBody, {
    kind: "token",
    name: "test-agent@abusedesk.test (token:test-agent)",
    role: "agent",
    user_id: meBody.user_id,
    scope: "write",
    brands: null,
    language: null,
    abilities: ["read", "work", "submit", "account"],
  });
  assert.equal(typeof meBody.user_id, "number");
  const brands = await t.api("auditor", "/api/v1/brands");
  assert.equal(brands.status, 200);
  assert.equal((await json(brands)).total, 4);

  const body = JSON.stringify({ name: "feed", role: "agent" });
  const headers = { "content-type": "application/json" };
  for (const role of ["agent", "auditor", "supervisor"] as const) {
    const res = await t.api(role, "/api/v1/tokens", { method: "POST", headers, body });
    assert.equal(res.status, 403, role);
    assert.match((await json(res)).message, /may not do this/);
  }
  const made = await t.api("admin", "/api/v1/tokens", { method: "POST", headers, body });
  assert.equal(made.status, 201);
  const { token } = await json(made);
  const withNew = await fetch(`${t.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal((await json(withNew)).name, "token:feed");
});

test("tokens and passwords are stored only hashed; passwords with scrypt", async () => {
  const user = await runCli(["user", "create", "--email", "Agent.Smith@X2com.nl", "--role", "agent"], {
    DATABASE_URL: t.databaseUrl,
  });
  assert.equal(user.code, 0, user.stderr);
  const password = user.stdout.trim().split("\n").at(-1)!;
  assert.match(password, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  const row = await t.desk.conn.db
    .selectFrom("users")
    .selectAll()
    .where("email", "=", "agent.smith@x2com.nl")
    .executeTakeFirstOrThrow();
  assert.match(row.password_hash, /^scrypt\$32768\$8\$1\$/);
  assert.ok(!row.password_hash.includes(password));
  assert.equal((await signIn(t.desk.conn.db, "agent.smith@x2com.nl", password)).ok, true);
  assert.equal((await signIn(t.desk.conn.db, "agent.smith@x2com.nl", "wrong")).ok, false);

  const tok = await runCli(["token", "create", "--name", "shadowserver feed", "--role", "agent"], {
    DATABASE_URL: t.databaseUrl,
  });
  assert.equal(tok.code, 0, tok.stderr);
  const token = tok.stdout.trim().split("\n").at(-1)!;
  assert.match(token, /^adk_[A-Za-z0-9_-]{43}$/);
  const stored = await t.desk.conn.db.selectFrom("api_tokens").select("token_hash").execute();
  assert.ok(stored.every((s) => s.token_hash !== token && /^[0-9a-f]{64}$/.test(s.token_hash)));
  const res = await fetch(`${t.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
});

test("the CLI refuses an unknown role with a clear message", async () => {
  const res = await runCli(["user", "create", "--email", "x@example.org", "--role", "root"], {
    DATABASE_URL: t.databaseUrl,
  });
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /Allowed choices are agent, supervisor, legal, admin, auditor/);
});

test("the console's files: its built assets only, cached by name; its pages only for a signed-in person", async () => {
  const built = loadConsole();
  assert.ok(built, "web/dist is built (npm install builds it)");
  const [name, file] = [...built.assets][0]!;
  const asset = await fetch(`${t.baseUrl}/console/assets/${name}`);
  assert.equal(asset.status, 200);
  assert.equal(asset.headers.get("content-type"), file.type);
  assert.match(asset.headers.get("cache-control") ?? "", /immutable/);
  for (const bad of ["..%2F..%2Fpackage.json", "..%2Findex.html", "nothing.js", "%2Fetc%2Fpasswd"])
    assert.equal((await fetch(`${t.baseUrl}/console/assets/${bad}`)).status, 404, bad);
  for (const page of ["/", "/cases/1", "/dashboard", "/settings", "/customers/x2c-1001"]) {
    const res = await fetch(`${t.baseUrl}${page}`, { redirect: "manual" });
    assert.equal(res.status, 302, page);
    assert.equal(res.headers.get("location"), "/login");
  }
  assert.equal(loadConsole(new URL("./no-such-dist/", import.meta.url)), null);
});

test("console sign-in sets an HttpOnly SameSite session cookie and shows the signed-in user", async () => {
  const made = await runCli(["user", "create", "--email", "sup@x2com.nl", "--role", "supervisor"], {
    DATABASE_URL: t.databaseUrl,
  });
  const password = made.stdout.trim().split("\n").at(-1)!;
  const browser = new Browser(t.baseUrl);

  const anonymous = await browser.get("/");
  assert.equal(anonymous.status, 302);
  assert.equal(anonymous.headers.get("location"), "/login");

  const failed = await browser.signIn("sup@x2com.nl", "nope");
  assert.equal(failed.status, 401);
  assert.match(await failed.text(), /role="alert"[^>]*>Wrong e-mail address or password/);
  assert.equal(browser.cookies.has("abusedesk_session"), false);

  // The one-time password leads to choosing a password of one's own first.
  const first = await browser.signIn("sup@x2com.nl", password);
  assert.equal(first.status, 303);
  assert.equal(first.headers.get("location"), "/login/step");
  const res = await browser.submit("/login/step", "/login/step", {
    password: "a quiet harbour at dawn",
    confirm: "a quiet harbour at dawn",
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/");
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("abusedesk_session="))!;
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Strict/i);
  const page = await browser.get("/");
  assert.equal(page.status, 200);
  // The console's page is the React application; who is signed in, the console asks the API.
  assert.match(await page.text(), /<div id="root">/);
  const whoami = await json(await browser.get("/api/v1/me", { "x-csrf-token": browser.csrfCookie()! }));
  assert.equal(whoami.name, "sup@x2com.nl");
  assert.equal(whoami.role, "supervisor");
  assert.ok(whoami.abilities.includes("approve"));

  // The console calls the API with its cookie, but only with the session's CSRF token beside it: another
  // site can make a browser send the cookie, never read the token.
  const session = `abusedesk_session=${browser.cookies.get("abusedesk_session")}`;
  const api = await fetch(`${t.baseUrl}/api/v1/me`, { headers: { cookie: session } });
  assert.equal(api.status, 403);
  assert.match(((await api.json()) as { message: string }).message, /CSRF/);
  const csrf = res.headers.getSetCookie().find((c) => c.startsWith("abusedesk_csrf="))!;
  assert.doesNotMatch(csrf, /HttpOnly/i);
  const csrfToken = browser.csrfCookie()!;
  const wrong = await fetch(`${t.baseUrl}/api/v1/me`, {
    headers: { cookie: session, "x-csrf-token": `${csrfToken}x` },
  });
  assert.equal(wrong.status, 403);
  const me = await fetch(`${t.baseUrl}/api/v1/me`, {
    headers: { cookie: session, "x-csrf-token": csrfToken },
  });
  assert.equal(me.status, 200);
  assert.equal(((await me.json()) as { name: string }).name, "sup@x2com.nl");

  // Signing out is a change: without the CSRF token it is refused, with it the session ends.
  const forged = await fetch(`${t.baseUrl}/logout`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: session },
  });
  assert.equal(forged.status, 403);
  assert.equal((await browser.get("/")).status, 200, "still signed in");
  const out = await browser.submit("/account", "/logout", {});
  assert.equal(out.status, 303);
  const after = await fetch(`${t.baseUrl}/`, { redirect: "manual", headers: { cookie: session } });
  assert.equal(after.status, 302);
});

test("every /api/v1 route in the OpenAPI description answers 401 without a token, and 403 to a role that may not", async () => {
  const doc = await json(await fetch(`${t.baseUrl}/api/openapi.json`));
  const routes = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(
    ([p, methods]) =>
      Object.entries(methods).map(([m, op]) => ({
        method: m.toUpperCase(),
        path: p.replace(/\{[^}]+\}/g, "1"),
        auditorMay: (op["x-abusedesk-roles"] as string[]).includes("auditor"),
      })),
  );
  assert.ok(routes.length >= 25, `the API has its routes (${routes.length})`);
  let writes = 0;
  for (const r of routes.filter((x) => x.path.startsWith("/api/v1/"))) {
    const res = await fetch(`${t.baseUrl}${r.path}`, { method: r.method });
    assert.equal(res.status, 401, `${r.method} ${r.path}`);
    // The auditor reads everything and changes nothing: 403, checked before the request is validated
    // (an empty or wrong body is not answered 400 to someone who may not make the request at all).
    // (Their own account, such as revoking their own token, is the auditor's like everyone's.)
    if (r.method !== "GET" && !r.auditorMay) {
      const bare = await t.api("auditor", r.path, { method: r.method });
      assert.equal(bare.status, 403, `${r.method} ${r.path} as auditor, no body`);
      const wrongBody = await t.api("auditor", r.path, {
        method: r.method,
        headers: { "content-type": "application/json" },
        body: '{"no such field": true}',
      });
      // 415: a route that takes another content type (a CSV, a mail) refuses JSON before anything else.
      assert.ok(
        [403, 415].includes(wrongBody.status),
        `${r.method} ${r.path} as auditor, wrong body: ${wrongBody.status}`,
      );
      writes++;
    }
  }
  assert.ok(writes >= 15, `auditors are refused the changing routes (${writes})`);
});

test("the demo desk has work in it: reports in every format, cases, one in triage, and history respected", async () => {
  const reports = await json(await t.api("auditor", "/api/v1/reports?limit=50"));
  assert.equal(reports.total, 8);
  const triage = await json(await t.api("auditor", "/api/v1/reports?state=triage"));
  assert.equal(triage.total, 1);
  const cases = await json(await t.api("auditor", "/api/v1/cases?limit=50"));
  assert.ok(cases.total >= 8, `cases: ${cases.total}`);
  // The May complaint about 192.0.2.100 belongs to Jansen, who held the address then (Vermeulen since June).
  const may = await json(await t.api("auditor", "/api/v1/cases?customer=x2c-1002&state=all"));
  assert.equal(may.total, 1);
  assert.equal((await json(await t.api("auditor", "/api/v1/cases?customer=x2c-1003&state=all"))).total, 0);
});

test("an unknown page is an HTML page in the console's layout and language; an unknown API route stays JSON; a favicon", async () => {
  const page = await fetch(`${t.baseUrl}/no/such/page`, { headers: { "accept-language": "nl-NL,nl;q=0.9" } });
  assert.equal(page.status, 404);
  assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
  const html = await page.text();
  assert.match(html, /<html lang="nl">/);
  assert.match(html, /Pagina niet gevonden/);
  assert.match(html, /href="\/sign-in.css"/, "the console's stylesheet");
  assert.match(html, /rel="icon" href="\/favicon.svg"/);
  assert.match(await (await fetch(`${t.baseUrl}/nope?lang=en`)).text(), /Page not found/);

  const api = await fetch(`${t.baseUrl}/api/v1/no-such-route`);
  assert.equal(api.status, 404);
  assert.match(((await api.json()) as { message: string }).message, /no route GET \/api\/v1\/no-such-route/);

  for (const path of ["/favicon.ico", "/favicon.svg"]) {
    const icon = await fetch(`${t.baseUrl}${path}`);
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get("content-type"), "image/svg+xml");
    assert.match(await icon.text(), /^<svg /);
  }
});
