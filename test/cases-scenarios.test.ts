/**
 * One scenario per seed rule (SPEC C9), through the real doors: the customer's address enters the
 * inventory through POST /api/v1/inventory/import, an XARF v4 report about it through POST /api/v1/reports,
 * the agent records what it judged, and GET /api/v1/cases/:id proposes the step with the clause of the
 * brand's terms.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { Category } from "../src/taxonomy.ts";
import { json, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

/** XARF v4 category/type (and extra fields) of a report of each category the scenarios need. */
const XARF: Partial<Record<Category, Record<string, unknown>>> = {
  spam: { category: "messaging", type: "spam", protocol: "smtp", smtp_from: "offers@shop.example" },
  open_relay: { category: "vulnerability", type: "open_service", service: "smtp-open-relay" },
  port_scan: { category: "connection", type: "port_scan", protocol: "tcp" },
  malware: { category: "content", type: "malware", url: "http://malware.example/payload.exe" },
  excessive_use: { category: "connection", type: "scraping" },
};

let seq = 0;
const addresses = new Map<string, string>();

/** A customer of the brand with an address of its own, entered through the inventory API. */
async function newCustomer(brand: string): Promise<string> {
  const customer = `sc-${brand}-${++seq}`;
  const ip = `10.77.${Math.floor(seq / 250)}.${seq % 250}`;
  const res = await t.api("admin", "/api/v1/inventory/import", {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: `customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to\n${customer},Scenario ${seq},${brand},noc@${customer}.example,ip,${ip},2026-01-01,\n`,
  });
  assert.equal(res.status, 202, JSON.stringify(await json(res)));
  addresses.set(customer, ip);
  return customer;
}

/** A real report about the customer's address, submitted through the API: the case it opened or joined. */
async function report(brand: string, customer: string, category: Category): Promise<number> {
  const body = {
    xarf_version: "4.2.0",
    report_id: randomUUID(),
    timestamp: new Date().toISOString(),
    reporter: {
      org: "Scenario reporter",
      contact: "abuse-reports@reporter.example",
      domain: "reporter.example",
    },
    sender: {
      org: "Scenario reporter",
      contact: "abuse-reports@reporter.example",
      domain: "reporter.example",
    },
    source_identifier: addresses.get(customer),
    ...XARF[category],
  };
  const res = await t.api("agent", `/api/v1/reports?brand=${brand}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const r = await json(res);
  assert.equal(res.status, 202, JSON.stringify(r));
  assert.equal(r.events[0]?.category, category, "the report is read as the category the scenario is about");
  assert.equal(r.events[0]?.customer?.id, customer);
  return r.events[0].case_id;
}

/** A fresh customer of the brand (or the given one) and the case a real report about it opens. */
async function newCase(brand: string, category: Category, opts: { customer?: string; url?: string } = {}) {
  const customer = opts.customer ?? (await newCustomer(brand));
  const id = await report(brand, customer, category);
  assert.ok(id, "the report opened or joined a case");
  return { id, customer };
}

async function post(path: string, body: unknown, role: "agent" | "legal" = "agent") {
  const res = await t.api(role, path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const out = await json(res);
  assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(out)}`);
  return out;
}

async function proposal(id: number) {
  const res = await t.api("agent", `/api/v1/cases/${id}`);
  assert.equal(res.status, 200);
  return (await json(res)).proposal;
}

const facts = (id: number, f: Record<string, unknown>) => post(`/api/v1/cases/${id}/facts`, { facts: f });
const take = (id: number, step: string, reason?: string) =>
  post(`/api/v1/cases/${id}/actions`, { step, ...(reason ? { reason } : {}) });
const finish = (id: number) => post(`/api/v1/cases/${id}/transitions`, { to: "resolved" });

// --- Extin ---------------------------------------------------------------------------------------------

test("Extin spam, first case: one warning, to be followed at once", async () => {
  const { id } = await newCase("extin", "spam");
  const p = await proposal(id);
  assert.equal(p.step, "warn");
  assert.equal(p.rule, "extin-spam");
  assert.equal(p.clause.article, "Anti-spam policy, Hoe behandelt Extin spamklachten?");
  assert.match(p.clause.quote, /hooguit één waarschuwing/);
});

