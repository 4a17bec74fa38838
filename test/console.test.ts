/**
 * The console in a real browser (Debian's chromium through playwright-core) against a desk with the demo:
 * sign-in with the one-time password, the queue with its filters and keys, a case taken from its proposal to
 * an action (in EN and NL), four eyes with two people in two browser contexts, a report classified from
 * triage, the dashboard's figures, the language switch, and an accessibility check (axe-core) of every page
 * with no serious or critical violation. Each test saves a screenshot under test-results/console/.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { createUser, SYSTEM } from "../src/auth/auth.store.ts";
import { totpCode } from "../src/auth/totp.ts";
import { personWithPassword } from "./browser.ts";
import { json, startTestDesk, type TestDesk } from "./helpers.ts";

const SHOTS = new URL("../test-results/console/", import.meta.url);
const AXE = readFileSync(new URL("../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
const PASSWORD = "correct horse battery staple";

let t: TestDesk;
let browser: Browser;
/** Problems the pages reported (script errors, blocked styles or scripts): none is allowed. */
const pageProblems: string[] = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestDesk({ demo: true });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
  for (const [email, role] of [
    ["anna@desk.test", "supervisor"],
    ["bram@desk.test", "supervisor"],
    ["cor@desk.test", "agent"],
  ] as const)
    await personWithPassword(t.desk.conn.db, email, role, PASSWORD);
});
after(async () => {
  await browser?.close();
  await t?.stop();
});

async function context(lang: "en" | "nl" = "en"): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    locale: lang === "nl" ? "nl-NL" : "en-GB",
    viewport: { width: 1400, height: 900 },
    // Dialogs appear at once (no fade), so the accessibility check sees them as they end up.
    reducedMotion: "reduce",
  });
  return ctx;
}

function watch(page: Page) {
  page.on("pageerror", (e) => pageProblems.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (
      m.type() === "error" &&
      !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())
    )
      pageProblems.push(`${page.url()}: ${m.text()}`);
  });
}

async function signIn(ctx: BrowserContext, email: string, password = PASSWORD): Promise<Page> {
  const page = await ctx.newPage();
  watch(page);
  await page.goto(`${t.baseUrl}/`);
  assert.match(page.url(), /\/login$/, "a stranger is sent to the sign-in page");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(`${t.baseUrl}/`);
  await page.waitForSelector("#signed-in-as");
  return page;
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname, fullPage: true });
}

/** Waits until the queue shows `n` rows. */
async function rowsShown(page: Page, n: number) {
  // (Locators, not waitForFunction: a function given as text is an eval, which the page's CSP forbids.)
  const rows = page.locator("#queue tbody tr");
  if (n > 0) await rows.nth(n - 1).waitFor();
  await rows.nth(n).waitFor({ state: "detached" });
}

/** axe-core on the page as it is: no serious or critical violation. */
async function accessible(page: Page, where: string) {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (the page itself allows no inline script).
  await page.evaluate(`${AXE}\n;void 0`);
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] })`)) as {
    violations: {
      id: string;
      impact: string;
      help: string;
      nodes: { target: string[]; failureSummary?: string }[];
    }[];
  };
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .map((n) => `${n.target.join(" ")} (${n.failureSummary ?? ""})`)
          .slice(0, 3)
          .join(", ")}`,
    ),
    [],
    `accessibility of ${where}`,
  );
}

/** A demo case with a proposal that one person may take at once (not severe, not waiting). */
async function caseWithProposal(exclude: number[] = []): Promise<{ id: number; step: string }> {
  const list = await json(await t.api("agent", "/api/v1/cases?limit=100"));
  for (const c of list.items) {
    if (exclude.includes(c.id)) continue;
    const view = await json(await t.api("agent", `/api/v1/cases/${c.id}`));
    if (view.proposal && !view.proposal.needs_approval && !view.proposal.waiting_until)
      return { id: c.id, step: view.proposal.step };
  }
  throw new Error("the demo has no case with a proposal to take");
}

