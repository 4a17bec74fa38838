import assert from "node:assert/strict";
import { test } from "node:test";
import { findAbuseEmail, RDAP_MAX_ENTITIES_PER_LEVEL, readRdapNetwork } from "./rdap.ts";

const card = (email: string) => [
  "vcard",
  [
    ["version", {}, "text", "4.0"],
    ["email", {}, "text", email],
  ],
];

test("the abuse contact is the entity with the role abuse, also when nested in the registrant (ARIN style)", () => {
  assert.equal(
    findAbuseEmail([{ roles: ["abuse"], vcardArray: card("Abuse@Ripe.Example") }]),
    "abuse@ripe.example",
  );
  assert.equal(
    findAbuseEmail([
      {
        roles: ["registrant"],
        vcardArray: card("noc@org.example"),
        entities: [{ roles: ["abuse", "technical"], vcardArray: card("abuse@org.example") }],
      },
    ]),
    "abuse@org.example",
  );
  assert.equal(findAbuseEmail([{ roles: ["technical"], vcardArray: card("tech@org.example") }]), null);
  assert.equal(findAbuseEmail(undefined), null);
  assert.equal(
    findAbuseEmail([{ roles: ["abuse"], vcardArray: ["vcard", [["email", {}, "text", "not-an-address"]]] }]),
    null,
  );
});

test("an ip network object gives its range, handle and name; anything else is not a network", () => {
  const n = readRdapNetwork(
    {
      objectClassName: "ip network",
      handle: "NET-1",
      name: "EXAMPLE",
      startAddress: "198.51.100.0",
      endAddress: "198.51.100.255",
      entities: [],
    },
    "198.51.100.7",
  );
  assert.deepEqual(n, {
    first: "198.51.100.0",
    last: "198.51.100.255",
    handle: "NET-1",
    name: "EXAMPLE",
    abuseEmail: null,
  });
  assert.equal(readRdapNetwork({ objectClassName: "domain" }, "198.51.100.7"), null);
  assert.equal(readRdapNetwork("nonsense", "198.51.100.7"), null);
  assert.deepEqual(
    readRdapNetwork({}, "198.51.100.7")?.first,
    "198.51.100.7",
    "no range: the address itself",
  );
});

test("an RDAP answer with a huge list of entities is read up to RDAP_MAX_ENTITIES_PER_LEVEL per level, without a throw", () => {
  const filler = Array.from({ length: 300_000 }, () => ({ roles: ["registrant"] }));
  const within = [
    ...filler.slice(0, RDAP_MAX_ENTITIES_PER_LEVEL - 1),
    { roles: ["abuse"], vcardArray: card("a@within.example") },
  ];
  assert.equal(findAbuseEmail(within), "a@within.example");
  const beyond = [...filler, { roles: ["abuse"], vcardArray: card("a@beyond.example") }];
  assert.equal(findAbuseEmail(beyond), null);
  const nested = [
    {
      roles: ["registrant"],
      entities: [...filler, { roles: ["abuse"], vcardArray: card("a@deep.example") }],
    },
  ];
  assert.equal(findAbuseEmail(nested), null);
});