test("Extin spam, repetition: the next case disconnects the service, and names the first warning", async () => {
  const { id, customer } = await newCase("extin", "spam");
  await take(id, "warn");
  await finish(id);
  const again = await newCase("extin", "spam", { customer });
  assert.notEqual(again.id, id);
  const p = await proposal(again.id);
  assert.equal(p.step, "suspend");
  assert.equal(p.clause.quote, "Bij herhaling wordt de dienst afgesloten.");
  assert.match(p.reasoning, /first warning was sent on/);
  assert.equal(p.needs_approval, false, "Extin disconnects without four eyes");
});

test("Extin spam, new reports after the warning in the same case: the abuse went on, disconnect", async () => {
  const { id, customer } = await newCase("extin", "spam");
  await take(id, "warn");
  assert.equal((await proposal(id)).step, "no_action");
  await new Promise((r) => setTimeout(r, 5));
  assert.equal((await newCase("extin", "spam", { customer })).id, id);
  const p = await proposal(id);
  assert.equal(p.step, "suspend");
  assert.match(p.reasoning, /the abuse went on/);
});

test("Extin spam, a known spammer is disconnected without warning", async () => {
  const { id } = await newCase("extin", "spam");
  await facts(id, { known_offender: true });
  const p = await proposal(id);
  assert.equal(p.step, "suspend");
  assert.equal(p.rule, "extin-spam-known-spammer");
  assert.match(p.clause.quote, /"bekende" is, wordt de dienst zonder waarschuwing direct afgesloten/);
});

test("Extin spam, no confirmed opt-in: the mail counts as spam (basis) and the customer is warned", async () => {
  const { id } = await newCase("extin", "spam");
  await facts(id, { opt_in_proof: "missing" });
  const p = await proposal(id);
  assert.equal(p.step, "warn");
  assert.equal(p.rule, "extin-spam-no-opt-in");
  assert.equal(
    p.basis.quote,
    "Als u deze bevestiging niet kunt overleggen, beschouwt Extin de mail als spam.",
  );
  // With the opt-in shown there is no spam: no action.
  await facts(id, { opt_in_proof: "shown" });
  assert.equal((await proposal(id)).step, "no_action");
});

test("Extin open relay: disconnected without warning", async () => {
  const { id } = await newCase("extin", "open_relay");
  const p = await proposal(id);
  assert.equal(p.step, "suspend");
  assert.equal(p.clause.article, "Anti-spam policy, Uitgangspunten");
  assert.match(p.clause.quote, /open relay zijn, zonder voorafgaande waarschuwing afkoppelen/);
});

test("Extin port scan: suspended at once; without an agreement the contract ends", async () => {
  const { id } = await newCase("extin", "port_scan");
  const p = await proposal(id);
  assert.equal(p.step, "suspend");
  assert.equal(p.clause.article, "Hacking / Portscans Policy");
  await take(id, "suspend");
  assert.equal((await proposal(id)).step, "no_action", "waits while an agreement may be reached");
  await facts(id, { cooperating: false });
  const then = await proposal(id);
  assert.equal(then.step, "terminate");
  assert.match(then.clause.quote, /overeenkomst met de gebruiker met onmiddellijke ingang te ontbinden/);
});

// --- Web://Xtra ----------------------------------------------------------------------------------------

test("Web://Xtra spam: zero tolerance, removal without refund", async () => {
  const { id } = await newCase("webxtra", "spam");
  const p = await proposal(id);
  assert.equal(p.step, "suspend");
  assert.equal(p.clause.article, "zerotolerance beleid");
  assert.match(p.clause.quote, /zonder teruggave van gelden/);
});

test("Web://Xtra spam through the customer's insecure site: one warning, removal on repetition", async () => {
  const { id, customer } = await newCase("webxtra", "spam");
  await facts(id, { insecure_site: true });
  const p = await proposal(id);
  assert.equal(p.step, "warn");
  assert.equal(p.clause.article, "Er is spam verstuurd via mijn website/server, wat nu?");
  await take(id, "warn");
  await finish(id);
  const again = await newCase("webxtra", "spam", { customer });
  await facts(again.id, { insecure_site: true });
  assert.equal((await proposal(again.id)).step, "suspend");
});

// --- X2com ---------------------------------------------------------------------------------------------

test("X2com §8: a serious incident allows measures without warning (four eyes)", async () => {
  const { id } = await newCase("x2com-nl", "spam");
  await facts(id, { serious: true });
  const p = await proposal(id);
  assert.equal(p.step, "suspend");
  assert.equal(p.rule, "x2com-serious");
  assert.equal(p.clause.article, "§8 Maatregelen bij vastgestelde abuse");
  assert.equal(p.needs_approval, true);
});

