import assert from "node:assert/strict";
import { test } from "node:test";
import { findOverlaps, type InventoryRow, parseInventoryCsv, readInventoryDate } from "./csv.ts";

const HEADER = "customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to";
const BRANDS = [
  "x2com-nl",
  { id: "x2com-be", country: "BE" as const, timeZone: "Europe/Brussels" },
  "extin",
  "webxtra",
];

function parse(...lines: string[]) {
  return parseInventoryCsv([HEADER, ...lines].join("\n"), { brands: BRANDS });
}

function rows(...lines: string[]): InventoryRow[] {
  const result = parse(...lines);
  assert.ok(result.ok, result.ok ? "" : result.error.map((e) => e.message).join("\n"));
  return result.value;
}

function messages(...lines: string[]): string[] {
  const result = parse(...lines);
  assert.equal(result.ok, false, "the file should be refused");
  return result.ok ? [] : result.error.map((e) => e.message);
}

test("a good file gives typed, normalised rows", () => {
  const got = rows(
    "cust-1,Webwinkel BV,extin,Info@Webwinkel.example,ip,192.0.2.0/25,2026-01-01,2026-06-01",
    "cust-2,Bakker,extin,bakker@example.nl,IP,2001:DB8:0:0::/48,2026-01-01T10:00:00Z,",
    "cust-2,Bakker,extin,bakker@example.nl,ip,198.51.100.7,2026-01-01,",
    "cust-2,Bakker,extin,bakker@example.nl,domain,Bakker.NL.,2026-01-01,",
    "cust-2,Bakker,extin,bakker@example.nl,url,https://Shop.Bakker.nl/winkel/,2026-01-01,",
    "cust-2,Bakker,extin,bakker@example.nl,email,Info@Bakker.nl,2026-01-01,",
    "cust-2,Bakker,extin,bakker@example.nl,phone,020-123 45 67,2026-01-01,",
    "be-9,Frites,x2com-be,a@frites.be;b@frites.be,phone,02 123 45 67,2026-01-01,",
  );
  assert.equal(got.length, 8);
  assert.deepEqual(got[0], {
    row: 2,
    customerId: "cust-1",
    customerName: "Webwinkel BV",
    brand: "extin",
    contactEmails: ["info@webwinkel.example"],
    kind: "ip",
    value: "192.0.2.0/25",
    validFrom: new Date("2025-12-31T23:00:00Z"),
    validTo: new Date("2026-05-31T22:00:00Z"),
  });
  assert.deepEqual(
    got.map((r) => r.value),
    [
      "192.0.2.0/25",
      "2001:db8::/48",
      "198.51.100.7/32",
      "bakker.nl",
      "shop.bakker.nl/winkel",
      "info@bakker.nl",
      "+31201234567",
      "+3221234567",
    ],
  );
  assert.equal(got[1]!.kind, "ip");
  assert.deepEqual(got[1]!.validFrom, new Date("2026-01-01T10:00:00Z"));
  assert.equal(got[1]!.validTo, null);
  assert.deepEqual(got[7]!.contactEmails, ["a@frites.be", "b@frites.be"]);
});

test("dates: a date is midnight in the brand's zone; a date-time may carry its offset", () => {
  assert.deepEqual(readInventoryDate("2026-07-01"), new Date("2026-06-30T22:00:00Z"));
  assert.deepEqual(readInventoryDate("2026-01-01", "Europe/Brussels"), new Date("2025-12-31T23:00:00Z"));
  assert.deepEqual(readInventoryDate("2026-01-01T12:00:00+01:00"), new Date("2026-01-01T11:00:00Z"));
  assert.deepEqual(readInventoryDate("2026-01-01 12:00"), new Date("2026-01-01T11:00:00Z"));
  assert.deepEqual(readInventoryDate("2026-01-01T12:00:00.250Z"), new Date("2026-01-01T12:00:00.250Z"));
  for (const bad of [
    "01-06-2026",
    "2026-13-01",
    "2026-02-30",
    "2026-W01",
    "yesterday",
    "2026-1-1",
    "2026-06-01T25:00",
  ]) {
    assert.equal(readInventoryDate(bad), null, bad);
  }
});

