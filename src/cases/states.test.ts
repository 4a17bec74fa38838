import assert from "node:assert/strict";
import { test } from "node:test";
import {
  allowedTransitions,
  CASE_STATES,
  checkTransition,
  isOpen,
  needsReason,
  stateAfterStep,
} from "./states.ts";

test("every state's moves lead to known states, and closed cases can only be reopened", () => {
  for (const s of CASE_STATES) for (const to of allowedTransitions(s)) assert.ok(CASE_STATES.includes(to));
  assert.deepEqual(allowedTransitions("closed"), ["in_review"]);
  assert.equal(isOpen("measures"), true);
  assert.equal(isOpen("rejected"), false);
});

test("an illegal move is a 409 that says where the case can go", () => {
  const r = checkTransition("measures", "rejected", "x");
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.status, 409);
    assert.match(
      r.error.message,
      /from measures it can move to waiting_customer, in_review, resolved or closed/,
    );
  }
  const same = checkTransition("new", "new", undefined);
  assert.ok(!same.ok && /already in state new/.test(same.error.message));
});

test("rejecting, closing and reopening need a reason (422 without)", () => {
  assert.equal(needsReason("new", "in_review"), false);
  assert.equal(needsReason("new", "rejected"), true);
  assert.equal(needsReason("resolved", "in_review"), true);
  const r = checkTransition("in_review", "closed", "  ");
  assert.ok(!r.ok && r.error.status === 422);
  assert.ok(checkTransition("in_review", "closed", "done").ok);
});

test("a step moves the case: messages wait for the customer, measures are in force", () => {
  assert.equal(stateAfterStep("new", "warn"), "waiting_customer");
  assert.equal(stateAfterStep("in_review", "suspend"), "measures");
  assert.equal(stateAfterStep("measures", "terminate"), undefined, "already in measures");
  assert.equal(stateAfterStep("measures", "notice_of_default"), "waiting_customer");
  assert.equal(stateAfterStep("new", "no_action"), undefined);
  assert.equal(stateAfterStep("closed", "warn"), undefined);
});