test("a new person signs in with the one-time password, chooses a password and sees the demo's queue", async () => {
  const made = await createUser(t.desk.conn.db, SYSTEM, { email: "new@desk.test", role: "agent" });
  assert.ok(made.ok);
  const ctx = await context();
  const page = await ctx.newPage();
  watch(page);
  await page.goto(`${t.baseUrl}/login`);
  await accessible(page, "the sign-in page");
  await page.fill("#email", "new@desk.test");
  await page.fill("#password", made.value.password);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/login\/step$/);
  await page.fill("#password", "a quiet harbour at dawn");
  await page.fill("#confirm", "a quiet harbour at dawn");
  await page.click("button[type=submit]");
  await page.waitForURL(`${t.baseUrl}/`);
  await page.waitForSelector("#queue tbody tr");
  const api = await json(await t.api("agent", "/api/v1/cases"));
  assert.ok(api.total > 0, "the demo has open cases");
  assert.equal(await page.locator("#queue tbody tr").count(), Math.min(api.total, 50));
  assert.equal(await page.textContent("#queue-total"), `${api.total} ${api.total === 1 ? "case" : "cases"}`);
  // The first row is the API's first: the queue keeps the API's order (orders, escalations, due first).
  assert.equal(await page.getAttribute("#queue tbody tr >> nth=0", "data-case"), String(api.items[0].id));
  assert.match((await page.textContent("#signed-in-as")) ?? "", /new@desk\.test \(agent\)/);
  await shot(page, "queue-en");
  await accessible(page, "the queue");
  await ctx.close();
});

test("the queue: filters narrow it as the API does, and the keys move, open and assign", async () => {
  const ctx = await context();
  const page = await signIn(ctx, "cor@desk.test");
  await page.waitForSelector("#queue tbody tr");
  const first = await page.getAttribute("#queue tbody tr >> nth=0", "data-case");
  assert.equal(await page.getAttribute("#queue tbody tr >> nth=0", "data-current"), "true");
  await page.keyboard.press("j");
  assert.equal(await page.getAttribute("#queue tbody tr >> nth=1", "data-current"), "true");
  await page.keyboard.press("k");
  assert.equal(await page.getAttribute("#queue tbody tr >> nth=0", "data-current"), "true");
  // a: assign to me (through POST /api/v1/cases/bulk), then the row shows the owner.
  await page.keyboard.press("a");
  await page.waitForSelector(`#queue tr[data-case="${first}"] >> text=cor@desk.test`);
  const assigned = await json(await t.api("agent", `/api/v1/cases/${first}`));
  assert.equal(assigned.owner.email, "cor@desk.test");
  // "My cases" shows exactly that case.
  await page.click("#view-mine");
  await page.waitForURL(/view=mine/);
  await rowsShown(page, 1);
  assert.equal(await page.getAttribute("#queue tbody tr >> nth=0", "data-case"), first);
  // A filter by category: the rows are the API's for the same filter.
  await page.goto(`${t.baseUrl}/?category=spam`);
  const spam = await json(await t.api("agent", "/api/v1/cases?category=spam"));
  if (spam.total === 0) await page.waitForSelector("#queue-empty");
  else await rowsShown(page, spam.items.length);
  const shown = await page.$$eval("#queue tbody tr", (rows) =>
    rows.map((r) => Number(r.getAttribute("data-case"))),
  );
  assert.deepEqual(
    shown,
    spam.items.map((c: { id: number }) => c.id),
  );
  // / goes to the search field; a search narrows to one case by its number.
  await page.goto(`${t.baseUrl}/`);
  await page.waitForSelector("#queue tbody tr");
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(`document.activeElement?.getAttribute("name")`), "q");
  await page.keyboard.type(`#${first}`);
  await page.keyboard.press("Enter");
  await rowsShown(page, 1);
  await page.keyboard.press("Escape");
  await shot(page, "queue-filtered");
  // Enter opens the current case.
  await page.keyboard.press("Enter");
  await page.waitForURL(`${t.baseUrl}/cases/${first}`);
  await page.waitForSelector("#proposal");
  // The proposed-step column is the API's, and p takes the current case's after a confirmation (Enter).
  await page.goto(`${t.baseUrl}/`);
  const row = page.locator("#queue tbody tr").nth(2);
  await row.locator("[data-proposed]:not([data-proposed=''])").waitFor();
  const id = Number(await row.getAttribute("data-case"));
  const proposed = await row.locator("[data-proposed]").getAttribute("data-proposed");
  const view = await json(await t.api("agent", `/api/v1/cases/${id}`));
  assert.equal(proposed, view.proposal.step);
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await page.keyboard.press("p");
  await page.waitForSelector("#confirm-take");
  // The dialog puts the focus on its confirm button when it has opened: Enter before that goes nowhere.
  await page.waitForFunction(`document.activeElement?.id === "confirm-take"`);
  await page.keyboard.press("Enter");
  const outcome = await page.waitForSelector("[role=status], [role=alert]");
  assert.equal(await outcome.getAttribute("role"), "status", (await outcome.textContent()) ?? "");
  const after = await json(await t.api("agent", `/api/v1/cases/${id}`));
  assert.ok(
    after.actions.some(
      (a: { step: string; actor: string }) => a.step === proposed && a.actor === "cor@desk.test",
    ),
    "the proposed step was taken by the person",
  );
  await ctx.close();
});

