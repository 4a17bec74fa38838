import assert from "node:assert/strict";
import { test } from "node:test";
import { checkForm, NOTICE_CATEGORIES, noticeFormPage } from "./form.ts";
import {
  complaintWindowEnd,
  MAX_SHORT_FIELD_CHARS,
  mayTakeStep,
  missingElements,
  misuseVerdict,
  nextState,
  noticeIdOf,
  noticeReference,
  OPEN_NTD_STATES,
  PROCEDURE_STEPS,
} from "./procedure.ts";

test("the procedure: each step only from its states, with the steps that are possible named", () => {
  assert.deepEqual(nextState("assessment", "forward"), { ok: true, value: "forwarded" });
  assert.deepEqual(nextState("forwarded", "forward_reaction"), { ok: true, value: "reaction_forwarded" });
  assert.deepEqual(nextState("reaction_forwarded", "rebuttal"), { ok: true, value: "reaction_forwarded" });
  assert.deepEqual(nextState("reaction_forwarded", "decide"), { ok: true, value: "decided" });
  assert.deepEqual(nextState("incomplete", "complete"), { ok: true, value: "assessment" });
  assert.deepEqual(nextState("incomplete", "lapse"), { ok: true, value: "lapsed" });
  const again = nextState("decided", "forward");
  assert.equal(again.ok, false);
  assert.match(again.ok ? "" : again.error.message, /the procedure is decided/);
  const early = nextState("incomplete", "decide");
  assert.match(early.ok ? "" : early.error.message, /possible: complete, lapse/);
  // Every open state has a way on; the finished ones have none.
  for (const state of OPEN_NTD_STATES)
    assert.ok(
      PROCEDURE_STEPS.some((s) => nextState(state, s).ok),
      state,
    );
  for (const state of ["decided", "lapsed"] as const)
    assert.ok(
      PROCEDURE_STEPS.every((s) => !nextState(state, s).ok),
      state,
    );
});

test("what a notice lacks: the DSA art. 16(2) elements and the NTD code's; CSAM may be anonymous", () => {
  const full = {
    category: "copyright" as const,
    explanation: "my photo",
    locations: ["https://x.example/a"],
    notifierName: "A",
    notifierEmail: "a@x.example",
    goodFaith: true,
    legalGround: "copyright",
    interest: "maker",
  };
  assert.deepEqual(missingElements(full), []);
  assert.deepEqual(
    missingElements({ ...full, explanation: " ", notifierEmail: null, goodFaith: false, interest: null }),
    ["explanation", "notifier_email", "good_faith", "interest"],
  );
  assert.deepEqual(
    missingElements({
      ...full,
      category: "csam",
      notifierName: null,
      notifierEmail: null,
      legalGround: null,
      interest: null,
    }),
    [],
  );
});

test("misuse: a warning first, a suspension only after a warning within the window", () => {
  const policy = { window_days: 365, warn_after: 3, suspend_after: 5, suspension_days: 90 };
  const now = new Date("2026-12-04T10:00:00Z");
  assert.equal(misuseVerdict({ unfounded: 2, warnedAt: null, now, policy }).kind, "none");
  assert.equal(misuseVerdict({ unfounded: 3, warnedAt: null, now, policy }).kind, "warn");
  // Five without a warning: a warning, never a suspension at once.
  assert.equal(misuseVerdict({ unfounded: 7, warnedAt: null, now, policy }).kind, "warn");
  assert.equal(misuseVerdict({ unfounded: 4, warnedAt: now, now, policy }).kind, "none");
  const s = misuseVerdict({ unfounded: 5, warnedAt: new Date("2026-11-01T00:00:00Z"), now, policy });
  assert.equal(s.kind, "suspend");
  assert.equal(s.kind === "suspend" ? s.until.toISOString() : "", "2027-03-04T10:00:00.000Z");
  // A warning older than the window counts for nothing: warn again.
  const old = new Date("2025-01-01T00:00:00Z");
  assert.equal(misuseVerdict({ unfounded: 5, warnedAt: old, now, policy }).kind, "warn");
});

test("the complaint window: six calendar months, the end of a shorter month kept", () => {
  assert.equal(
    complaintWindowEnd(new Date("2026-08-31T12:00:00Z"), 6).toISOString(),
    "2027-02-28T12:00:00.000Z",
  );
  assert.equal(
    complaintWindowEnd(new Date("2026-01-15T08:00:00Z"), 6).toISOString(),
    "2026-07-15T08:00:00.000Z",
  );
});

test("references: made from the id, read back from a reference or an id, nothing else", () => {
  const ref = noticeReference(42, new Date("2026-12-04T00:00:00Z"));
  assert.equal(ref, "NTD-2026-000042");
  assert.equal(noticeIdOf(ref), 42);
  assert.equal(noticeIdOf("42"), 42);
  assert.equal(noticeIdOf("NTD-2026-42"), undefined);
  assert.equal(noticeIdOf("1; drop table notices"), undefined);
  assert.equal(noticeIdOf("0"), undefined);
});

test("who decides: deciding and acting at once need approve; a read-only token takes no step", () => {
  assert.equal(mayTakeStep({ role: "agent", scope: "write" }, "forward").ok, true);
  assert.equal(mayTakeStep({ role: "agent", scope: "write" }, "decide").ok, false);
  assert.equal(mayTakeStep({ role: "agent", scope: "write" }, "act").ok, false);
  assert.equal(mayTakeStep({ role: "supervisor", scope: "write" }, "decide").ok, true);
  assert.equal(mayTakeStep({ role: "admin", scope: "read" }, "forward").ok, false);
  assert.equal(mayTakeStep({ role: "auditor", scope: "write" }, "forward").ok, false);
});

test("the form: every field bounded, errors per field, values escaped", () => {
  const good = {
    category: "copyright",
    locations: "https://x.example/a",
    explanation: "mine",
    legal_ground: "copyright",
    role: "rights_holder",
    interest: "maker",
    name: "A",
    email: "a@x.example",
    good_faith: "yes",
  };
  assert.deepEqual(checkForm(good, "en"), []);
  const long = checkForm({ ...good, name: "x".repeat(MAX_SHORT_FIELD_CHARS + 1) }, "en");
  assert.deepEqual(
    long.map((e) => e.field),
    ["name"],
  );
  assert.deepEqual(
    checkForm({ ...good, category: "spam" }, "nl").map((e) => e.field),
    ["category"],
    "only content categories",
  );
  assert.ok(NOTICE_CATEGORIES.includes("csam") && !NOTICE_CATEGORIES.includes("spam" as never));
  assert.deepEqual(
    checkForm(
      { category: "csam", locations: "https://x.example/a", explanation: "x", good_faith: "yes" },
      "en",
    ),
    [],
    "a CSAM notice may be anonymous",
  );
  const page = noticeFormPage({ id: "extin", name: "Extin" }, "en", { name: '"><script>alert(1)</script>' }, [
    { field: "name", text: "<b>bad</b>" },
  ]);
  assert.ok(!page.includes("<script>alert"));
  assert.match(page, /&#60;b&#62;bad&#60;\/b&#62;/);
  assert.match(page, /aria-invalid="true"/);
  assert.match(page, /aria-describedby="name-error"/);
});
