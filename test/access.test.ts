/**
 * Who may see and do what, walked over every route of the OpenAPI document (issue 9 §2): the role matrix
 * (every route × every role against the table in src/auth/roles.ts), and brand isolation (a token limited to
 * one brand gets nothing of another brand from any GET route, and another brand's detail is 404). Routes
 * that other parts add are walked as they appear in the document.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createToken, createUser, SYSTEM } from "../src/auth/auth.store.ts";
import { GRANTS, READ_ABILITIES, ROLES, roleMatrix } from "../src/auth/roles.ts";
import { SEED_BRANDS, saveBrand } from "../src/brands.ts";
import { json, runCli, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk();
});
after(() => t.stop());

const db = () => t.desk.conn.db;
const call = (token: string | null, path: string, method = "GET") =>
  fetch(`${t.baseUrl}${path}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

// biome-ignore lint/suspicious/noExplicitAny: the document is read at run time
type OpenApi = { paths: Record<string, Record<string, any>> };
const openapi = async (): Promise<OpenApi> => json(await fetch(`${t.baseUrl}/api/openapi.json`));

test("the role matrix: every route of the OpenAPI document, with every role, answers as the table says", async () => {
  const doc = await openapi();
  const rows = roleMatrix(doc);
  const operations = Object.entries(doc.paths)
    .filter(([p]) => p.startsWith("/api/v1/"))
    .flatMap(([, methods]) => Object.keys(methods));
  assert.equal(rows.length, operations.length, "every /api/v1 operation names its ability");
  assert.ok(rows.length >= 30, `routes walked: ${rows.length}`);

  const tokens = new Map(await Promise.all(ROLES.map(async (r) => [r, await t.token(r)] as const)));
  const reader = await createToken(db(), SYSTEM, {
    name: "read-only",
    user: "test-admin@abusedesk.test",
    scope: "read",
  });
  assert.ok(reader.ok);
  let allowed = 0;
  let refused = 0;
  for (const row of rows) {
    // A path parameter gets an id that does not exist: an allowed role is told 404 or what is wrong with
    // its request, never 401/403; a refused role is told 403 before anything else.
    const path = row.path.replace(/\{[^}]+\}/g, "999999");
    const what = `${row.method} ${row.path}`;
    const anonymous = await call(null, path, row.method);
    assert.equal(anonymous.status, 401, `${what} without a token`);
    for (const role of ROLES) {
      const res = await call(tokens.get(role)!, path, row.method);
      const expected = GRANTS[role].includes(row.ability);
      assert.equal(row.roles.includes(role), expected, `${what}: x-abusedesk-roles agrees with the table`);
      if (expected) {
        assert.ok(![401, 403].includes(res.status), `${what} as ${role} (${row.ability}): ${res.status}`);
        allowed++;
      } else {
        assert.equal(res.status, 403, `${what} as ${role} (${row.ability})`);
        assert.match((await json(res)).message, /may not do this/);
        refused++;
      }
    }
    const readOnly = await call(reader.value.token, path, row.method);
    if (READ_ABILITIES.includes(row.ability))
      assert.ok(![401, 403].includes(readOnly.status), `${what} read-only`);
    else assert.equal(readOnly.status, 403, `${what} with a read-only admin token`);
  }
  assert.ok(allowed > 50 && refused > 30, `allowed ${allowed}, refused ${refused}`);

  // The same matrix, as a person reads it.
  const printed = await runCli(["roles"]);
  assert.equal(printed.code, 0, printed.stderr);
  const lines = printed.stdout.trim().split("\n");
  assert.match(lines[0]!, /^ROUTE\s+ABILITY\s+AGENT\s+SUPERVISOR\s+LEGAL\s+ADMIN\s+AUDITOR$/);
  assert.equal(lines.length, rows.length + 1);
  assert.match(printed.stdout, /DELETE \/api\/v1\/tokens\/\{id\}\s+account\s+yes\s+yes\s+yes\s+yes\s+yes/);
  assert.match(printed.stdout, /POST \/api\/v1\/tokens\s+admin\s+-\s+-\s+-\s+yes\s+-/);
});

/** Strings that belong to the brand out of scope only: none of them may appear in a scoped answer. */
const OTHER = {
  brand: "webxtra",
  customer: "wx-beta-1",
  ip: "203.0.113.5",
  markers: [
    "webxtra",
    "Web://Xtra",
    "wx-beta-1",
    "Beta Brewery",
    "beta@brewery.example",
    "203.0.113.",
    "Beta Watchers",
    "watch@beta-watchers.example",
    "6d2f0f47-beta",
  ],
};

/** The markers in a body; what the request itself said (an id, a filter value) may be echoed back. */
function markersIn(body: string, echo?: string): string[] {
  const text = echo ? body.replaceAll(echo, "") : body;
  return OTHER.markers.filter((m) => text.includes(m));
}

function xarf(id: string, ip: string, org: string, contact: string) {
  return JSON.stringify({
    xarf_version: "4.2.0",
    report_id: id,
    timestamp: new Date(Date.now() - 3_600_000).toISOString(),
    reporter: { org, contact, domain: contact.split("@")[1] },
    sender: { org, contact, domain: contact.split("@")[1] },
    source_identifier: ip,
    source_port: 22,
    category: "connection",
    type: "login_attack",
  });
}