for (const lang of ["en", "nl"] as const)
  test(`a case from its proposal to the action, with the clause quoted (${lang.toUpperCase()})`, async () => {
    const taken = lang === "nl" ? [(await caseWithProposal()).id] : [];
    const target = await caseWithProposal(taken);
    const before = await json(await t.api("agent", `/api/v1/cases/${target.id}`));
    // An English browser either way: Dutch comes from the switch (and then from the person's choice).
    const ctx = await context("en");
    const page = await signIn(ctx, "cor@desk.test");
    if (lang === "nl") {
      // The switch in the header: the queue speaks Dutch at once, and after a reload still.
      await page.getByText("NL", { exact: true }).click();
      await page.waitForSelector("text=Wachtrij");
      await page.reload();
      await page.waitForSelector("h1 >> text=Wachtrij");
      // The choice is the person's (PUT /api/v1/me/language): another browser, without the cookie, speaks Dutch too.
      const row = await t.desk.conn.db
        .selectFrom("users")
        .select("language")
        .where("email", "=", "cor@desk.test")
        .executeTakeFirstOrThrow();
      assert.equal(row.language, "nl");
      const other = await context("en");
      const elsewhere = await signIn(other, "cor@desk.test");
      await elsewhere.waitForSelector("h1 >> text=Wachtrij");
      await other.close();
    }
    await page.goto(`${t.baseUrl}/cases/${target.id}`);
    await page.waitForSelector("#proposed-step");
    assert.equal(await page.textContent("#proposal-clause"), before.proposal.clause.quote);
    assert.equal(await page.textContent("#proposal-reasoning"), before.proposal.reasoning);
    assert.match((await page.textContent("#proposal-title")) ?? "", lang === "nl" ? /Voorstel/ : /Proposal/);
    await shot(page, `case-proposal-${lang}`);
    await accessible(page, "the case page");
    await page.click("#take-proposal");
    await page.click("#confirm-proposal");
    await page.waitForSelector("#case-notice");
    const after = await json(await t.api("agent", `/api/v1/cases/${target.id}`));
    const action = after.actions.find(
      (a: { step: string; actor: string }) => a.step === target.step && a.actor === "cor@desk.test",
    );
    assert.ok(action, `the step ${target.step} is on the case, taken by the person`);
    // The timeline shows it (the console re-reads the case).
    await page.waitForSelector(`#steps [data-action="${action.id}"]`);
    const earlier = before.timeline.length + before.messages.length + before.actions.length;
    await page.locator("#timeline li").nth(earlier).waitFor();
    await shot(page, `case-action-${lang}`);
    await ctx.close();
  });

