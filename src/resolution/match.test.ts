import assert from "node:assert/strict";
import { test } from "node:test";
import { buildResolutionIndex } from "./match.ts";
import type { Assignment, Resolution, ResourceKind } from "./types.ts";

let nextId = 1;
function a(
  customerId: string,
  kind: ResourceKind,
  value: string,
  validFrom = "2020-01-01",
  validTo: string | null = null,
): Assignment {
  return {
    id: `as-${nextId++}`,
    customerId,
    kind,
    value,
    validFrom: new Date(validFrom),
    validTo: validTo === null ? null : new Date(validTo),
  };
}

function who(r: Resolution): string | null {
  return r.resolution === "matched" ? r.customerId : null;
}

const NOW = new Date("2026-03-01T12:00:00Z");

test("192.0.2.0/25 was A's until 2026-06-01, then B's: May resolves to A, July to B", () => {
  const index = buildResolutionIndex([
    a("A", "ip", "192.0.2.0/25", "2025-01-01", "2026-06-01"),
    a("B", "ip", "192.0.2.0/25", "2026-06-01"),
  ]);
  assert.equal(who(index.resolveIp("192.0.2.77", new Date("2026-05-01"))), "A");
  assert.equal(who(index.resolveIp("192.0.2.77", new Date("2026-07-01"))), "B");
  assert.equal(who(index.resolveIp("192.0.2.77", new Date("2024-07-01"))), null);
  assert.equal(who(index.resolveIp("192.0.2.128", new Date("2026-07-01"))), null, "outside the /25");
});

test("validTo is exclusive and validFrom inclusive, to the millisecond", () => {
  const index = buildResolutionIndex([
    a("A", "ip", "198.51.100.0/24", "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"),
    a("B", "ip", "198.51.100.0/24", "2026-06-01T00:00:00Z"),
  ]);
  const boundary = Date.parse("2026-06-01T00:00:00Z");
  assert.equal(who(index.resolveIp("198.51.100.1", boundary - 1)), "A");
  assert.equal(who(index.resolveIp("198.51.100.1", boundary)), "B");
  assert.equal(who(index.resolveIp("198.51.100.1", Date.parse("2026-01-01T00:00:00Z"))), "A");
  assert.equal(who(index.resolveIp("198.51.100.1", Date.parse("2026-01-01T00:00:00Z") - 1)), null);
});

test("2001:db8::/32 to C and 2001:db8:42::/48 to D: the /48 wins inside it, the /32 elsewhere", () => {
  const index = buildResolutionIndex([a("C", "ip", "2001:db8::/32"), a("D", "ip", "2001:db8:42::/48")]);
  assert.equal(who(index.resolveIp("2001:db8:42::1", NOW)), "D");
  assert.equal(who(index.resolveIp("2001:db8:42:ffff:ffff:ffff:ffff:ffff", NOW)), "D");
  assert.equal(who(index.resolveIp("2001:db8:43::1", NOW)), "C");
  assert.equal(who(index.resolveIp("2001:db8:41:ffff::1", NOW)), "C");
  assert.equal(who(index.resolveIp("2001:db9::1", NOW)), null);
});

test("a customer's /29 inside the provider's /24: the /29 wins, the rest of the /24 goes to the provider", () => {
  const index = buildResolutionIndex([
    a("provider", "ip", "203.0.113.0/24"),
    a("shop", "ip", "203.0.113.8/29"),
    a("host", "ip", "203.0.113.9/32"),
  ]);
  assert.equal(who(index.resolveIp("203.0.113.7", NOW)), "provider");
  assert.equal(who(index.resolveIp("203.0.113.8", NOW)), "shop");
  assert.equal(who(index.resolveIp("203.0.113.9", NOW)), "host");
  assert.equal(who(index.resolveIp("203.0.113.15", NOW)), "shop");
  assert.equal(who(index.resolveIp("203.0.113.16", NOW)), "provider");
  assert.equal(who(index.resolveIp("203.0.113.255", NOW)), "provider");
});