test("brand isolation: a token limited to one brand gets nothing of another brand from any GET route", async () => {
  for (const b of SEED_BRANDS.filter((x) => x.id === "extin" || x.id === "webxtra"))
    await saveBrand(db(), SYSTEM, b);
  const admin = await t.token("admin");
  const post = (path: string, body: string, type: string) =>
    fetch(`${t.baseUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": type },
      body,
    });
  const csv = [
    "customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to",
    "ext-alpha-1,Alpha Bakery,extin,alpha@bakery.example,ip,192.0.2.0/28,2020-01-01,",
    "wx-beta-1,Beta Brewery,webxtra,beta@brewery.example,ip,203.0.113.0/28,2020-01-01,",
  ].join("\n");
  assert.equal((await post("/api/v1/inventory/import", csv, "text/csv")).status, 202);
  for (const [brand, cidr] of [
    ["extin", "192.0.2.0/24"],
    ["webxtra", "203.0.113.0/24"],
  ])
    assert.ok(
      [200, 201].includes(
        (await post("/api/v1/inventory/ranges", JSON.stringify({ brand, cidr }), "application/json")).status,
      ),
    );
  const alpha = await json(
    await post(
      "/api/v1/reports?brand=extin",
      xarf("6d2f0f47-alpha", "192.0.2.5", "Alpha Honeypots", "hp@alpha-honey.example"),
      "application/json",
    ),
  );
  const beta = await json(
    await post(
      "/api/v1/reports?brand=webxtra",
      xarf("6d2f0f47-beta", OTHER.ip, "Beta Watchers", "watch@beta-watchers.example"),
      "application/json",
    ),
  );
  assert.equal(alpha.cases.length, 1, JSON.stringify(alpha));
  assert.equal(beta.cases.length, 1, JSON.stringify(beta));
  // The other brand also has a step taken on its case and an authority's order about its customer.
  const warned = await post(
    `/api/v1/cases/${beta.cases[0]}/actions`,
    JSON.stringify({ step: "warn", reason: "walk" }),
    "application/json",
  );
  assert.equal(warned.status, 201, await warned.clone().text());
  const order = await fetch(`${t.baseUrl}/api/v1/orders`, {
    method: "POST",
    headers: { authorization: `Bearer ${await t.token("legal")}`, "content-type": "application/json" },
    body: JSON.stringify({
      authority: "police",
      reference: "PL-2026-walk",
      received_at: new Date().toISOString(),
      legal_basis: "Sv art. 126ng",
      subjects: [OTHER.ip],
      requested: ["preserve_data"],
      contact: "recherche@politie.example",
    }),
  });
  assert.equal(order.status, 201, await order.clone().text());

  // A person of both brands, whose token is limited to one: the token gets the person's brands or fewer.
  const person = await createUser(db(), SYSTEM, {
    email: "scoped@extin.eu",
    role: "admin",
    brands: ["extin", "webxtra"],
  });
  assert.ok(person.ok);
  const wider = await createToken(db(), SYSTEM, {
    name: "too-wide",
    user: person.value.id,
    brands: ["extin", "x2com-nl"],
  });
  assert.equal(wider.ok, false);
  const made = await createToken(db(), SYSTEM, {
    name: "extin-only",
    user: person.value.id,
    brands: ["extin"],
  });
  assert.ok(made.ok);
  const scoped = made.value.token;
  assert.deepEqual((await json(await call(scoped, "/api/v1/me"))).brands, ["extin"]);

  // Ids of every kind, from the lists an unlimited admin sees (and small numbers for routes without a list).
  const doc = await openapi();
  const gets = Object.entries(doc.paths)
    .filter(([p, m]) => p.startsWith("/api/v1/") && m.get)
    .map(([p, m]) => ({ path: p, params: (m.get.parameters ?? []) as { in: string; name: string }[] }));
  const probes: Record<string, string> = {
    brand: OTHER.brand,
    customer: OTHER.customer,
    q: "Beta",
    ip: OTHER.ip,
    report_id: String(beta.id),
    case_id: String(beta.cases[0]),
    message_id: "6d2f0f47-beta",
  };
  const seenByAdmin = new Set<string>();
  let lists = 0;
  for (const g of gets.filter((x) => !x.path.includes("{"))) {
    const queries = [
      "",
      ...g.params
        .filter((p) => p.in === "query" && p.name in probes)
        .map((p) => `?${p.name}=${encodeURIComponent(probes[p.name]!)}`),
    ];
    for (const q of queries) {
      const echo = q ? decodeURIComponent(q.split("=")[1]!) : undefined;
      const [unlimited, limited] = await Promise.all([call(admin, g.path + q), call(scoped, g.path + q)]);
      const seen = markersIn(await unlimited.text());
      if (seen.length) seenByAdmin.add(g.path);
      assert.ok(limited.status < 500, `${g.path}${q}: ${limited.status}`);
      const body = await limited.text();
      assert.deepEqual(
        markersIn(body, echo),
        [],
        `GET ${g.path}${q} answers another brand's data: ${body.slice(0, 300)}`,
      );
      if (q && limited.status === 200) {
        const total = (JSON.parse(body) as { total?: number }).total;
        if (total !== undefined) assert.equal(total, 0, `GET ${g.path}${q} counts another brand's data`);
      }
      lists++;
    }
  }
  // The walk is not empty: without the scope these routes did answer the other brand's data.
  for (const p of [
    "/api/v1/brands",
    "/api/v1/cases",
    "/api/v1/reports",
    "/api/v1/events",
    "/api/v1/customers",
    "/api/v1/inventory/ranges",
    "/api/v1/inventory/resolve",
    "/api/v1/actions",
    "/api/v1/orders",
  ])
    assert.ok(
      seenByAdmin.has(p),
      `without a scope ${p} shows the other brand (seen: ${[...seenByAdmin].join(", ")})`,
    );

  let details = 0;
  for (const g of gets.filter((x) => x.path.includes("{"))) {
    const collection = g.path.slice(0, g.path.indexOf("/{"));
    const ids = new Set<string>(Array.from({ length: 20 }, (_, i) => String(i + 1)));
    for (const q of ["", "?state=all", "?limit=500"]) {
      const list = await call(admin, collection + q);
      if (list.status !== 200) continue;
      for (const item of ((await json(list)).items ?? []) as { id: unknown }[]) ids.add(String(item.id));
    }
    for (const id of ids) {
      const path = g.path.replace(/\{[^}]+\}/, encodeURIComponent(id)).replace(/\{[^}]+\}/g, "1");
      const [unlimited, limited] = await Promise.all([call(admin, path), call(scoped, path)]);
      const other = unlimited.status === 200 && markersIn(await unlimited.text()).length > 0;
      const body = await limited.text();
      assert.deepEqual(
        markersIn(body, id),
        [],
        `GET ${path} answers another brand's data: ${body.slice(0, 300)}`,
      );
      if (other) {
        assert.equal(limited.status, 404, `GET ${path} of another brand is not found, not forbidden`);
        details++;
      }
    }
  }
  assert.ok(details >= 4, `details of the other brand refused: ${details}`);
  assert.ok(lists > 10);

  // Within its brand the token sees what is there, and changes to another brand's case are not found either.
  const own = await json(await call(scoped, `/api/v1/cases/${alpha.cases[0]}`));
  assert.equal(own.customer.name, "Alpha Bakery");
  const move = await fetch(`${t.baseUrl}/api/v1/cases/${beta.cases[0]}/transitions`, {
    method: "POST",
    headers: { authorization: `Bearer ${scoped}`, "content-type": "application/json" },
    body: JSON.stringify({ to: "in_review" }),
  });
  assert.equal(move.status, 404);
  const submitted = await fetch(`${t.baseUrl}/api/v1/reports?brand=webxtra`, {
    method: "POST",
    headers: { authorization: `Bearer ${scoped}`, "content-type": "application/json" },
    body: xarf("other-brand-submission", OTHER.ip, "Anyone", "a@b.example"),
  });
  assert.equal(submitted.status, 400);

  // Writes to the other brand's inventory are refused too: its customer's KYC, its ranges, an import.
  const write = (path: string, body: unknown, method = "POST", type = "application/json") =>
    fetch(`${t.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${scoped}`,
        ...(body === undefined ? {} : { "content-type": type }),
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  const kyc = { method: "kvk_kbo", result: "passed" };
  assert.equal((await write("/api/v1/customers/wx-beta-1/verifications", kyc)).status, 404);
  assert.equal((await write("/api/v1/customers/ext-alpha-1/verifications", kyc)).status, 201);
  assert.equal(
    (await write("/api/v1/inventory/ranges", { brand: "webxtra", cidr: "198.18.0.0/24" })).status,
    422,
  );
  const ranges = await json(await call(admin, "/api/v1/inventory/ranges"));
  const betaRange = ranges.items.find((r: { brand: string }) => r.brand === "webxtra");
  assert.equal((await write(`/api/v1/inventory/ranges/${betaRange.id}`, undefined, "DELETE")).status, 404);
  const foreign = await write(
    "/api/v1/inventory/import",
    [csv.split("\n")[0], "wx-gamma-1,Gamma,webxtra,g@gamma.example,ip,203.0.113.64/28,2020-01-01,"].join(
      "\n",
    ),
    "POST",
    "text/csv",
  );
  assert.equal(foreign.status, 422);
  assert.match((await json(foreign)).message, /outside your brands/);

  // Narrowing the person narrows their tokens at once: with no brand left, nothing is seen.
  const cli = await runCli(["user", "brands", "--email", "scoped@extin.eu", "--brand", "webxtra"], {
    DATABASE_URL: t.databaseUrl,
  });
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /scoped@extin\.eu now sees only webxtra/);
  assert.equal((await json(await call(scoped, "/api/v1/cases?state=all"))).total, 0);
  assert.equal((await call(scoped, `/api/v1/cases/${alpha.cases[0]}`)).status, 404);
});