test("four eyes: a severe step waits for a second person, who approves it in another browser", async () => {
  const list = await json(await t.api("agent", "/api/v1/cases?limit=100"));
  const target = list.items.find(
    (c: { customer: unknown; kind: string }) => c.customer && c.kind === "abuse",
  );
  assert.ok(target, "a demo case with a customer");
  const anna = await context();
  const pa = await signIn(anna, "anna@desk.test");
  await pa.goto(`${t.baseUrl}/cases/${target.id}`);
  await pa.waitForSelector("#other-step");
  await pa.click("#other-step");
  await pa.getByRole("option", { name: "Suspend", exact: true }).click();
  await pa.fill("#other-reason", "Repeated phishing on this server after two warnings");
  await pa.click("#take-other");
  await pa.waitForSelector("#case-notice >> text=second person");
  const waiting = (await json(await t.api("agent", `/api/v1/cases/${target.id}`))).actions.find(
    (a: { step: string; state: string }) => a.step === "suspend" && a.state === "awaiting_approval",
  );
  assert.ok(waiting, "the suspension waits for approval");
  // Anna may approve (a supervisor) but not her own step: the API says so and the page shows it.
  await pa.click(`#approve-${waiting.id}`);
  await pa.waitForSelector("[role=alert]");
  assert.match((await pa.textContent("#steps [role=alert]")) ?? "", /.+/);
  await shot(pa, "four-eyes-own-refused");
  const stillWaiting = (await json(await t.api("agent", `/api/v1/actions/${waiting.id}`))).state;
  assert.equal(stillWaiting, "awaiting_approval");
  // Bram, in another browser, approves.
  const bram = await context();
  const pb = await signIn(bram, "bram@desk.test");
  await pb.goto(`${t.baseUrl}/?view=approval`);
  await pb.waitForSelector(`#queue tr[data-case="${target.id}"]`);
  await pb.goto(`${t.baseUrl}/cases/${target.id}`);
  await pb.click(`#approve-${waiting.id}`);
  await pb.waitForSelector("#case-notice");
  const approved = await json(await t.api("agent", `/api/v1/actions/${waiting.id}`));
  assert.notEqual(approved.state, "awaiting_approval");
  assert.equal(approved.approved_by, "bram@desk.test");
  await shot(pb, "four-eyes-approved");
  await anna.close();
  await bram.close();
});

test("a report in triage is classified by picking a category and naming its subject", async () => {
  const triage = await json(await t.api("agent", "/api/v1/reports?state=triage"));
  assert.ok(triage.total > 0, "the demo has a report in triage");
  const report = triage.items[0];
  const ctx = await context();
  const page = await signIn(ctx, "cor@desk.test");
  await page.goto(`${t.baseUrl}/reports`);
  await page.waitForSelector(`#reports tr[data-report="${report.id}"]`);
  await accessible(page, "the reports page");
  // Read it first: its text as the server gives it (GET /api/v1/reports/:id/body), in a dialog.
  await page.click(`#reports tr[data-report="${report.id}"] button[data-read="${report.id}"]`);
  await page.waitForSelector("#report-reader pre");
  const body = await json(await t.api("agent", `/api/v1/reports/${report.id}/body`));
  assert.equal(await page.textContent("#report-reader pre"), body.text);
  await accessible(page, "the report reader");
  await page.keyboard.press("Escape");
  await page.locator("#report-reader").waitFor({ state: "detached" });
  await page.click(`#classify-${report.id}`);
  await page.click("#report-category");
  await page.getByRole("option", { name: "phishing", exact: true }).click();
  await page.fill("#report-subjects", "192.0.2.77");
  await shot(page, "triage-classify");
  await page.click("#report-classify-apply");
  await page.waitForSelector("#reports-notice");
  const after = await json(await t.api("agent", `/api/v1/reports/${report.id}`));
  assert.equal(after.state, "parsed");
  assert.ok(after.event_count >= 1);
  assert.equal(after.events[0].category, "phishing");
  await ctx.close();
});