test("X2com §8: repeated violations climb warning → suspension → termination", async () => {
  const { id, customer } = await newCase("x2com-nl", "spam");
  assert.equal((await proposal(id)).step, "warn");
  assert.equal((await proposal(id)).clause.article, "§6 Behandeling van meldingen");
  await take(id, "warn");
  await finish(id);
  const second = await newCase("x2com-nl", "spam", { customer });
  const p2 = await proposal(second.id);
  assert.equal(p2.step, "suspend");
  assert.match(p2.clause.quote, /herhaaldelijk onze AUP/);
  const asked = await take(second.id, "suspend");
  assert.equal(asked.action.state, "awaiting_approval");
  await post(`/api/v1/cases/${second.id}/actions/${asked.action.id}/approve`, {}, "legal");
  await finish(second.id);
  const third = await newCase("x2com-nl", "spam", { customer });
  const p3 = await proposal(third.id);
  assert.equal(p3.step, "terminate");
  assert.match(p3.clause.quote, /structureel misbruik/);
});

test("X2com BE 13.8: a serious breach is blocked at once, then a notice of default with 5 working days, then termination", async () => {
  const { id } = await newCase("x2com-be", "malware");
  await facts(id, { serious: true });
  const p = await proposal(id);
  assert.equal(p.step, "block");
  assert.equal(p.clause.article, "art. 13.8");
  await take(id, "block");
  assert.equal((await proposal(id)).step, "notice_of_default");
  await take(id, "notice_of_default");
  const waiting = await proposal(id);
  assert.equal(waiting.step, "no_action");
  assert.ok(waiting.waiting_until);
  const c = await json(await t.api("agent", `/api/v1/cases/${id}`));
  const compliance = c.deadlines.find((d: { name: string }) => d.name === "notice_of_default_compliance");
  assert.ok(compliance, "the notice of default starts the 5 working days");
  assert.equal(compliance.source, "X2com BE art. 13.8");
  assert.equal(compliance.due_at, waiting.waiting_until);
  // Ten days later, without compliance: the contract may be ended.
  await t.desk.conn.db
    .updateTable("actions")
    .set({ created_at: new Date(Date.now() - 10 * 86_400_000) })
    .where("case_id", "=", id)
    .execute();
  const then = await proposal(id);
  assert.equal(then.step, "terminate");
  assert.match(then.clause.quote, /vijf \(5\) werkdagen/);
  // A customer who committed to comply is not terminated.
  await facts(id, { cooperating: true });
  assert.equal((await proposal(id)).step, "no_action");
});

test("X2com BE 13.10: written requests to use less; after three, the profile is downgraded", async () => {
  let customer: string | undefined;
  for (let i = 0; i < 3; i++) {
    const c = await newCase("x2com-be", "excessive_use", customer ? { customer } : {});
    customer = c.customer;
    const p = await proposal(c.id);
    assert.equal(p.step, "warn");
    assert.equal(p.clause.article, "art. 13.10");
    await take(c.id, "warn");
    await finish(c.id);
  }
  const fourth = await newCase("x2com-be", "excessive_use", { customer: customer! });
  const p = await proposal(fourth.id);
  assert.equal(p.step, "downgrade");
  assert.equal(p.rule, "x2com-be-fair-use-downgrade");
  assert.match(p.reasoning, /3 written fair-use requests/);
});

test("X2com NL 8.5: use above three times the average is pointed out", async () => {
  const { id } = await newCase("x2com-nl", "excessive_use");
  await facts(id, { usage: { ratio: 3.4, period_months: 1, metric: "traffic" } });
  const p = await proposal(id);
  assert.equal(p.step, "warn");
  assert.equal(p.clause.article, "art. 8.5");
});

test("X2com NL 15.5: a serious breach of art. 8.6-8.8 ends the contract at once", async () => {
  const { id } = await newCase("x2com-nl", "malware");
  await facts(id, { serious: true });
  const p = await proposal(id);
  assert.equal(p.step, "terminate");
  assert.equal(p.clause.article, "art. 15.5 sub a");
  assert.equal(p.basis.article, "art. 8.6");
  assert.equal(p.needs_approval, true);
});