test("a nested prefix nobody holds at that time falls back to the covering one", () => {
  const index = buildResolutionIndex([
    a("provider", "ip", "203.0.113.0/24", "2020-01-01"),
    a("shop", "ip", "203.0.113.8/29", "2026-01-01", "2026-02-01"),
  ]);
  assert.equal(who(index.resolveIp("203.0.113.9", new Date("2026-01-15"))), "shop");
  assert.equal(who(index.resolveIp("203.0.113.9", new Date("2026-02-15"))), "provider");
  assert.equal(who(index.resolveIp("203.0.113.9", new Date("2025-12-15"))), "provider");
});

test("::ffff:192.0.2.10 resolves like 192.0.2.10", () => {
  const index = buildResolutionIndex([a("A", "ip", "192.0.2.0/24")]);
  assert.equal(who(index.resolveIp("::ffff:192.0.2.10", NOW)), "A");
  assert.equal(who(index.resolveIp("::FFFF:c000:020a", NOW)), "A");
  assert.equal(who(index.resolveIp("::ffff:192.0.3.10", NOW)), null);
});

test("an IPv4-mapped prefix in the inventory is held as IPv4", () => {
  const index = buildResolutionIndex([a("A", "ip", "::ffff:192.0.2.0/120")]);
  assert.equal(who(index.resolveIp("192.0.2.200", NOW)), "A");
});

test("a single address without a length is a /32 or /128", () => {
  const index = buildResolutionIndex([a("A", "ip", "192.0.2.10"), a("B", "ip", "2001:db8::10")]);
  assert.equal(who(index.resolveIp("192.0.2.10", NOW)), "A");
  assert.equal(who(index.resolveIp("192.0.2.11", NOW)), null);
  assert.equal(who(index.resolveIp("2001:db8::10", NOW)), "B");
  assert.equal(who(index.resolveIp("2001:db8::11", NOW)), null);
});

