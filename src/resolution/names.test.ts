import assert from "node:assert/strict";
import { test } from "node:test";
import {
  domainCandidates,
  hostKey,
  mailboxKey,
  readDomain,
  readMailbox,
  readUrlResource,
  urlKeys,
} from "./names.ts";

test("domain candidates run from the host up to its registrable domain, never above", () => {
  assert.deepEqual(domainCandidates("a.shop.example.nl"), [
    "a.shop.example.nl",
    "shop.example.nl",
    "example.nl",
  ]);
  assert.deepEqual(domainCandidates("example.nl"), ["example.nl"]);
  assert.deepEqual(domainCandidates("example.nl.evil.example"), [
    "example.nl.evil.example",
    "nl.evil.example",
    "evil.example",
  ]);
  assert.deepEqual(domainCandidates("www.example.co.uk"), ["www.example.co.uk", "example.co.uk"]);
  assert.deepEqual(domainCandidates("localhost"), ["localhost"]);
});

test("hostKey: lower case, no trailing dot, punycode", () => {
  assert.equal(hostKey("Example.NL."), "example.nl");
  assert.equal(hostKey("münchen.de"), "xn--mnchen-3ya.de");
  assert.equal(hostKey(""), null);
});

test("readDomain takes names and refuses the rest with a hint", () => {
  assert.deepEqual(readDomain(" Example.NL "), { ok: true, value: "example.nl" });
  assert.deepEqual(readDomain("bücher.nl"), { ok: true, value: "xn--bcher-kva.nl" });
  const problem = (v: string) => {
    const r = readDomain(v);
    return r.ok ? "" : r.problem;
  };
  assert.match(problem("nl"), /has no dot/);
  assert.match(problem("co.uk"), /public suffix/);
  assert.match(problem("192.0.2.1"), /is an IP address; use kind ip/);
  assert.match(problem("-bad-.nl"), /label/);
  assert.match(problem("a_b.nl"), /label/);
  assert.match(problem("example.nl/path"), /kind url/);
  assert.match(problem("*.example.nl"), /covers its subdomains/);
});

test("readUrlResource stores host + path; urlKeys gives the paths to try, longest first", () => {
  assert.deepEqual(readUrlResource("https://Shop.Example.nl/Cart/"), {
    ok: true,
    value: "shop.example.nl/Cart",
  });
  assert.deepEqual(readUrlResource("shop.example.nl"), { ok: true, value: "shop.example.nl" });
  assert.deepEqual(readUrlResource("http://192.0.2.5/~jan"), { ok: true, value: "192.0.2.5/~jan" });
  assert.deepEqual(readUrlResource("http://[2001:db8::5]/x"), { ok: true, value: "[2001:db8::5]/x" });
  for (const bad of [
    "https://x.nl:8443/a",
    "https://user:pw@x.nl/",
    "https://x.nl/a#frag",
    "mailto:a@b.nl",
    "https://x/a",
  ]) {
    assert.equal(readUrlResource(bad).ok, false, bad);
  }
  assert.deepEqual(urlKeys("https://shop.example.nl/a/b/c.html?x=1#y"), {
    host: "shop.example.nl",
    keys: ["shop.example.nl/a/b/c.html", "shop.example.nl/a/b", "shop.example.nl/a", "shop.example.nl"],
  });
  assert.equal(urlKeys("javascript:alert(1)"), null);
});

test("mailboxes: lower case, punycode domains, mailto and angle brackets in lookups", () => {
  assert.deepEqual(readMailbox("Info@Example.NL"), { ok: true, value: "info@example.nl" });
  assert.equal(readMailbox("a@b").ok, false);
  assert.equal(readMailbox("a b@example.nl").ok, false);
  assert.equal(readMailbox("@example.nl").ok, false);
  assert.deepEqual(mailboxKey("<Jan@Example.nl>"), { mailbox: "jan@example.nl", domain: "example.nl" });
  assert.deepEqual(mailboxKey("mailto:jan@example.nl"), { mailbox: "jan@example.nl", domain: "example.nl" });
  assert.deepEqual(mailboxKey('"Jan" <Jan@Example.nl>'), { mailbox: "jan@example.nl", domain: "example.nl" });
  assert.equal(mailboxKey("no-at-sign"), null);
});
