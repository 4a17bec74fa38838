import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  RESTRICTING_STEPS,
  type Restriction,
  SOR_LIMITS,
  statementOf,
  statementProblems,
} from "./statements.ts";

const SAMPLE = JSON.parse(
  readFileSync(
    new URL("../../test/fixtures/samples/dsa/dsa-tdb_sor_request_example.json", import.meta.url),
    "utf8",
  ),
);

const base: Restriction = {
  actionId: 42,
  brand: "extin",
  step: "remove_content",
  category: "phishing",
  caseKind: "abuse",
  caseId: 7,
  doneAt: new Date("2026-12-02T10:00:00Z"),
  liftAt: null,
  contentAt: new Date("2026-12-01T08:00:00Z"),
  subjects: ["http://bank-login.example/"],
  clause: { document: "Extin abuse policy", article: "§4.2", quote: "Phishing is not allowed." },
  reason: "phishing page confirmed",
  orderLegalBasis: null,
  trustedFlagger: false,
  automatic: false,
};

test("the Transparency Database's own example passes the validator", () => {
  assert.deepEqual(statementProblems(SAMPLE), []);
});

test("every restricting step, on each ground and source, makes a statement the database accepts", () => {
  for (const step of RESTRICTING_STEPS)
    for (const variant of [
      {},
      { orderLegalBasis: "TCO Regulation (EU) 2021/784 art. 3", caseKind: "authority" as const },
      { caseKind: "ntd" as const, category: "copyright", trustedFlagger: true },
      { liftAt: new Date("2026-12-20T00:00:00Z"), automatic: true, reason: null },
      { clause: { document: null, article: null, quote: null }, reason: null, subjects: [] },
    ]) {
      const s = statementOf({ ...base, step, ...variant });
      assert.deepEqual(statementProblems(s), [], `${step} ${JSON.stringify(variant)}: ${JSON.stringify(s)}`);
    }
});

test("a statement says what was decided, on which ground, from which source", () => {
  const removal = statementOf(base);
  assert.deepEqual(removal.decision_visibility, ["DECISION_VISIBILITY_CONTENT_REMOVED"]);
  assert.equal(removal.decision_ground, "DECISION_GROUND_INCOMPATIBLE_CONTENT");
  assert.equal(removal.incompatible_content_ground, "Extin abuse policy, §4.2");
  assert.equal(removal.category, "STATEMENT_CATEGORY_SCAMS_AND_FRAUD");
  assert.deepEqual(removal.category_specification, ["KEYWORD_PHISHING"]);
  assert.equal(removal.puid, "abusedesk-extin-action-42");
  assert.equal(removal.application_date, "2026-12-02");
  const order = statementOf({
    ...base,
    step: "suspend",
    orderLegalBasis: "Sv art. 125p",
    liftAt: new Date("2027-01-01"),
  });
  assert.equal(order.decision_ground, "DECISION_GROUND_ILLEGAL_CONTENT");
  assert.equal(order.illegal_content_legal_ground, "Sv art. 125p");
  assert.equal(order.decision_provision, "DECISION_PROVISION_TOTAL_SUSPENSION");
  assert.equal(order.end_date_service_restriction, "2027-01-01");
  assert.equal(
    statementOf({ ...base, caseKind: "ntd", trustedFlagger: true }).source_type,
    "SOURCE_TRUSTED_FLAGGER",
  );
  assert.equal(statementOf({ ...base, caseKind: "ntd" }).source_type, "SOURCE_ARTICLE_16");
  const long = statementOf({ ...base, reason: "x".repeat(10_000) });
  assert.ok((long.decision_facts as string).length <= SOR_LIMITS.facts);
  assert.deepEqual(statementProblems(long), []);
});

test("the validator names what the database would refuse", () => {
  const ok = statementOf(base);
  const problems = (change: Record<string, unknown>) => statementProblems({ ...ok, ...change }).join("; ");
  assert.match(
    problems({ decision_visibility: undefined }),
    /one of decision_visibility, decision_monetary, decision_provision, decision_account is required/,
  );
  assert.match(problems({ puid: "has spaces" }), /puid may hold only letters/);
  assert.match(problems({ puid: "x".repeat(501) }), /puid is longer than 500/);
  assert.match(problems({ content_date: "1999-12-31" }), /content_date must lie between 2000-01-01/);
  assert.match(problems({ application_date: "2026-13-45" }), /application_date must be a date/);
  assert.match(
    problems({ decision_ground: "DECISION_GROUND_ILLEGAL_CONTENT" }),
    /illegal_content_legal_ground is required/,
  );
  assert.match(
    problems({ content_type: ["CONTENT_TYPE_OTHER"], content_type_other: undefined }),
    /content_type_other is required/,
  );
  assert.match(
    problems({ category: "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS" }),
    /category must be one of/,
  );
  assert.match(problems({ decision_facts: "x".repeat(5001) }), /decision_facts is longer than 5000/);
  assert.match(problems({ automated_detection: "maybe" }), /automated_detection must be one of Yes, No/);
  assert.match(problems({ territorial_scope: ["US"] }), /territorial_scope must be a list/);
  assert.match(
    problems({ decision_visibility: ["DECISION_VISIBILITY_OTHER"] }),
    /decision_visibility_other is required/,
  );
});