test("the header may be in any order, with a BOM, CRLF and blank lines", () => {
  const text =
    "\ufeffkind,value,customer_id,customer_name,brand,contact_email,valid_from,valid_to\r\n\r\n" +
    "ip,192.0.2.0/24,c1,Name,extin,a@b.nl,2026-01-01,\r\n";
  const result = parseInventoryCsv(text, { brands: ["extin"] });
  assert.ok(result.ok);
  assert.equal(result.value[0]!.value, "192.0.2.0/24");
  assert.equal(result.value[0]!.row, 3, "the row is the line in the file");
});

test("quoted fields with commas are read", () => {
  const got = rows('c1,"Jansen, Pietersen & Zn",extin,a@b.nl,domain,jansen.nl,2026-01-01,');
  assert.equal(got[0]!.customerName, "Jansen, Pietersen & Zn");
});

test("a bad header is named: unknown, doubled and missing columns", () => {
  const result = parseInventoryCsv("customer_id,customer,brand,brand,kind,value,valid_from\n", {
    brands: ["extin"],
  });
  assert.equal(result.ok, false);
  const text = result.ok ? "" : result.error.map((e) => e.message).join("\n");
  assert.match(text, /row 1: `customer` is not a column; the columns are customer_id, customer_name/);
  assert.match(text, /row 1: the column brand appears twice/);
  assert.match(text, /row 1: the header lacks customer_name, contact_email, valid_to/);
});

test("an empty file and a broken CSV are refused", () => {
  const empty = parseInventoryCsv("", { brands: ["extin"] });
  assert.ok(!empty.ok && /empty; it needs the header/.test(empty.error[0]!.message));
  const broken = parseInventoryCsv(`${HEADER}\nc1,"unclosed,extin,a@b.nl,ip,192.0.2.0/24,2026-01-01,\n`, {
    brands: ["extin"],
  });
  assert.ok(!broken.ok && /not valid CSV/.test(broken.error[0]!.message));
});

test("a header alone is a valid, empty inventory", () => {
  assert.deepEqual(rows(), []);
});

