/**
 * The reporter's identity never reaches the customer (SPEC C8, C16) unless the brand's profile allows it.
 * Every test that produces something a customer can see (a message, a portal page, a notice forwarded)
 * passes it through `assertNoReporterIdentity` with the reporter of the case.
 */
import assert from "node:assert/strict";

export interface ReporterIdentity {
  name?: string | null;
  email?: string | null;
  org?: string | null;
}

/** Fails when `seen` (text, or anything JSON can show) names the reporter by name, address or organisation. */
export function assertNoReporterIdentity(seen: unknown, reporter: ReporterIdentity, what = "content"): void {
  const text = (typeof seen === "string" ? seen : JSON.stringify(seen)).toLowerCase();
  const marks = [reporter.name, reporter.email, reporter.org]
    .filter((m): m is string => typeof m === "string" && m.trim().length >= 3)
    .map((m) => m.trim().toLowerCase());
  assert.ok(
    marks.length > 0,
    "give the reporter's identity to check against (a test that checks nothing proves nothing)",
  );
  for (const mark of marks)
    assert.ok(!text.includes(mark), `the ${what} a customer sees names the reporter (${mark})`);
  // The address in its parts: the local part alone can be a name ("jan.devries"); the domain is checked by
  // the organisation above when it is one.
  const local = reporter.email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 5 && !/^(abuse|noreply|no-reply|postmaster|report|reports)$/.test(local))
    assert.ok(!text.includes(local), `the ${what} a customer sees names the reporter's mailbox (${local})`);
}
