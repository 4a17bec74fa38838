import assert from "node:assert/strict";
import { test } from "node:test";
import { formatIpv6, parseIp, parseIpv4, parseIpv6, readPrefix } from "./ip.ts";

test("IPv4: dotted quads only, no leading zeros, no octets above 255", () => {
  assert.equal(parseIpv4("192.0.2.10"), 0xc000020a);
  assert.equal(parseIpv4("0.0.0.0"), 0);
  assert.equal(parseIpv4("255.255.255.255"), 0xffffffff);
  for (const bad of [
    "256.0.0.1",
    "1.2.3",
    "1.2.3.4.5",
    "01.2.3.4",
    "1..2.3",
    "1.2.3.",
    " 1.2.3.4",
    "1.2.3.4 ",
    "a.b.c.d",
    "1.2.3.1000",
    "",
  ]) {
    assert.equal(parseIpv4(bad), -1, bad);
  }
});

test("IPv6: full, compressed, with an IPv4 tail, in any case", () => {
  const words = (s: string) => {
    const out = new Uint32Array(4);
    return parseIpv6(s, out) ? Array.from(out) : null;
  };
  assert.deepEqual(words("2001:db8::1"), [0x20010db8, 0, 0, 1]);
  assert.deepEqual(words("2001:DB8:0:0:0:0:0:1"), [0x20010db8, 0, 0, 1]);
  assert.deepEqual(words("::"), [0, 0, 0, 0]);
  assert.deepEqual(words("::1"), [0, 0, 0, 1]);
  assert.deepEqual(words("1::"), [0x00010000, 0, 0, 0]);
  assert.deepEqual(words("::ffff:192.0.2.10"), [0, 0, 0xffff, 0xc000020a]);
  assert.deepEqual(words("64:ff9b::192.0.2.10"), [0x0064ff9b, 0, 0, 0xc000020a]);
  assert.deepEqual(words("1:2:3:4:5:6:7:8"), [0x00010002, 0x00030004, 0x00050006, 0x00070008]);
  for (const bad of [
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    ":1::2",
    "1:2:3:4:5:6:7",
    "12345::",
    "1:2:3:4:5:6:7:8::",
    "g::1",
    "1:",
    ":",
    "1:2:3:4:5:6:7:1.2.3.4",
    "::1.2.3",
    "fe80::1%eth0",
  ]) {
    assert.equal(words(bad), null, bad);
  }
});

test("parseIp reads IPv4-mapped IPv6 as IPv4", () => {
  const out = new Uint32Array(4);
  assert.equal(parseIp("::ffff:192.0.2.10", out), 4);
  assert.equal(out[0], 0xc000020a);
  assert.equal(parseIp("192.0.2.10", out), 4);
  assert.equal(parseIp("2001:db8::1", out), 6);
  assert.equal(parseIp("::192.0.2.10", out), 6, "IPv4-compatible (deprecated) is not mapped");
  assert.equal(parseIp("nonsense", out), 0);
});

test("formatIpv6 writes RFC 5952 text", () => {
  assert.equal(formatIpv6([0x20010db8, 0, 0, 1]), "2001:db8::1");
  assert.equal(formatIpv6([0, 0, 0, 0]), "::");
  assert.equal(formatIpv6([0x20010db8, 0x00000001, 0x00010001, 0x00010001]), "2001:db8:0:1:1:1:1:1");
  assert.equal(formatIpv6([0x20010000, 0x00000001, 0, 0x00000001]), "2001:0:0:1::1");
});

test("readPrefix: canonical text, single addresses get their full length", () => {
  const text = (v: string) => {
    const r = readPrefix(v);
    return r.ok ? r.prefix.text : r.problem;
  };
  assert.equal(text("192.0.2.0/25"), "192.0.2.0/25");
  assert.equal(text("192.0.2.10"), "192.0.2.10/32");
  assert.equal(text("2001:DB8:0::/32"), "2001:db8::/32");
  assert.equal(text("2001:db8::1"), "2001:db8::1/128");
  assert.equal(text("0.0.0.0/0"), "0.0.0.0/0");
  assert.equal(text("::ffff:192.0.2.0/120"), "192.0.2.0/24");
});

test("readPrefix refuses host bits, naming the network and the single address", () => {
  const r = readPrefix("192.0.2.10/24");
  assert.ok(!r.ok);
  assert.equal(
    r.problem,
    "`192.0.2.10/24` has host bits set; the network is 192.0.2.0/24 (or write 192.0.2.10/32 for the single address)",
  );
  const r6 = readPrefix("2001:db8:42::1/48");
  assert.ok(!r6.ok && r6.problem.includes("the network is 2001:db8:42::/48"));
  for (const bad of ["192.0.2.0/", "192.0.2.0/x", "192.0.2.0/-1", "2001:db8::/129", "::ffff:1.2.3.4/64"]) {
    assert.equal(readPrefix(bad).ok, false, bad);
  }
  assert.equal(readPrefix("::ffff:192.0.2.0/120", { strictMapped: true }).ok, false);
});