test("the dashboard shows the demo's figures, each a link to its list, and every page passes the accessibility check", async () => {
  const ctx = await context();
  const page = await signIn(ctx, "cor@desk.test");
  await page.goto(`${t.baseUrl}/dashboard`);
  await page.waitForSelector("[data-figure=fig-open]");
  const stats = await json(await t.api("agent", "/api/v1/stats/overview"));
  assert.ok(stats.open > 0);
  assert.equal(await page.textContent("[data-figure=fig-open]"), String(stats.open));
  assert.equal(await page.textContent("[data-figure=fig-overdue]"), String(stats.overdue));
  assert.ok(stats.volumes.length > 0, "the demo's cases were opened in the period");
  await page.waitForSelector(".recharts-surface");
  await shot(page, "dashboard");
  await accessible(page, "the dashboard");
  await page.click("#fig-open");
  await page.waitForURL(`${t.baseUrl}/`);
  for (const path of ["/notices", "/orders", "/measures", "/transparency", "/customers"]) {
    await page.goto(`${t.baseUrl}${path}`);
    await page.waitForSelector("h1");
    await page.waitForLoadState("networkidle");
    await accessible(page, path);
    await shot(page, path.slice(1));
  }
  await ctx.close();
});

test("an inventory import is previewed (nothing stored), then applied; the customer's page shows its resources in time", async () => {
  await personWithPassword(t.desk.conn.db, "eva@desk.test", "admin", PASSWORD);
  const ctx = await context();
  const page = await signIn(ctx, "eva@desk.test");
  await page.goto(`${t.baseUrl}/customers`);
  await page.waitForSelector("#customers tbody tr");
  await accessible(page, "the customers page");
  const file = [
    "customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to",
    "ui-1,Schermtest BV,webxtra,ui@schermtest.example,ip,203.0.113.224/29,2025-06-01,",
    "ui-1,Schermtest BV,webxtra,ui@schermtest.example,domain,schermtest.example,2025-06-01,",
  ].join("\n");
  await page.locator("#inventory-import input[type=file]").setInputFiles({
    name: "inventory.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`${file}\n`),
  });
  await page.click("#inventory-preview");
  await page.waitForSelector("#inventory-preview-result");
  const previewText = (await page.textContent("#inventory-preview-result")) ?? "";
  assert.match(previewText, /resources 2 added/);
  assert.match(previewText, /203\.0\.113\.224\/29/);
  assert.equal((await t.api("agent", "/api/v1/customers/ui-1")).status, 404, "the preview stored nothing");
  await shot(page, "inventory-preview");
  await page.click("#inventory-apply");
  await page.waitForSelector("#inventory-applied");
  const stored = await json(await t.api("agent", "/api/v1/customers/ui-1"));
  assert.equal(stored.resources.length, 2);
  await page.goto(`${t.baseUrl}/customers/ui-1`);
  await page.waitForSelector("#resources >> text=203.0.113.224/29");
  await accessible(page, "a customer's page");
  await shot(page, "customer");
  // Settings: the brands, people and tokens, and the policy profiles read-only with every clause.
  await page.click("nav >> text=Settings");
  await page.waitForSelector("#policies button");
  const overview = await json(await t.api("admin", "/api/v1/settings/overview"));
  assert.equal(await page.locator("#policies button[aria-expanded]").count(), overview.policies.length);
  await page.locator("#policies button[aria-expanded]").first().click();
  await page.waitForSelector("#policies blockquote.clause");
  await page.waitForSelector("#brands >> text=x2com-nl");
  await accessible(page, "the settings page");
  await shot(page, "settings");
  await ctx.close();
});

