import assert from "node:assert/strict";
import { test } from "node:test";
import { Parser } from "htmlparser2";
import { mail, multipart } from "../parsers/testkit.ts";
import {
  REPORT_BODY_MAX_HTML,
  REPORT_BODY_MAX_TEXT,
  readReportBody,
  sanitizeReportHtml,
} from "./report-body.ts";
import { ORDINARY_HTML, XSS_CORPUS } from "./xss-corpus.ts";

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  a: ["href", "title", "rel", "target"],
  td: ["colspan", "rowspan"],
  th: ["colspan", "rowspan"],
};

/** Reads sanitised HTML as a browser's parser would and lists what would be dangerous in it. */
function dangers(html: string): string[] {
  const found: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (
          [
            "script",
            "img",
            "svg",
            "iframe",
            "form",
            "input",
            "button",
            "meta",
            "link",
            "base",
            "style",
            "object",
            "embed",
            "video",
            "audio",
            "source",
            "template",
            "math",
            "textarea",
          ].includes(name)
        )
          found.push(`<${name}>`);
        for (const [k, v] of Object.entries(attribs)) {
          if (!(ALLOWED_ATTRIBUTES[name] ?? []).includes(k)) found.push(`${name}[${k}]`);
          if (k === "href" && !/^(https?:\/\/|mailto:)/i.test(v)) found.push(`${name}[href=${v}]`);
        }
        if (name === "a" && attribs.href && !/\bnoreferrer\b/.test(attribs.rel ?? ""))
          found.push("a without rel");
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return found;
}

for (const [name, payload] of XSS_CORPUS) {
  test(`XSS corpus: ${name} is made harmless`, () => {
    const out = sanitizeReportHtml(`<p>before</p>${payload}<p>after</p>`);
    assert.deepEqual(dangers(out), [], out);
    assert.doesNotMatch(out, /xss\(\)"|evil\.example\/x|tracker\.example/, out);
    assert.match(out, /before/);
  });
}

test("an ordinary complaint keeps its text, links (with rel=noreferrer), tables and lists", () => {
  const out = sanitizeReportHtml(ORDINARY_HTML);
  assert.match(
    out,
    /<a href="https:\/\/bank-login\.example\.nl\/secure" rel="noopener noreferrer nofollow" target="_blank">bank-login\.example\.nl<\/a>/,
  );
  assert.match(out, /<a href="mailto:cert@example\.org"/);
  assert.match(out, /<table><tr><th>IP<\/th><td>192\.0\.2\.10<\/td><\/tr><\/table>/);
  assert.match(out, /<ul><li><b>first<\/b> seen today<\/li><\/ul>/);
  assert.doesNotMatch(out, /<title>|<head>|<html>|<body>/);
});

test("a mail's body: subject, sender, date, its text part, and its HTML part sanitised", async () => {
  const raw = multipart(
    [
      "From: =?utf-8?q?J=C3=A9r=C3=B4me?= <cert@example.org>",
      "Subject: =?utf-8?b?UGhpc2hpbmc=?= report",
      "Date: Tue, 3 Mar 2026 10:00:00 +0100",
    ],
    "multipart/alternative",
    [
      [["Content-Type: text/plain; charset=utf-8"], "Phishing at https://bank-login.example.nl/"],
      [
        ["Content-Type: text/html; charset=utf-8"],
        `<p onclick="xss()">Phishing</p><script>xss()</script><img src="https://tracker.example/p.gif">`,
      ],
    ],
  );
  const body = await readReportBody(raw, "message/rfc822");
  assert.equal(body.subject, "Phishing report");
  assert.equal(body.from, "Jérôme <cert@example.org>");
  assert.equal(body.date, "2026-03-03T09:00:00.000Z");
  assert.equal(body.text, "Phishing at https://bank-login.example.nl/");
  assert.equal(body.html, "<p>Phishing</p>");
  assert.equal(body.truncated, false);
});

test("an HTML-only mail has its text from the HTML; an attached HTML file is not the body", async () => {
  const htmlOnly = await readReportBody(
    mail(
      ["From: a@example.org", "Subject: x", "Content-Type: text/html"],
      '<p>see <a href="http://x.example/">this</a></p>',
    ),
    null,
  );
  assert.match(htmlOnly.text, /see http:\/\/x\.example\/ this/);
  assert.match(htmlOnly.html ?? "", /<a href="http:\/\/x\.example\/"/);
  const attached = await readReportBody(
    multipart(["From: a@example.org", "Subject: x"], "multipart/mixed", [
      [["Content-Type: text/plain"], "the complaint"],
      [
        ['Content-Type: text/html; name="page.html"', "Content-Disposition: attachment"],
        "<p>saved phishing page</p>",
      ],
    ]),
    null,
  );
  assert.equal(attached.html, null);
  assert.equal(attached.text, "the complaint");
});

test("a report that is not a mail is shown as text; text and HTML are bounded by named limits", async () => {
  const json = await readReportBody(Buffer.from('{"xarf_version":"4.0.0"}'), "application/json");
  assert.deepEqual(json, {
    subject: null,
    from: null,
    date: null,
    text: '{"xarf_version":"4.0.0"}',
    html: null,
    truncated: false,
  });
  const long = await readReportBody(
    mail(["From: a@example.org", "Subject: x"], "y".repeat(REPORT_BODY_MAX_TEXT + 10)),
    "message/rfc822",
  );
  assert.equal(long.text.length, REPORT_BODY_MAX_TEXT);
  assert.equal(long.truncated, true);
  const html = sanitizeReportHtml(`<p>${"z".repeat(REPORT_BODY_MAX_HTML)}</p><p>beyond</p>`);
  assert.doesNotMatch(html, /beyond/);
});