test("every kind of bad row is named with row, column, what is wrong and what is allowed", () => {
  const got = messages(
    "cust-1,Webwinkel BV,extin,info@webwinkel.example,ipv4,192.0.2.0/24,2026-01-01,", // 2
    ",Nameless,extin,a@b.nl,ip,192.0.2.0/24,2026-01-01,", // 3
    "cust 3,Spaces,extin,a@b.nl,ip,192.0.3.0/24,2026-01-01,", // 4
    "c4,,extin,a@b.nl,ip,192.0.4.0/24,2026-01-01,", // 5
    "c5,Five,kpn,a@b.nl,ip,192.0.5.0/24,2026-01-01,", // 6
    "c6,Six,extin,not-an-address,ip,192.0.6.0/24,2026-01-01,", // 7
    "c7,Seven,extin,a@b.nl,ip,192.0.2.10/24,2026-01-01,", // 8
    "c8,Eight,extin,a@b.nl,ip,300.1.2.3,2026-01-01,", // 9
    "c9,Nine,extin,a@b.nl,ip,192.0.2.0/33,2026-01-01,", // 10
    "c10,Ten,extin,a@b.nl,domain,http://x.nl/a,2026-01-01,", // 11
    "c11,Eleven,extin,a@b.nl,domain,co.uk,2026-01-01,", // 12
    "c12,Twelve,extin,a@b.nl,url,ftp://x.nl/a,2026-01-01,", // 13
    "c13,Thirteen,extin,a@b.nl,email,info.example.nl,2026-01-01,", // 14
    "c14,Fourteen,extin,a@b.nl,phone,12345,2026-01-01,", // 15
    "c15,Fifteen,extin,a@b.nl,ip,192.0.9.0/24,01-01-2026,", // 16
    "c16,Sixteen,extin,a@b.nl,ip,192.0.10.0/24,2026-06-01,2026-01-01", // 17
    "c17,Seventeen,extin,a@b.nl,ip,192.0.11.0/24,,", // 18
    "c18,Eighteen,extin,a@b.nl,ip,192.0.12.0/24,2026-01-01", // 19: a field short
    "c19,Nineteen,extin,a@b.nl,ip,,2026-01-01,", // 20
    "c20,Twenty,extin,a@b.nl,ip,::ffff:192.0.2.0/120,2026-01-01,", // 21
    "c21,TwentyOne,extin,a@b.nl,domain,*.example.nl,2026-01-01,", // 22
    "c22,TwentyTwo,extin,a@b.nl,url,https://x.nl/a?b=1,2026-01-01,", // 23
    "c23,TwentyThree,extin,a@b.nl,ip,192.0.13.0/24,2026-01-01,2026-02-30", // 24
    "c24,TwentyFour,extin,,ip,192.0.14.0/24,2026-01-01,", // 25
  );
  const expect = [
    "row 2, column kind: `ipv4` is not a kind; use one of ip, domain, url, email, phone",
    "row 3, column customer_id: is empty; every row names its customer",
    "row 4, column customer_id: `cust 3` is not a customer id",
    "row 5, column customer_name: is empty",
    "row 6, column brand: `kpn` is not a brand; use one of x2com-nl, x2com-be, extin, webxtra",
    "row 7, column contact_email: `not-an-address` is not an e-mail address",
    "row 8, column value: `192.0.2.10/24` has host bits set; the network is 192.0.2.0/24 (or write 192.0.2.10/32 for the single address)",
    "row 9, column value: `300.1.2.3` is not an IPv4 or IPv6 address",
    "row 10, column value: `/33` is not a prefix length; use /0 to /32",
    "row 11, column value: `http://x.nl/a` is not a domain name",
    "row 12, column value: `co.uk` is a public suffix",
    "row 13, column value: `ftp://x.nl/a` has scheme ftp:; use http or https",
    "row 14, column value: `info.example.nl` is not an e-mail address",
    "row 15, column value: `12345` is not a phone number; write +31201234567, or 020-1234567",
    "row 16, column valid_from: `01-01-2026` is not a date; write 2026-01-01",
    "row 17, column valid_to: 2026-01-01 is not after valid_from 2026-06-01",
    "row 18, column valid_from: is empty",
    "row 19: has 7 fields where the header has 8",
    "row 20, column value: is empty",
    "row 21, column value: `::ffff:192.0.2.0/120` is an IPv4-mapped IPv6 prefix; write it as IPv4 (192.0.2.0/24)",
    "row 22, column value: `*.example.nl`: a domain covers its subdomains already; write example.nl",
    "row 23, column value: `https://x.nl/a?b=1` has a query or fragment",
    "row 24, column valid_to: `2026-02-30` is not a date",
    "row 25, column contact_email: is empty",
  ];
  for (const e of expect) {
    assert.ok(
      got.some((m) => m.startsWith(e)),
      `missing: ${e}\ngot:\n${got.join("\n")}`,
    );
  }
  assert.equal(got.length, expect.length, got.join("\n"));
});

test("nothing is half-imported: one bad row refuses the whole file", () => {
  const result = parse(
    "c1,One,extin,a@b.nl,ip,192.0.2.0/24,2026-01-01,",
    "c2,Two,extin,a@b.nl,ip,192.0.3.1/24,2026-01-01,",
  );
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.error.length === 1 && result.error[0]!.row === 3);
});

test("one prefix to two customers for overlapping periods is refused, naming both rows", () => {
  const got = messages(
    "cust-a,A,extin,a@a.nl,ip,192.0.2.0/25,2026-01-01,2026-07-01",
    "cust-x,X,extin,x@x.nl,ip,198.51.100.0/24,2026-01-01,",
    "cust-b,B,extin,b@b.nl,ip,192.0.2.0/25,2026-06-01,",
  );
  assert.equal(got.length, 1, got.join("\n"));
  assert.match(
    got[0]!,
    /^row 4, column value: rows 2 and 4 assign 192\.0\.2\.0\/25 to cust-a and to cust-b for overlapping periods/,
  );
  assert.match(got[0]!, /end the first period where the second begins/);
});

