import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildPayload,
  classifySubject,
  MAX_CALL_SUBJECTS,
  type PayloadInput,
  signatureOf,
} from "./payload.ts";

const base: PayloadInput = {
  key: "0b8e1c2a-1111-4222-8333-444455556666",
  undo: false,
  action: {
    id: 12,
    case_id: 34,
    step: "suspend",
    params: { service: "vps-1" },
    clause: { document: "AV", article: "13.2", quote: "…" },
    requested_by: "agent@desk",
    approved_by: "legal@desk",
    reason: "spam",
  },
  brand: "x2com-nl",
  customer: { id: "c-1", name: "Klant" },
  subjects: [
    { kind: "ip", value: "192.0.2.1" },
    { kind: "domain", value: "klant.example" },
  ],
  subjectCount: 2,
  order: null,
};

test("the payload carries the contract's fields; an undo names who undoes it and why", () => {
  const p = buildPayload(base);
  assert.deepEqual(Object.keys(p), [
    "id",
    "action_id",
    "case_id",
    "brand",
    "step",
    "undo",
    "customer",
    "subjects",
    "subjects_total",
    "params",
    "clause",
    "requested_by",
    "approved_by",
    "reason",
    "order",
  ]);
  assert.equal(p.id, base.key);
  const undo = buildPayload({
    ...base,
    undo: true,
    undoBy: { name: "system:measures", reason: "term ran out" },
  });
  assert.equal(undo.undo, true);
  assert.equal(undo.requested_by, "system:measures");
  assert.equal(undo.approved_by, null);
  assert.equal(undo.reason, "term ran out");
});

test("at most MAX_CALL_SUBJECTS subjects go in one call; subjects_total says how many there are", () => {
  const many = Array.from({ length: MAX_CALL_SUBJECTS + 1 }, (_, i) => ({
    kind: "ip" as const,
    value: `10.0.${i >> 8}.${i & 255}`,
  }));
  const p = buildPayload({ ...base, subjects: many, subjectCount: 25_000 });
  assert.equal(p.subjects.length, MAX_CALL_SUBJECTS);
  assert.equal(p.subjects_total, 25_000);
  // params.subjects narrows the measure to those subjects, classified.
  const narrowed = buildPayload({
    ...base,
    action: {
      ...base.action,
      params: { subjects: ["https://Klant.example/a b", "192.0.2.9", 42, "not a subject !"] },
    },
  });
  assert.deepEqual(narrowed.subjects, [
    { kind: "url", value: "https://klant.example/a%20b" },
    { kind: "ip", value: "192.0.2.9" },
  ]);
  assert.equal(narrowed.subjects_total, 2);
});

test("the signature is HMAC-SHA256 in hex (RFC 4231 test case 2)", () => {
  assert.equal(
    signatureOf("Jefe", "what do ya want for nothing?"),
    "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
});

test("subjects written by a person are classified; anything else is not a subject", () => {
  assert.deepEqual(classifySubject(" 2001:DB8::1 "), { kind: "ip", value: "2001:db8::1" });
  assert.deepEqual(classifySubject("hxxp://x"), undefined, "a defanged URL is not followed");
  assert.deepEqual(classifySubject("Bücher.Example."), { kind: "domain", value: "xn--bcher-kva.example" });
  assert.deepEqual(classifySubject("Abuse@Klant.Example"), { kind: "email", value: "abuse@klant.example" });
  assert.deepEqual(classifySubject("+31 (20) 123-4567"), { kind: "phone", value: "+31201234567" });
  assert.equal(classifySubject("just words"), undefined);
  assert.equal(classifySubject(`${"a".repeat(2050)}.example`), undefined);
});
