import assert from "node:assert/strict";
import { test } from "node:test";
import { categoryOfOrder, checkStatedDeadline, ORDER_DEFAULT_TERM_HOURS, orderDue } from "./deadlines.ts";

const at = (s: string) => new Date(s);

test("a TCO removal order received on a Sunday night is due one hour later, that night (calendar time)", () => {
  // Sunday 29 March 2026, 23:40 in Amsterdam (CEST): no working days, no office hours.
  const sunday = at("2026-03-29T23:40:00+02:00");
  const due = orderDue({
    authority: "tco_authority",
    receivedAt: sunday,
    legalBasis: "Regulation (EU) 2021/784 art. 3",
  });
  assert.equal(due.due_at.toISOString(), "2026-03-29T22:40:00.000Z");
  assert.equal(due.source, "TCO Regulation (EU) 2021/784 art. 3(3)");
  assert.equal(due.half_at.toISOString(), "2026-03-29T22:10:00.000Z");
  // The night the clocks go forward: still sixty minutes, not a wall-clock hour.
  const dst = orderDue({
    authority: "tco_authority",
    receivedAt: at("2026-03-29T01:30:00+01:00"),
    legalBasis: "x",
  });
  assert.equal(dst.due_at.toISOString(), "2026-03-29T01:30:00.000Z");
  // A term stated in the order does not extend the law's hour.
  const stated = orderDue({
    authority: "tco_authority",
    receivedAt: sunday,
    statedDeadline: at("2026-03-31T00:00:00Z"),
    legalBasis: "x",
  });
  assert.equal(stated.due_at.toISOString(), "2026-03-29T22:40:00.000Z");
});

test("ATKM sets the term in its order, at most twelve hours; Offlimits has 24 hours", () => {
  const received = at("2026-02-06T09:00:00Z");
  const oneHour = orderDue({
    authority: "atkm",
    receivedAt: received,
    statedDeadline: at("2026-02-06T10:00:00Z"),
    legalBasis: "Wet bestuursrechtelijke aanpak online kinderpornografisch materiaal",
  });
  assert.equal(oneHour.due_at.toISOString(), "2026-02-06T10:00:00.000Z");
  assert.equal(oneHour.half_at.toISOString(), "2026-02-06T09:30:00.000Z");
  const capped = orderDue({
    authority: "atkm",
    receivedAt: received,
    statedDeadline: at("2026-02-08T09:00:00Z"),
    legalBasis: "x",
  });
  assert.equal(capped.due_at.toISOString(), "2026-02-06T21:00:00.000Z");
  const noTerm = orderDue({ authority: "atkm", receivedAt: received, legalBasis: "x" });
  assert.equal(noTerm.due_at.toISOString(), "2026-02-06T21:00:00.000Z");
  const offlimits = orderDue({ authority: "offlimits", receivedAt: received, legalBasis: "NTD-code" });
  assert.equal(offlimits.due_at.toISOString(), "2026-02-07T09:00:00.000Z");
  assert.equal(offlimits.source, "NTD-code addendum 2018 (Offlimits)");
});

test("other authorities: the order's own deadline, else the desk's target without undue delay", () => {
  const received = at("2026-02-06T09:00:00Z");
  const court = orderDue({
    authority: "court",
    receivedAt: received,
    statedDeadline: at("2026-02-13T17:00:00Z"),
    legalBasis: "art. 125p Sv",
  });
  assert.equal(court.due_at.toISOString(), "2026-02-13T17:00:00.000Z");
  assert.equal(court.source, "art. 125p Sv (the term the order sets)");
  const police = orderDue({ authority: "police", receivedAt: received, legalBasis: "art. 126nd Sv" });
  assert.equal(police.due_at.getTime() - received.getTime(), ORDER_DEFAULT_TERM_HOURS * 3_600_000);
  assert.match(police.source, /without undue delay/);
  assert.equal(
    checkStatedDeadline(received, at("2026-02-06T08:00:00Z")),
    "deadline_at lies before received_at; give the moment the order says it must be carried out by",
  );
  assert.equal(checkStatedDeadline(received, undefined), undefined);
});

test("what an order is about: terrorist content, CSAM, or what the person says", () => {
  assert.equal(categoryOfOrder("tco_authority", undefined), "terrorist_content");
  assert.equal(categoryOfOrder("atkm", undefined), "csam");
  assert.equal(categoryOfOrder("offlimits", undefined), "csam");
  assert.equal(categoryOfOrder("court", undefined), "unlawful_content");
  assert.equal(categoryOfOrder("police", "phishing"), "phishing");
});