test("the same prefix written two ways is one prefix", () => {
  const got = messages(
    "cust-a,A,extin,a@a.nl,ip,2001:db8::/32,2026-01-01,",
    "cust-b,B,extin,b@b.nl,ip,2001:0DB8:0000::/32,2026-03-01,",
  );
  assert.match(got[0]!, /rows 2 and 3 assign 2001:db8::\/32 to cust-a and to cust-b/);
});

test("a prefix passed from A to B on one day is not an overlap: valid_to is exclusive", () => {
  const got = rows(
    "cust-a,A,extin,a@a.nl,ip,192.0.2.0/25,2025-01-01,2026-06-01",
    "cust-b,B,extin,b@b.nl,ip,192.0.2.0/25,2026-06-01,",
  );
  assert.equal(got.length, 2);
});

test("nested prefixes and subdomains of another customer are fine", () => {
  const got = rows(
    "provider,Extin,extin,noc@extin.eu,ip,192.0.2.0/24,2020-01-01,",
    "cust-a,A,extin,a@a.nl,ip,192.0.2.8/29,2026-01-01,",
    "cust-c,C,extin,c@c.nl,ip,2001:db8::/32,2026-01-01,",
    "cust-d,D,extin,d@d.nl,ip,2001:db8:42::/48,2026-01-01,",
    "cust-e,E,extin,e@e.nl,domain,example.nl,2026-01-01,",
    "cust-f,F,extin,f@f.nl,domain,blog.example.nl,2026-01-01,",
  );
  assert.equal(got.length, 6);
});

test("the same resource twice for one customer in overlapping periods: merge them", () => {
  const got = messages(
    "cust-a,A,extin,a@a.nl,domain,example.nl,2026-01-01,",
    "cust-a,A,extin,a@a.nl,domain,EXAMPLE.nl,2026-02-01,",
  );
  assert.match(
    got[0]!,
    /rows 2 and 3 both assign example\.nl to cust-a for overlapping periods .*merge them/,
  );
});

test("one customer has one name, one brand and one contact across rows", () => {
  const got = messages(
    "c1,Foo BV,extin,a@foo.nl,domain,foo.nl,2026-01-01,",
    "c1,Foo B.V.,extin,a@foo.nl,domain,foo2.nl,2026-01-01,",
    "c1,Foo BV,webxtra,a@foo.nl,domain,foo3.nl,2026-01-01,",
    "c1,Foo BV,extin,b@foo.nl,domain,foo4.nl,2026-01-01,",
  );
  assert.match(
    got[0]!,
    /^row 3, column customer_name: customer c1 is called `Foo BV` on row 2 and `Foo B\.V\.` here/,
  );
  assert.match(got[1]!, /^row 4, column brand: customer c1 is with extin on row 2 and webxtra here/);
  assert.match(
    got[2]!,
    /^row 5, column contact_email: customer c1 has contact a@foo\.nl on row 2 and b@foo\.nl here/,
  );
});

test("phone numbers are read in the brand's country", () => {
  const got = rows(
    "nl-1,NL,x2com-nl,a@b.nl,phone,06-12345678,2026-01-01,",
    "be-1,BE,x2com-be,a@b.be,phone,0470 12 34 56,2026-01-01,",
    "be-2,BE2,x2com-be,a@b.be,phone,+31 20 123 4567,2026-01-01,",
  );
  assert.deepEqual(
    got.map((r) => r.value),
    ["+31612345678", "+32470123456", "+31201234567"],
  );
});

test("findOverlaps finds every overlapping pair and ignores touching periods", () => {
  const p = (customerId: string, from: string, to: string | null) => ({
    customerId,
    kind: "ip" as const,
    value: "192.0.2.0/24",
    validFrom: new Date(from),
    validTo: to ? new Date(to) : null,
  });
  const a = p("a", "2026-01-01", "2026-03-01");
  const b = p("b", "2026-03-01", "2026-05-01");
  const c = p("c", "2026-04-01", null);
  const d = p("d", "2025-01-01", null);
  const pairs = findOverlaps([a, b, c, d]).map(([x, y]) => `${x.customerId}${y.customerId}`);
  assert.deepEqual(pairs.sort(), ["bc", "da", "db", "dc"]);
  assert.deepEqual(findOverlaps([a, b]), []);
});