test("the edges of the address space and the default route", () => {
  const index = buildResolutionIndex([
    a("all4", "ip", "0.0.0.0/0"),
    a("top", "ip", "255.255.255.0/24"),
    a("last", "ip", "255.255.255.255/32"),
    a("all6", "ip", "::/0"),
    a("top6", "ip", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"),
  ]);
  assert.equal(who(index.resolveIp("0.0.0.0", NOW)), "all4");
  assert.equal(who(index.resolveIp("255.255.255.254", NOW)), "top");
  assert.equal(who(index.resolveIp("255.255.255.255", NOW)), "last");
  assert.equal(who(index.resolveIp("10.0.0.1", NOW)), "all4");
  assert.equal(who(index.resolveIp("::", NOW)), "all6");
  assert.equal(who(index.resolveIp("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", NOW)), "all6");
  assert.equal(who(index.resolveIp("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NOW)), "top6");
});

test("siblings sharing an end and deep nesting resolve to the innermost", () => {
  const index = buildResolutionIndex([
    a("p8", "ip", "10.0.0.0/8"),
    a("p16", "ip", "10.1.0.0/16"),
    a("p24", "ip", "10.1.255.0/24"),
    a("p32", "ip", "10.1.255.255/32"),
    a("q16", "ip", "10.2.0.0/16"),
  ]);
  assert.equal(who(index.resolveIp("10.1.255.255", NOW)), "p32");
  assert.equal(who(index.resolveIp("10.1.255.254", NOW)), "p24");
  assert.equal(who(index.resolveIp("10.1.254.1", NOW)), "p16");
  assert.equal(who(index.resolveIp("10.2.0.0", NOW)), "q16");
  assert.equal(who(index.resolveIp("10.3.0.0", NOW)), "p8");
  assert.equal(who(index.resolveIp("11.0.0.0", NOW)), null);
  assert.equal(who(index.resolveIp("9.255.255.255", NOW)), null);
});

test("a match names the assignment, how it matched and the value", () => {
  const as = a("A", "ip", "192.0.2.0/25");
  const index = buildResolutionIndex([as]);
  assert.deepEqual(index.resolveIp("192.0.2.1", NOW), {
    resolution: "matched",
    customerId: "A",
    assignmentId: as.id,
    matchedBy: "ip",
    value: "192.0.2.0/25",
  });
  assert.equal(index.ipAssignmentAt("192.0.2.1", NOW.getTime()), as.id);
  assert.equal(index.ipAssignmentAt("192.0.2.200", NOW.getTime()), null);
});

test("an address that is not one is not ours, and says why", () => {
  const index = buildResolutionIndex([a("A", "ip", "0.0.0.0/0")]);
  for (const bad of [
    "999.1.2.3",
    "192.0.2",
    "192.0.2.1.5",
    "01.2.3.4",
    "2001:db8:::1",
    "1::2::3",
    "",
    "abc",
  ]) {
    const r = index.resolveIp(bad, NOW);
    assert.equal(r.resolution, "not_ours", bad);
    assert.ok(r.resolution === "not_ours" && r.invalid, bad);
  }
});

test("provider ranges tell ours-but-unassigned from someone else's network", () => {
  const index = buildResolutionIndex([a("A", "ip", "192.0.2.0/25")], {
    providerRanges: [
      { brand: "extin", cidr: "192.0.2.0/24" },
      { brand: "x2com-be", cidr: "2001:db8::/32" },
    ],
  });
  assert.equal(who(index.resolveIp("192.0.2.1", NOW)), "A");
  assert.deepEqual(index.resolveIp("192.0.2.200", NOW), {
    resolution: "not_ours",
    providerRange: true,
    brand: "extin",
  });
  assert.deepEqual(index.resolveIp("2001:db8::1", NOW), {
    resolution: "not_ours",
    providerRange: true,
    brand: "x2com-be",
  });
  assert.deepEqual(index.resolveIp("198.51.100.1", NOW), { resolution: "not_ours", providerRange: false });
  const without = buildResolutionIndex([]);
  assert.deepEqual(without.resolveIp("198.51.100.1", NOW), { resolution: "not_ours" });
});

test("https://shop.example.nl/cart resolves to the customer of example.nl; example.nl.evil.example does not", () => {
  const index = buildResolutionIndex([a("E", "domain", "example.nl")]);
  const r = index.resolveUrl("https://shop.example.nl/cart", NOW);
  assert.equal(who(r), "E");
  assert.equal(r.resolution === "matched" && r.matchedBy, "domain");
  assert.equal(who(index.resolveUrl("https://example.nl/", NOW)), "E");
  assert.equal(who(index.resolveUrl("http://EXAMPLE.NL.", NOW)), "E");
  assert.equal(who(index.resolveUrl("https://example.nl.evil.example/", NOW)), null);
  assert.equal(who(index.resolveUrl("https://notexample.nl/", NOW)), null);
  assert.equal(who(index.resolveUrl("https://example.nl@evil.example/", NOW)), null);
});

test("a subdomain held by another customer beats the parent domain", () => {
  const index = buildResolutionIndex([a("E", "domain", "example.nl"), a("F", "domain", "blog.example.nl")]);
  assert.equal(who(index.resolveDomain("blog.example.nl", NOW)), "F");
  assert.equal(who(index.resolveDomain("a.b.blog.example.nl", NOW)), "F");
  assert.equal(who(index.resolveDomain("www.example.nl", NOW)), "E");
});

test("domain matching stops at the registrable domain: nobody owns a public suffix", () => {
  const index = buildResolutionIndex([a("X", "domain", "co.uk"), a("Y", "domain", "example.co.uk")]);
  assert.equal(who(index.resolveDomain("shop.other.co.uk", NOW)), null);
  assert.equal(who(index.resolveDomain("shop.example.co.uk", NOW)), "Y");
});

test("domains are matched in time, too", () => {
  const index = buildResolutionIndex([
    a("old", "domain", "example.nl", "2020-01-01", "2026-01-01"),
    a("new", "domain", "example.nl", "2026-01-01"),
  ]);
  assert.equal(who(index.resolveDomain("example.nl", new Date("2025-06-01"))), "old");
  assert.equal(who(index.resolveDomain("example.nl", new Date("2026-06-01"))), "new");
});

test("internationalised domain names match their punycode form", () => {
  const index = buildResolutionIndex([a("M", "domain", "münchen.de")]);
  assert.equal(who(index.resolveUrl("https://www.xn--mnchen-3ya.de/", NOW)), "M");
  assert.equal(who(index.resolveDomain("MÜNCHEN.de", NOW)), "M");
});

test("the longest url resource wins, by whole path segments, and beats the domain", () => {
  const index = buildResolutionIndex([
    a("dom", "domain", "example.nl"),
    a("site", "url", "https://shop.example.nl"),
    a("cart", "url", "shop.example.nl/cart"),
    a("deep", "url", "shop.example.nl/cart/checkout/"),
  ]);
  const at = (u: string) => index.resolveUrl(u, NOW);
  assert.equal(who(at("https://shop.example.nl/cart/checkout/pay?x=1")), "deep");
  assert.equal(who(at("https://shop.example.nl/cart/checkout")), "deep");
  assert.equal(who(at("https://shop.example.nl/cart/view")), "cart");
  assert.equal(who(at("https://shop.example.nl/cart")), "cart");
  assert.equal(who(at("https://shop.example.nl/cartoon")), "site", "not a prefix by segment");
  assert.equal(who(at("http://shop.example.nl:8080/")), "site");
  assert.equal(who(at("https://www.example.nl/cart")), "dom");
  const r = at("https://shop.example.nl/cart/view");
  assert.equal(r.resolution === "matched" && r.matchedBy, "url");
  assert.equal(r.resolution === "matched" && r.value, "shop.example.nl/cart");
});

test("a URL with an IP literal host resolves by the address", () => {
  const index = buildResolutionIndex([a("A", "ip", "192.0.2.0/24"), a("B", "ip", "2001:db8::/32")]);
  assert.equal(who(index.resolveUrl("http://192.0.2.5/login.php", NOW)), "A");
  assert.equal(who(index.resolveUrl("http://[2001:db8::5]:8080/x", NOW)), "B");
  // the WHATWG parser reads obfuscated IPv4 hosts the way browsers do
  assert.equal(who(index.resolveUrl("http://3221225989/", NOW)), "A");
  assert.equal(who(index.resolveUrl("http://0xc0.0.2.5/", NOW)), "A");
});

test("a url resource on an IP address", () => {
  const index = buildResolutionIndex([a("A", "ip", "192.0.2.0/24"), a("U", "url", "http://192.0.2.5/~user")]);
  assert.equal(who(index.resolveUrl("http://192.0.2.5/~user/phish.html", NOW)), "U");
  assert.equal(who(index.resolveUrl("http://192.0.2.5/other", NOW)), "A");
});

test("a URL that is not one is not ours, and says why", () => {
  const index = buildResolutionIndex([a("E", "domain", "example.nl")]);
  const r = index.resolveUrl("ftp://example.nl/file", NOW);
  assert.equal(r.resolution, "not_ours");
  assert.ok(r.resolution === "not_ours" && r.invalid);
  assert.ok(index.resolveUrl("http://", NOW).resolution === "not_ours");
});

test("e-mail: the mailbox beats the domain, then the domain of the address", () => {
  const index = buildResolutionIndex([
    a("dom", "domain", "example.nl"),
    a("box", "email", "Info@Example.nl"),
  ]);
  const box = index.resolveEmail("info@example.nl", NOW);
  assert.equal(who(box), "box");
  assert.equal(box.resolution === "matched" && box.matchedBy, "email");
  assert.equal(who(index.resolveEmail("<INFO@example.NL>", NOW)), "box");
  assert.equal(who(index.resolveEmail("mailto:info@example.nl", NOW)), "box");
  const dom = index.resolveEmail("sales@example.nl", NOW);
  assert.equal(who(dom), "dom");
  assert.equal(dom.resolution === "matched" && dom.matchedBy, "domain");
  assert.equal(who(index.resolveEmail("info@mail.example.nl", NOW)), "dom");
  assert.equal(who(index.resolveEmail("info@example.com", NOW)), null);
  assert.ok(index.resolveEmail("not-an-address", NOW).resolution === "not_ours");
});

test("phone: numbers match in any NL/BE notation", () => {
  const index = buildResolutionIndex([a("ams", "phone", "+31201234567"), a("bxl", "phone", "+3221234567")]);
  for (const n of ["020-1234567", "020 123 4567", "+31 20 123 4567", "0031201234567", "+31 (0)20 1234567"]) {
    assert.equal(who(index.resolvePhone(n, NOW)), "ams", n);
  }
  assert.equal(who(index.resolvePhone("+32 2 123 45 67", NOW)), "bxl");
  assert.equal(who(index.resolvePhone("02 123 45 67", NOW, "BE")), "bxl");
  assert.equal(who(index.resolvePhone("02 123 45 67", NOW, "NL")), null);
  assert.ok(index.resolvePhone("12345", NOW).resolution === "not_ours");
});

test("phone assignments written nationally are read as Dutch numbers", () => {
  const index = buildResolutionIndex([a("ams", "phone", "020-1234567")]);
  assert.equal(who(index.resolvePhone("+31201234567", NOW)), "ams");
});

test("resolve takes the url before the ip, and keeps the range answer when nothing matches", () => {
  const index = buildResolutionIndex([a("host", "ip", "192.0.2.0/24"), a("site", "domain", "example.nl")], {
    providerRanges: [{ brand: "webxtra", cidr: "192.0.2.0/23" }],
  });
  assert.equal(who(index.resolve({ url: "https://example.nl/x", ip: "192.0.2.1" }, NOW)), "site");
  assert.equal(who(index.resolve({ url: "https://other.example/x", ip: "192.0.2.1" }, NOW)), "host");
  assert.deepEqual(index.resolve({ url: "https://other.example/", ip: "192.0.3.1" }, NOW), {
    resolution: "not_ours",
    providerRange: true,
    brand: "webxtra",
  });
  assert.equal(who(index.resolve({ email: "x@example.nl" }, NOW)), "site");
  assert.equal(who(index.resolve({ phone: "02 123 45 67" }, NOW, { phoneCountry: "BE" })), null);
  const none = index.resolve({}, NOW);
  assert.ok(none.resolution === "not_ours" && none.invalid);
});

test("add: a new prefix, a nested one and a re-assignment are found at once", () => {
  const index = buildResolutionIndex([a("A", "ip", "10.0.0.0/8"), a("B", "ip", "2001:db8::/32")]);
  assert.deepEqual(index.add(a("C", "ip", "10.1.0.0/16")), { ok: true });
  assert.deepEqual(index.add(a("D", "ip", "2001:db8:42::/48")), { ok: true });
  assert.deepEqual(index.add(a("E", "ip", "10.0.0.0/8", "2026-02-01")), { ok: true });
  assert.deepEqual(index.add(a("F", "ip", "172.16.0.0/12")), { ok: true });
  assert.equal(who(index.resolveIp("10.1.2.3", NOW)), "C");
  assert.equal(who(index.resolveIp("10.2.2.3", NOW)), "E", "the newer assignment of the same prefix");
  assert.equal(who(index.resolveIp("10.2.2.3", new Date("2025-01-01"))), "A");
  assert.equal(who(index.resolveIp("2001:db8:42::1", NOW)), "D");
  assert.equal(who(index.resolveIp("2001:db8:43::1", NOW)), "B");
  assert.equal(who(index.resolveIp("172.20.0.1", NOW)), "F");
  assert.equal(index.stats().pendingPrefixes, 3);
  index.compact();
  assert.equal(index.stats().pendingPrefixes, 0);
  assert.equal(who(index.resolveIp("10.1.2.3", NOW)), "C");
  assert.equal(who(index.resolveIp("10.2.2.3", NOW)), "E");
  assert.equal(who(index.resolveIp("2001:db8:42::1", NOW)), "D");
  assert.equal(who(index.resolveIp("172.20.0.1", NOW)), "F");
});

test("add refuses a bad value and an id it holds already", () => {
  const first = a("A", "ip", "10.0.0.0/8");
  const index = buildResolutionIndex([first]);
  const bad = index.add(a("B", "ip", "10.0.0.1/8"));
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.problem : "", /host bits/);
  assert.equal(index.add({ ...first }).ok, false);
  assert.equal(index.rejected.length, 0);
});

test("close ends an assignment; a later one takes over", () => {
  const old = a("A", "ip", "192.0.2.0/24", "2025-01-01");
  const site = a("S", "domain", "example.nl", "2025-01-01");
  const index = buildResolutionIndex([old, site]);
  assert.equal(index.close(old.id, new Date("2026-02-01")), true);
  assert.equal(index.close(site.id, new Date("2026-02-01")), true);
  assert.equal(index.close("no-such-id", new Date()), false);
  index.add(a("B", "ip", "192.0.2.0/24", "2026-02-01"));
  assert.equal(who(index.resolveIp("192.0.2.1", new Date("2026-01-31"))), "A");
  assert.equal(who(index.resolveIp("192.0.2.1", NOW)), "B");
  assert.equal(who(index.resolveDomain("example.nl", NOW)), null);
});

test("many added prefixes are compiled in by themselves and still resolve", () => {
  const index = buildResolutionIndex([a("base", "ip", "10.0.0.0/8")]);
  for (let i = 0; i < 5000; i++) {
    index.add(a(`c${i}`, "ip", `10.${i >> 8}.${i & 255}.0/24`));
  }
  assert.ok(index.stats().pendingPrefixes < 5000);
  for (const i of [0, 255, 256, 4999]) {
    assert.equal(who(index.resolveIp(`10.${i >> 8}.${i & 255}.9`, NOW)), `c${i}`);
  }
  assert.equal(who(index.resolveIp("10.200.0.1", NOW)), "base");
});

test("bad assignments are listed as rejected, the rest are taken", () => {
  const index = buildResolutionIndex([
    a("A", "ip", "192.0.2.1/24"),
    a("B", "ip", "not-an-ip"),
    a("C", "domain", "exa mple.nl:x/"),
    { ...a("D", "ip", "192.0.2.0/24"), validFrom: new Date("nope") },
    a("E", "ip", "198.51.100.0/24"),
  ]);
  assert.equal(index.rejected.length, 3, JSON.stringify(index.rejected.map((r) => r.problem)));
  assert.match(index.rejected[0]!.problem, /host bits set; the network is 192\.0\.2\.0\/24/);
  assert.equal(who(index.resolveIp("198.51.100.1", NOW)), "E");
});

test("overlapping assignments of one prefix: the most recent one wins", () => {
  const index = buildResolutionIndex([
    a("A", "ip", "192.0.2.0/24", "2025-01-01"),
    a("B", "ip", "192.0.2.0/24", "2026-01-01"),
  ]);
  assert.equal(who(index.resolveIp("192.0.2.1", NOW)), "B");
  assert.equal(who(index.resolveIp("192.0.2.1", new Date("2025-06-01"))), "A");
});

test("agrees with a brute-force scan on random nested prefixes with history", () => {
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const list: Assignment[] = [];
  for (let i = 0; i < 400; i++) {
    const len = 16 + Math.floor(rand() * 17);
    const addr = (0x0a000000 + Math.floor(rand() * 0x10000) * 0x100 * (rand() < 0.5 ? 1 : 0x10)) >>> 0;
    const net = (addr & (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0)) >>> 0;
    const from = Date.UTC(2024, 0, 1) + Math.floor(rand() * 700) * 86400000;
    const to = rand() < 0.5 ? null : from + Math.floor(rand() * 300 + 1) * 86400000;
    const text = `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${len}`;
    list.push({
      id: `r${i}`,
      customerId: `c${i}`,
      kind: "ip",
      value: text,
      validFrom: new Date(from),
      validTo: to ? new Date(to) : null,
    });
  }
  const index = buildResolutionIndex(list.slice(0, 300));
  for (const extra of list.slice(300)) index.add(extra);
  const parsed = list.map((x) => {
    const [ip, len] = x.value.split("/");
    const n = ip!.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    return { x, n, len: Number(len) };
  });
  for (let q = 0; q < 3000; q++) {
    const pick = parsed[Math.floor(rand() * parsed.length)]!;
    const addr = (pick.n + Math.floor(rand() * 2 ** (32 - pick.len))) >>> 0;
    const t = Date.UTC(2024, 0, 1) + Math.floor(rand() * 1100) * 86400000;
    let best: { x: Assignment; len: number } | null = null;
    for (const p of parsed) {
      const mask = p.len === 0 ? 0 : (0xffffffff << (32 - p.len)) >>> 0;
      if ((addr & mask) >>> 0 !== p.n) continue;
      const from = p.x.validFrom.getTime();
      const to = p.x.validTo ? p.x.validTo.getTime() : Infinity;
      if (!(from <= t && t < to)) continue;
      if (!best || p.len > best.len || (p.len === best.len && from > best.x.validFrom.getTime()))
        best = { x: p.x, len: p.len };
    }
    const ip = `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
    assert.equal(
      index.ipAssignmentAt(ip, t),
      best ? best.x.id : null,
      `${ip} at ${new Date(t).toISOString()}`,
    );
  }
});

test("closing the newest assignment of a prefix falls back to the covering prefix after that moment", () => {
  const shop = a("shop", "ip", "203.0.113.8/29", "2025-01-01");
  const index = buildResolutionIndex([a("provider", "ip", "203.0.113.0/24", "2020-01-01"), shop]);
  assert.equal(who(index.resolveIp("203.0.113.9", NOW)), "shop");
  index.close(shop.id, new Date("2026-02-01"));
  assert.equal(who(index.resolveIp("203.0.113.9", NOW)), "provider");
  assert.equal(who(index.resolveIp("203.0.113.9", new Date("2026-01-31"))), "shop");
  const v6 = a("d", "ip", "2001:db8:42::/48", "2025-01-01");
  index.add(v6);
  index.compact();
  index.close(v6.id, new Date("2026-02-01"));
  assert.equal(who(index.resolveIp("2001:db8:42::1", NOW)), null);
  assert.equal(who(index.resolveIp("2001:db8:42::1", new Date("2025-06-01"))), "d");
});

test("a past holder is found behind newer ones in the history of a prefix", () => {
  const index = buildResolutionIndex([
    a("A", "ip", "192.0.2.0/24", "2021-01-01", "2022-01-01"),
    a("B", "ip", "192.0.2.0/24", "2022-01-01", "2023-01-01"),
    a("C", "ip", "192.0.2.0/24", "2023-01-01", "2024-01-01"),
    a("D", "ip", "192.0.2.0/24", "2024-01-01"),
  ]);
  assert.equal(who(index.resolveIp("192.0.2.1", new Date("2021-06-01"))), "A");
  assert.equal(who(index.resolveIp("192.0.2.1", new Date("2022-06-01"))), "B");
  assert.equal(who(index.resolveIp("192.0.2.1", new Date("2023-06-01"))), "C");
  assert.equal(who(index.resolveIp("192.0.2.1", new Date("2024-06-01"))), "D");
  assert.equal(who(index.resolveIp("192.0.2.1", new Date("2020-06-01"))), null);
});

test("stats count what the index holds", () => {
  const index = buildResolutionIndex([
    a("A", "ip", "192.0.2.0/24"),
    a("B", "ip", "192.0.2.0/24", "2026-01-01"),
    a("C", "ip", "2001:db8::/32"),
    a("D", "domain", "example.nl"),
    a("D", "phone", "+31201234567"),
  ]);
  const stats = index.stats();
  assert.equal(stats.assignments, 5);
  assert.equal(stats.customers, 4);
  assert.equal(stats.ipv4Prefixes, 1);
  assert.equal(stats.ipv6Prefixes, 1);
  assert.equal(stats.names, 2);
  assert.ok(stats.typedArrayBytes > 0);
});
