/**
 * Reported content is hostile when shown: `GET /api/v1/reports/:id/body` gives the mail's HTML sanitised
 * on the server, and a real browser (Debian's chromium) that renders it runs none of the XSS corpus, loads
 * nothing from elsewhere and goes nowhere; the same corpus unsanitised does all three in that browser (so
 * the check can see an attack). The original is only ever a download.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Browser, chromium } from "playwright-core";
import { ORDINARY_HTML, XSS_CORPUS } from "../src/intake/xss-corpus.ts";
import { json, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
let browser: Browser;
before(async () => {
  t = await startTestDesk();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
});
after(async () => {
  await browser?.close();
  await t.stop();
});

const corpusHtml = `<html><body>${ORDINARY_HTML}${XSS_CORPUS.map(([name, p]) => `<div><h3>${name}</h3>${p}</div>`).join("\n")}</body></html>`;
const raw = [
  "From: Reporter <cert@example.org>",
  "To: abuse@x2com.nl",
  "Subject: phishing with everything in it",
  "Date: Tue, 3 Mar 2026 10:00:00 +0100",
  "Message-ID: <xss-corpus@example.org>",
  'Content-Type: multipart/alternative; boundary="alt"',
  "",
  "--alt",
  "Content-Type: text/plain; charset=utf-8",
  "",
  "Phishing at https://bank-login.example.nl/secure",
  "--alt",
  "Content-Type: text/html; charset=utf-8",
  "Content-Transfer-Encoding: base64",
  "",
  Buffer.from(corpusHtml).toString("base64").replace(/.{76}/g, "$&\r\n"),
  "--alt--",
  "",
].join("\r\n");

/** Renders HTML the way a console would (inserted into a page of ours) and reports what it did. */
async function render(html: string): Promise<{ fired: number; requests: string[]; url: string }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("http://console.test/")) {
      return route.fulfill({
        contentType: "text/html",
        body: "<html><head><script>window.fired = 0; window.xss = () => { window.fired++; };</script></head><body><main id=r></main></body></html>",
      });
    }
    requests.push(url);
    return route.abort();
  });
  try {
    await page.goto("http://console.test/report");
    // As the console shows it (innerHTML runs handlers, not <script>), and as a whole page would, below.
    await page.evaluate(`(() => {
      const h = ${JSON.stringify(html)};
      document.getElementById("r").innerHTML = h;
      const more = document.createElement("div");
      more.insertAdjacentHTML("beforeend", h);
      document.body.append(more);
      for (const el of document.querySelectorAll("[autofocus]")) el.focus();
    })()`);
    await page.setContent(
      `<html><head><script>window.fired = 0; window.xss = () => { window.fired++; };</script></head><body>${html}</body></html>`,
    );
    await page.waitForLoadState("load");
    // Give handlers (onerror of images that fail, ontoggle, meta refresh) their turn.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    return {
      fired: Number(await page.evaluate("window.fired")),
      requests,
      url: page.url(),
    };
  } finally {
    await page.close();
  }
}

test("the body route gives subject, sender, date, text and the HTML sanitised; a browser rendering it runs nothing", async () => {
  const submitted = await json(
    await t.api("agent", "/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "message/rfc822" },
      body: raw,
    }),
  );
  const res = await t.api("auditor", `/api/v1/reports/${submitted.id}/body`);
  assert.equal(res.status, 200);
  const body = await json(res);
  assert.equal(body.subject, "phishing with everything in it");
  assert.equal(body.from, "Reporter <cert@example.org>");
  assert.equal(body.date, "2026-03-03T09:00:00.000Z");
  assert.equal(body.text, "Phishing at https://bank-login.example.nl/secure");
  assert.match(
    body.html,
    /<a href="https:\/\/bank-login\.example\.nl\/secure" rel="noopener noreferrer nofollow"/,
  );

  const shown = await render(body.html);
  assert.equal(shown.fired, 0, "no payload ran");
  assert.deepEqual(shown.requests, [], "nothing was loaded");
  assert.equal(shown.url, "http://console.test/report", "no redirect");

  // The same corpus unsanitised does run and load in this browser: the check above can see an attack.
  // (Without its meta refreshes, which would take the page away before it could be asked.)
  const unsafe = await render(
    XSS_CORPUS.filter(([name]) => !name.startsWith("meta refresh"))
      .map(([, p]) => `<div>${p}</div>`)
      .join("\n"),
  );
  assert.ok(unsafe.fired > 0, "the raw corpus runs scripts");
  assert.ok(
    unsafe.requests.some((u) => /tracker\.example|evil\.example/.test(u)),
    unsafe.requests.join(" "),
  );
});

test("the body needs the read permission; the original is only a download", async () => {
  const submitted = await json(
    await t.api("agent", "/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "message/rfc822" },
      body: raw.replace("xss-corpus@", "xss-corpus-2@"),
    }),
  );
  assert.equal((await t.api(null, `/api/v1/reports/${submitted.id}/body`)).status, 401);
  assert.equal((await t.api("auditor", "/api/v1/reports/999999/body")).status, 404);
  const download = await t.api("auditor", `/api/v1/reports/${submitted.id}/raw`);
  assert.equal(download.status, 200);
  assert.equal(download.headers.get("content-type"), "application/octet-stream");
  assert.match(download.headers.get("content-disposition") ?? "", /^attachment; filename="report-\d+\.eml"$/);
  assert.equal(download.headers.get("x-content-type-options"), "nosniff");
  assert.equal(
    Buffer.from(await download.arrayBuffer()).toString(),
    raw.replace("xss-corpus@", "xss-corpus-2@"),
  );
});
