import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { processStoredEvents } from "../src/pipeline.ts";
import { json, startTestDesk, type TestDesk, waitFor } from "./helpers.ts";
import { csv, eventState, insertEvents, insertReport } from "./resolution.fixtures.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

const postJson = (role: Parameters<TestDesk["api"]>[0], url: string, body: unknown, method = "POST") =>
  t.api(role, url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

const postCsv = (role: Parameters<TestDesk["api"]>[0], url: string, body: string) =>
  t.api(role, url, { method: "POST", headers: { "content-type": "text/csv" }, body });

test("customers: 401 without a token, 403 for writes by an agent or auditor, reads for every role", async () => {
  assert.equal((await t.api(null, "/api/v1/customers")).status, 401);
  assert.equal((await t.api("auditor", "/api/v1/customers")).status, 200);
  const body = { id: "api-1", brand: "extin", name: "Api BV", contact_emails: ["info@api.example"] };
  assert.equal((await postJson("agent", "/api/v1/customers", body)).status, 403);
  assert.equal(
    (
      await postJson("auditor", "/api/v1/customers/x2c-1001/verifications", {
        method: "lei",
        result: "passed",
      })
    ).status,
    403,
  );
  assert.equal((await postCsv("agent", "/api/v1/inventory/import", csv())).status, 403);
  assert.equal((await postCsv(null, "/api/v1/inventory/import", csv())).status, 401);
});

test("customers: list with brand and q filters and a cursor; one customer with resources, history and KYC", async () => {
  const page1 = await json(await t.api("agent", "/api/v1/customers?brand=x2com-nl&limit=2"));
  assert.equal(page1.total, 4);
  assert.equal(page1.items.length, 2);
  assert.ok(page1.next_cursor);
  const page2 = await json(
    await t.api("agent", `/api/v1/customers?brand=x2com-nl&limit=2&cursor=${page1.next_cursor}`),
  );
  assert.equal(page2.items.length, 2);
  assert.equal(page2.next_cursor, null);
  assert.deepEqual(
    [...page1.items, ...page2.items].map((c: { id: string }) => c.id),
    ["x2c-1001", "x2c-1002", "x2c-1003", "x2c-1004"],
  );
  const q = await json(await t.api("agent", "/api/v1/customers?q=korenschoof"));
  assert.deepEqual(
    q.items.map((c: { id: string }) => c.id),
    ["x2c-1001"],
  );
  assert.equal(q.items[0].kyc_status, "verified");

  const jansen = await json(await t.api("agent", "/api/v1/customers/x2c-1002"));
  assert.equal(jansen.brand, "x2com-nl");
  const history = jansen.resources.find((r: { value: string }) => r.value === "192.0.2.96/27");
  assert.ok(history.valid_to, "a past assignment is shown with its end");
  assert.equal(jansen.kyc_status, "unverified");
  const crypto = await json(await t.api("agent", "/api/v1/customers/wx-4003"));
  assert.equal(crypto.kyc_status, "high_risk");
  assert.equal(crypto.verifications.length, 2);
  assert.equal((await t.api("agent", "/api/v1/customers/nobody")).status, 404);
});

test("customers: create, patch, record verifications; the status follows the records", async () => {
  const created = await postJson("admin", "/api/v1/customers", {
    id: "api-2",
    brand: "extin",
    name: "Api Twee BV",
    contact_emails: ["Info@Api2.example"],
    registration_number: "12345678",
    contracts: [{ service: "hosting", product: "VPS S" }],
  });
  assert.equal(created.status, 201);
  const c = await json(created);
  assert.deepEqual(c.contact_emails, ["info@api2.example"]);
  assert.equal(c.contracts[0].service, "hosting");
  assert.equal(c.kyc_status, "unverified");
  assert.equal(
    (await postJson("admin", "/api/v1/customers", { ...c, brand: "extin", contracts: undefined })).status,
    409,
  );
  const bad = await postJson("admin", "/api/v1/customers", {
    id: "api-3",
    brand: "kpn",
    name: "X",
    contact_emails: ["a@b.example"],
  });
  assert.equal(bad.status, 422);
  assert.match((await json(bad)).message, /no brand "kpn"/);

  const patched = await postJson(
    "admin",
    "/api/v1/customers/api-2",
    { name: "Api 2 B.V.", language: "en" },
    "PATCH",
  );
  assert.equal(patched.status, 200);
  assert.equal((await json(patched)).name, "Api 2 B.V.");
  assert.equal((await postJson("admin", "/api/v1/customers/nobody", { name: "X" }, "PATCH")).status, 404);

  const kvk = await postJson("admin", "/api/v1/customers/api-2/verifications", {
    method: "kvk_kbo",
    result: "passed",
    reference: "KvK 12345678",
  });
  assert.equal(kvk.status, 201);
  assert.equal((await json(kvk)).kyc_status, "verified");
  const risk = await json(
    await postJson("admin", "/api/v1/customers/api-2/verifications", {
      method: "high_risk_check",
      result: "flagged",
    }),
  );
  assert.equal(risk.kyc_status, "high_risk");
  const shown = await json(await t.api("agent", "/api/v1/customers/api-2"));
  assert.equal(shown.kyc_status, "high_risk");
  assert.deepEqual(
    shown.verifications.map((v: { method: string }) => v.method),
    ["kvk_kbo", "high_risk_check"],
  );
  assert.equal(shown.verifications[0].verified_by, "test-admin@abusedesk.test (token:test-admin)");
});

test("POST /api/v1/inventory/import: counts; bad rows answer 422 with every row; re-resolves not-ours events in a job (202)", async () => {
  const db = t.desk.conn.db;
  const report = await insertReport(db);
  const [e] = await insertEvents(db, report, [{ ip: "203.0.113.210", at: "2026-03-01T00:00:00Z" }]);
  await db.transaction().execute((trx) => processStoredEvents(trx, t.desk.services.pipeline, [e!]));
  const before = await eventState(db, e!.id);
  assert.equal(before.resolution, "not_ours");
  assert.equal(before.detail.provider_range, true, "in webxtra's demo range, but unassigned");

  const bad = await postCsv(
    "admin",
    "/api/v1/inventory/import",
    csv("x,X,webxtra,x@x.example,ip,203.0.113.210/24,2025-01-01,"),
  );
  assert.equal(bad.status, 422);
  const refusal = await json(bad);
  assert.match(refusal.problems[0].message, /^row 2, column value: `203\.0\.113\.210\/24` has host bits set/);
  assert.equal(refusal.problems[0].row, 2);

  const res = await postCsv(
    "admin",
    "/api/v1/inventory/import?filename=late.csv",
    csv("api-late,Laat BV,webxtra,laat@late.example,ip,203.0.113.208/28,2025-01-01,"),
  );
  // Stored at once; the events are re-resolved by a worker, outside the request.
  assert.equal(res.status, 202);
  const counts = await json(res);
  assert.equal(counts.resources_added, 1);
  assert.equal(counts.reresolved, null);
  assert.equal(counts.job.queue, "inventory.reresolve");
  const job = await waitFor(
    async () => {
      const j = await json(await t.api("admin", `/api/v1/inventory/jobs/${counts.job.id}`));
      return j.state === "completed" && j;
    },
    30_000,
    "the re-resolution job",
  );
  assert.deepEqual(job.result, { examined: 1, matched: 1, more: false });
  assert.equal(
    (await t.api("admin", "/api/v1/inventory/jobs/00000000-0000-4000-8000-000000000000")).status,
    404,
  );
  const afterwards = await eventState(db, e!.id);
  assert.equal(afterwards.customer_id, "api-late");
  assert.equal(afterwards.brand_id, "webxtra");

  const who = await json(
    await t.api("agent", "/api/v1/inventory/resolve?ip=203.0.113.211&at=2026-03-01T00:00:00Z"),
  );
  assert.equal(who.customer_id, "api-late");

  const empty = await postCsv("admin", "/api/v1/inventory/import?sync=true&brand=webxtra", csv());
  assert.equal(empty.status, 409);
  assert.match((await json(empty)).message, /force/);
});

test("brand ranges over the API", async () => {
  const list = await json(await t.api("auditor", "/api/v1/inventory/ranges?brand=extin"));
  assert.deepEqual(
    list.items.map((r: { cidr: string }) => r.cidr),
    ["198.51.100.0/24", "2001:db8:300::/48"],
  );
  const added = await postJson("admin", "/api/v1/inventory/ranges", {
    brand: "extin",
    cidr: "100.64.0.0/16",
  });
  assert.equal(added.status, 201);
  const again = await postJson("admin", "/api/v1/inventory/ranges", {
    brand: "webxtra",
    cidr: "100.64.0.0/16",
  });
  assert.equal(again.status, 409);
  const hostBits = await postJson("admin", "/api/v1/inventory/ranges", {
    brand: "extin",
    cidr: "100.65.0.1/16",
  });
  assert.equal(hostBits.status, 422);
  const id = (await json(added)).id;
  assert.equal((await t.api("admin", `/api/v1/inventory/ranges/${id}`, { method: "DELETE" })).status, 200);
});

test("POST /api/v1/inventory/import?preview=true answers what would change and stores nothing; the same file then imports", async () => {
  const db = t.desk.conn.db;
  const count = async () =>
    Number(
      (
        await db
          .selectFrom("resources")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const audits = async () =>
    Number(
      (
        await db
          .selectFrom("audit_log")
          .where("action", "in", ["inventory.import", "inventory.sync"])
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const file = csv(
    "pv-1,Voorbeeld BV,webxtra,pv@voorbeeld.example,ip,203.0.113.192/29,2025-01-01,",
    "pv-1,Voorbeeld BV,webxtra,pv@voorbeeld.example,domain,voorbeeld.example,2025-01-01,",
  );
  const [resources, audited] = [await count(), await audits()];
  const preview = await postCsv("admin", "/api/v1/inventory/import?preview=true", file);
  assert.equal(preview.status, 200);
  const p = await json(preview);
  assert.equal(p.resources_added, 2);
  assert.equal(p.job, null);
  assert.deepEqual(
    p.changes.map((c: { change: string; customer_id: string; value: string }) => [
      c.change,
      c.customer_id,
      c.value,
    ]),
    [
      ["add", "pv-1", "203.0.113.192/29"],
      ["add", "pv-1", "voorbeeld.example"],
    ],
  );
  assert.equal(await count(), resources, "a preview stores no resource");
  assert.equal(await audits(), audited, "nor an audit entry");
  assert.equal((await t.api("agent", "/api/v1/customers/pv-1")).status, 404, "nor a customer");
  // The same file for real: stored, and it says nothing of changes.
  const real = await json(await postCsv("admin", "/api/v1/inventory/import", file));
  assert.equal(real.resources_added, 2);
  assert.equal(real.changes, undefined);
  assert.equal(await count(), resources + 2);
});
