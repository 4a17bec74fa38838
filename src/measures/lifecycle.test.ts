import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePolicyProfile } from "../policy/load.ts";
import type { Step } from "../policy/steps.ts";
import {
  type ActionFacts,
  type ActionState,
  checkApprove,
  checkCancel,
  checkMarkDone,
  checkRefuse,
  checkRetry,
  checkUndo,
  liftAt,
  liftsOnCompliance,
  retryDelaySeconds,
} from "./lifecycle.ts";

const a = (state: ActionState, step: Step = "suspend", more: Partial<ActionFacts> = {}): ActionFacts => ({
  id: 7,
  step,
  state,
  ...more,
});

test("only an action awaiting approval can be approved or refused", () => {
  assert.ok(checkApprove(a("awaiting_approval")).ok);
  assert.ok(checkRefuse(a("awaiting_approval")).ok);
  for (const s of [
    "pending",
    "approved",
    "executing",
    "done",
    "failed",
    "refused",
    "cancelled",
    "undone",
  ] as const) {
    const approve = checkApprove(a(s));
    assert.ok(!approve.ok && approve.error.status === 409, s);
    assert.ok(!checkRefuse(a(s)).ok, s);
  }
  const r = checkApprove(a("done"));
  assert.ok(!r.ok);
  assert.equal(r.error.message, "action 7 does not wait for approval (it is done)");
});

test("cancelling stops what has not been carried out; a call in flight must finish first", () => {
  for (const s of ["pending", "awaiting_approval", "approved", "failed"] as const)
    assert.ok(checkCancel(a(s)).ok, s);
  const flying = checkCancel(a("executing"));
  assert.ok(!flying.ok);
  assert.match(flying.error.message, /carrying it out now; wait until it is done \(then undo it\)/);
  const done = checkCancel(a("done"));
  assert.ok(!done.ok);
  assert.match(done.error.message, /\(undo it instead\)/);
  const terminated = checkCancel(a("done", "terminate"));
  assert.ok(!terminated.ok && !terminated.error.message.includes("undo"));
});

test("retry makes a failed call again, or a failed undo", () => {
  const failed = checkRetry(a("failed", "block", { call: { state: "failed", connector: "x" } }));
  assert.deepEqual(failed, { ok: true, value: "call" });
  const undoFailed = checkRetry(
    a("done", "block", {
      call: { state: "done", connector: "x" },
      undo: { state: "failed", connector: "x" },
    }),
  );
  assert.deepEqual(undoFailed, { ok: true, value: "undo" });
  assert.ok(!checkRetry(a("done", "block", { call: { state: "done", connector: "x" } })).ok);
  assert.ok(!checkRetry(a("executing")).ok);
});

test("only a done lasting measure can be undone, once", () => {
  for (const step of ["suspend", "block", "downgrade", "remove_content"] as const)
    assert.ok(checkUndo(a("done", step)).ok, step);
  const terminate = checkUndo(a("done", "terminate"));
  assert.ok(!terminate.ok);
  assert.match(
    terminate.error.message,
    /termination cannot be undone; only suspension, block, downgrade, removal of content can/,
  );
  assert.ok(!checkUndo(a("pending", "suspend")).ok);
  assert.ok(!checkUndo(a("done", "suspend", { undo: { state: "queued", connector: null } })).ok);
  const failedUndo = checkUndo(a("done", "suspend", { undo: { state: "failed", connector: "p" } }));
  assert.ok(!failedUndo.ok);
  assert.match(failedUndo.error.message, /retry it instead/);
});

test("marking done by hand: a step no connector carries out, a failed one, or an undo waiting for a person", () => {
  assert.deepEqual(checkMarkDone(a("pending", "downgrade", { call: { state: "queued", connector: null } })), {
    ok: true,
    value: "call",
  });
  const byConnector = checkMarkDone(
    a("approved", "suspend", { call: { state: "queued", connector: "panel" } }),
  );
  assert.ok(!byConnector.ok);
  assert.match(byConnector.error.message, /connector panel carries out action 7/);
  assert.deepEqual(checkMarkDone(a("failed", "suspend", { call: { state: "failed", connector: "panel" } })), {
    ok: true,
    value: "call",
  });
  assert.deepEqual(
    checkMarkDone(
      a("done", "block", {
        call: { state: "done", connector: null },
        undo: { state: "queued", connector: null },
      }),
    ),
    { ok: true, value: "undo" },
  );
  assert.ok(
    !checkMarkDone(
      a("done", "block", {
        call: { state: "done", connector: "d" },
        undo: { state: "queued", connector: "d" },
      }),
    ).ok,
  );
  const message = checkMarkDone(a("pending", "warn"));
  assert.ok(!message.ok);
  assert.match(message.error.message, /warning is a message, not a measure/);
});

const PROFILE = `
brand: demo
name: Demo
version: 1
calendar: { country: NL, time_zone: Europe/Amsterdam }
documents: [{ id: av, title: Voorwaarden }]
measures:
  suspend: { lift_on_compliance: false, lift_after: { count: 2, unit: working_days, end_of_day: true } }
  block: { lift_after: { count: 6, unit: hours } }
rules: []
fallback:
  description: a warning
  ladder: [{ step: warn, clause: { document: av, article: "1", quote: "x" } }]
`;

test("a lasting measure ends on compliance or after the profile's term, in the brand's calendar", () => {
  const parsed = parsePolicyProfile(PROFILE, "demo.yaml");
  assert.ok(parsed.ok, parsed.ok ? "" : JSON.stringify(parsed.problems));
  const profile = parsed.profile;
  assert.equal(liftsOnCompliance(profile, "suspend"), false, "the profile says so");
  assert.equal(liftsOnCompliance(profile, "block"), true, "default for a block");
  assert.equal(liftsOnCompliance(profile, "downgrade"), false, "default for a downgrade");
  assert.equal(liftsOnCompliance(undefined, "suspend"), true);
  // Done on Friday 2026-01-16 15:00 in Amsterdam: two working days later, at the end of the day, is Tuesday.
  const friday = new Date("2026-01-16T14:00:00Z");
  assert.equal(liftAt(profile, "suspend", friday)?.toISOString(), "2026-01-20T22:59:59.999Z");
  assert.equal(liftAt(profile, "block", friday)?.toISOString(), "2026-01-16T20:00:00.000Z");
  assert.equal(liftAt(profile, "downgrade", friday), undefined, "no term: lifted only by a person");
  assert.equal(liftAt(profile, "terminate", friday), undefined);
  const broken = parsePolicyProfile(
    PROFILE.replace("lift_on_compliance: false", "lift_on_complaince: false"),
    "demo.yaml",
  );
  assert.ok(!broken.ok);
  assert.match(broken.problems[0]!.message, /unknown field "lift_on_complaince"/);
  assert.equal(broken.problems[0]!.line, 8);
});

test("retry delays double from the backoff up to the maximum", () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 12].map((n) => retryDelaySeconds(n, 5, 60)),
    [5, 10, 20, 40, 60, 60],
  );
});
