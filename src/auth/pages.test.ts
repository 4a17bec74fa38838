import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml, field, fromAcceptLanguage, page } from "./pages.ts";
import { describeScope, narrowScope, scopeWithin } from "./scope.ts";

test("the language comes from Accept-Language by weight; English when neither Dutch nor English is asked", () => {
  assert.equal(fromAcceptLanguage("nl-NL,nl;q=0.9,en;q=0.8"), "nl");
  assert.equal(fromAcceptLanguage("de-DE, nl;q=0.5, en;q=0.7"), "en");
  assert.equal(fromAcceptLanguage("fr-BE, nl-BE;q=0.8"), "nl");
  assert.equal(fromAcceptLanguage("de"), "en");
  assert.equal(fromAcceptLanguage(undefined), "en");
  assert.equal(fromAcceptLanguage("nl;q=0, en"), "en");
  assert.equal(fromAcceptLanguage(`${"x,".repeat(10_000)}nl`), "en", "only the first 20 entries are read");
});

test("pages link their CSS and escape what they show; fields have labels and announce errors", () => {
  const html = page('<script>alert("x")</script>', "<p>body</p>", { lang: "nl", path: "/login" });
  assert.match(html, /<html lang="nl">/);
  assert.match(html, /<link rel="stylesheet" href="\/sign-in.css">/);
  assert.doesNotMatch(html, /<style|style=|<script>/);
  assert.match(html, /&#60;script&#62;/);
  assert.match(html, /<a href="\/login\?lang=en" hreflang="en" lang="en">English<\/a>/);
  const f = field("email", "E-mail", { type: "email", autocomplete: "username", value: '"><b>' }, true);
  assert.match(f, /<label for="email">E-mail<\/label>/);
  assert.match(f, /aria-describedby="form-error" aria-invalid="true"/);
  assert.match(f, /value="&#34;&#62;&#60;b&#62;"/);
  assert.equal(escapeHtml("a&b"), "a&#38;b");
});

test("brand scopes narrow and compare", () => {
  assert.deepEqual(narrowScope(null, ["extin"]), ["extin"]);
  assert.deepEqual(narrowScope(["extin", "webxtra"], ["extin", "x2com-nl"]), ["extin"]);
  assert.equal(narrowScope(null, null), null);
  assert.equal(scopeWithin(["extin"], ["extin", "webxtra"]), true);
  assert.equal(scopeWithin(null, ["extin"]), false);
  assert.equal(scopeWithin(["webxtra"], null), true);
  assert.equal(describeScope(["extin"]), "the brand extin");
  assert.equal(describeScope(null), "every brand");
});