test("sign-in with TOTP: a person enrols an authenticator on the account page, and the next sign-in asks for a code", async () => {
  await personWithPassword(t.desk.conn.db, "dora@desk.test", "agent", PASSWORD);
  const ctx = await context();
  const page = await signIn(ctx, "dora@desk.test");
  await page.click("#signed-in-as a");
  await page.waitForURL(`${t.baseUrl}/account`);
  await accessible(page, "the account page");
  const secret = ((await page.textContent("#totp-secret")) ?? "").replaceAll(" ", "");
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  await page.fill("#code", totpCode(secret));
  await page.click("form[action='/account/totp'] button[type=submit]");
  await page.waitForSelector("text=Two-step sign-in is on for your account.");
  await page.goto(`${t.baseUrl}/`);
  await page.click("text=Sign out");
  await page.waitForURL(/\/login/);
  await page.fill("#email", "dora@desk.test");
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/login\/step$/);
  await accessible(page, "the sign-in code page");
  await shot(page, "sign-in-totp");
  // The next period's code (the enrolment used this period's, and a code works once).
  await page.fill("#code", totpCode(secret, Date.now() + 30_000));
  await page.click("button[type=submit]");
  await page.waitForURL(`${t.baseUrl}/`);
  await page.waitForSelector("#queue tbody tr");
  await ctx.close();
});

test("a notice's page: its procedure per location, forwarded and decided through the console; an order's page", async () => {
  const post = (role: "agent" | "legal", path: string, body: unknown) =>
    t.api(role, path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const made = await post("agent", "/api/v1/notices", {
    brand: "extin",
    category: "defamation",
    locations: ["http://webwinkeltulp.example/blog/console-test"],
    explanation: "Dit bericht beschuldigt mij valselijk van fraude.",
    notifier: { name: "Kees Bakker", email: "kees.bakker@example.net" },
    interest: "het gaat over mij",
    legal_ground: "smaad (art. 261 Sr)",
    good_faith: true,
    language: "nl",
  });
  assert.equal(made.status, 201, await made.clone().text());
  const notice = await json(made);
  const order = await json(
    await post("legal", "/api/v1/orders", {
      authority: "police",
      reference: "PL-2026-CONSOLE",
      received_at: new Date().toISOString(),
      legal_basis: "art. 126ng Sv",
      subjects: ["192.0.2.10"],
      requested: ["provide_data"],
      contact: "recherche@politie.example",
    }),
  );
  const ctx = await context();
  const page = await signIn(ctx, "anna@desk.test");
  await page.goto(`${t.baseUrl}/notices`);
  await page.click(`text=${notice.reference}`);
  await page.waitForURL(`${t.baseUrl}/notices/${notice.id}`);
  await page.waitForSelector("#notice-procedures [data-procedure]");
  await accessible(page, "a notice's page");
  const choose = async (label: string) => {
    await page.click("#notice-step-select");
    await page.getByRole("option", { name: label, exact: true }).click();
  };
  await choose("Forward to the customer");
  await page.click("#notice-step-take");
  await page.waitForSelector("#notice-notice >> text=Forward to the customer: done.");
  assert.equal(
    (await json(await t.api("agent", `/api/v1/notices/${notice.id}`))).procedures[0].state,
    "forwarded",
  );
  await choose("Decide");
  await page.click("text=Decision");
  await page.getByRole("option", { name: "rejected", exact: true }).click();
  await page.fill("#notice-step textarea", "Kritiek op een dienst is geen smaad; de klant heeft gereageerd.");
  await page.click("#notice-step-take");
  await page.locator("#notice-notice:has-text('Decide: done.'), #notice-step [role=alert]").first().waitFor();
  assert.equal(
    await page.locator("#notice-step [role=alert]").count(),
    0,
    (await page.locator("#notice-step").textContent()) ?? "",
  );
  const decided = (await json(await t.api("agent", `/api/v1/notices/${notice.id}`))).procedures[0];
  assert.equal(decided.state, "decided");
  assert.equal(decided.decision, "rejected");
  assert.equal(decided.decided_by, "anna@desk.test");
  await shot(page, "notice");
  await page.goto(`${t.baseUrl}/orders`);
  await page.click("text=PL-2026-CONSOLE");
  await page.waitForURL(`${t.baseUrl}/orders/${order.id}`);
  await page.waitForSelector("#order-what >> text=art. 126ng Sv");
  await accessible(page, "an order's page");
  await shot(page, "order");
  await ctx.close();
});

test("the pages reported no script error and the CSP blocked nothing", () => {
  assert.deepEqual(pageProblems, []);
});
