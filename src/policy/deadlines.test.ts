import assert from "node:assert/strict";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DateTime } from "luxon";
import { type CaseClock, caseDeadlines, type Deadline, DeadlineError, dueAfter } from "./deadlines.ts";
import { loadPolicyProfiles, parsePolicyProfile } from "./load.ts";
import type { PolicyProfile } from "./schema.ts";

const PROFILES_DIR = fileURLToPath(new URL("../../policy/profiles", import.meta.url));
let profiles: ReadonlyMap<string, PolicyProfile>;

before(async () => {
  profiles = await loadPolicyProfiles(PROFILES_DIR);
});

function profile(brand: string): PolicyProfile {
  const p = profiles.get(brand);
  assert.ok(p);
  return p;
}

function local(iso: string, zone = "Europe/Amsterdam"): Date {
  return DateTime.fromISO(iso, { zone }).toJSDate();
}

function show(d: Deadline | undefined, zone = "Europe/Amsterdam"): string {
  assert.ok(d, "deadline missing");
  return DateTime.fromJSDate(d.due_at, { zone }).toFormat("cccc yyyy-MM-dd HH:mm");
}

function byName(list: Deadline[], name: string): Deadline | undefined {
  return list.find((d) => d.name === name);
}

const spam = (receivedAt: Date, over: Partial<CaseClock> = {}): CaseClock => ({
  kind: "abuse",
  category: "spam",
  receivedAt,
  ...over,
});

test("X2com NL: a report received Friday 24 April 2026 10:00 must be answered by Wednesday 29 April 10:00", () => {
  const list = caseDeadlines(profile("x2com-nl"), spam(local("2026-04-24T10:00")));
  const reply = byName(list, "reply_to_reporter");
  assert.equal(show(reply), "Wednesday 2026-04-29 10:00");
  assert.equal(reply?.source, "X2com Abuse Policy §6");
  assert.equal(byName(list, "acknowledge_receipt")?.source, "DSA art. 16(4)");
});

test("X2com BE: the same report is due Tuesday 28 April 10:00 Brussels time", () => {
  const list = caseDeadlines(profile("x2com-be"), spam(local("2026-04-24T10:00", "Europe/Brussels")));
  assert.equal(show(byName(list, "reply_to_reporter"), "Europe/Brussels"), "Tuesday 2026-04-28 10:00");
});

test("X2com BE 13.8: a notice of default sent Thursday 5 November 2026 is due at the end of Friday 13 November", () => {
  const list = caseDeadlines(
    profile("x2com-be"),
    spam(local("2026-11-02T09:00", "Europe/Brussels"), {
      noticeOfDefaultSentAt: local("2026-11-05T16:20", "Europe/Brussels"),
    }),
  );
  const nod = byName(list, "notice_of_default_compliance");
  assert.equal(
    DateTime.fromJSDate(nod?.due_at as Date, { zone: "Europe/Brussels" }).toISO(),
    "2026-11-13T23:59:59.999+01:00",
  );
  assert.equal(nod?.source, "X2com BE art. 13.8");
});

test("Extin NTD: the customer has 14 calendar days to react", () => {
  const list = caseDeadlines(profile("extin"), {
    kind: "ntd",
    category: "copyright",
    receivedAt: local("2026-04-20T11:00"),
    ntdNoticeSentAt: local("2026-04-21T15:00"),
  });
  const reaction = byName(list, "ntd_customer_reaction");
  assert.equal(show(reaction), "Tuesday 2026-05-05 15:00");
  assert.equal(reaction?.source, "Extin NTD: 14 calendar days");
});

test("authority orders: 1 hour for a TCO removal order, at most 12 hours for ATKM, 24 hours for Offlimits", () => {
  const received = local("2026-03-29T01:30"); // the night the clocks go forward: hours are real hours
  const x2 = profile("x2com-nl");
  const tco = byName(
    caseDeadlines(x2, {
      kind: "authority",
      category: "terrorist_content",
      receivedAt: received,
      order: { type: "tco_removal_order", receivedAt: received },
    }),
    "authority_order",
  );
  assert.equal(tco?.due_at.getTime(), received.getTime() + 3_600_000);
  assert.equal(tco?.source, "TCO Regulation (EU) 2021/784 art. 3(3)");

  const atkm = (termHours?: number) =>
    byName(
      caseDeadlines(x2, {
        kind: "authority",
        category: "csam",
        receivedAt: received,
        order: { type: "atkm_csam_order", receivedAt: received, ...(termHours ? { termHours } : {}) },
      }),
      "authority_order",
    );
  assert.equal(atkm()?.due_at.getTime(), received.getTime() + 12 * 3_600_000);
  assert.equal(
    atkm(1)?.due_at.getTime(),
    received.getTime() + 3_600_000,
    "the authority may set a shorter term",
  );
  assert.equal(atkm(48)?.due_at.getTime(), received.getTime() + 12 * 3_600_000, "never longer than 12 hours");
  assert.equal(atkm()?.source, "Wet bestuursrechtelijke aanpak online kinderpornografisch materiaal");

  const offlimits = byName(
    caseDeadlines(x2, {
      kind: "ntd",
      category: "csam",
      receivedAt: received,
      order: { type: "offlimits_notice", receivedAt: received },
    }),
    "authority_order",
  );
  assert.equal(offlimits?.due_at.getTime(), received.getTime() + 24 * 3_600_000);
  assert.equal(offlimits?.source, "NTD-code addendum 2018 (Offlimits)");

  const court = caseDeadlines(x2, {
    kind: "authority",
    category: "fraud",
    receivedAt: received,
    order: {
      type: "other_order",
      receivedAt: received,
      dueAt: local("2026-04-03T17:00"),
      legalBasis: "art. 125p Sv",
    },
  });
  assert.equal(byName(court, "authority_order")?.source, "art. 125p Sv");
  assert.equal(byName(court, "reply_to_reporter"), undefined, "an order gets no reply clock");
  assert.throws(
    () =>
      caseDeadlines(x2, {
        kind: "authority",
        category: "csam",
        receivedAt: received,
        order: { type: "atkm_csam_order", receivedAt: received, termHours: -1 },
      }),
    DeadlineError,
  );
});

test("deadlines are sorted, met ones are left out, and feeds without a reporter get no reply clock", () => {
  const list = caseDeadlines(
    profile("x2com-be"),
    spam(local("2026-11-02T09:00", "Europe/Brussels"), {
      noticeOfDefaultSentAt: local("2026-11-02T10:00", "Europe/Brussels"),
      done: ["acknowledge_receipt"],
    }),
  );
  assert.deepEqual(
    list.map((d) => d.name),
    ["reply_to_reporter", "notice_of_default_compliance"],
  );
  const feed = caseDeadlines(profile("x2com-be"), spam(local("2026-11-02T09:00"), { hasReporter: false }));
  assert.deepEqual(feed, []);
});

test("a profile's own deadlines apply per kind and category, from their trigger", () => {
  const source = `brand: custom
name: Custom
version: 1
calendar: { country: BE, time_zone: Europe/Brussels }
documents: [{ id: t, title: T }]
deadlines:
  reply_to_reporter:
    term: { count: 1, unit: working_days, end_of_day: true }
    source: huisregel
  extra:
    - name: fix_open_relay
      categories: [open_relay]
      from: customer_notified
      term: { count: 3, unit: calendar_days, end_of_day: true }
      source: "Custom AUP art. 4"
rules: []
fallback:
  description: warn
  ladder: [{ step: warn, clause: { document: t, article: a, quote: q } }]
`;
  const parsed = parsePolicyProfile(source, "custom.yaml");
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  if (!parsed.ok) return;
  const clock: CaseClock = {
    kind: "abuse",
    category: "open_relay",
    receivedAt: local("2026-11-10T14:00", "Europe/Brussels"),
    customerNotifiedAt: local("2026-11-10T15:00", "Europe/Brussels"),
  };
  const list = caseDeadlines(parsed.profile, clock);
  assert.equal(show(byName(list, "reply_to_reporter"), "Europe/Brussels"), "Thursday 2026-11-12 23:59");
  const fix = byName(list, "fix_open_relay");
  assert.equal(show(fix, "Europe/Brussels"), "Friday 2026-11-13 23:59");
  assert.equal(fix?.source, "Custom AUP art. 4");
  assert.equal(
    byName(caseDeadlines(parsed.profile, { ...clock, category: "spam" }), "fix_open_relay"),
    undefined,
  );
  assert.equal(
    byName(caseDeadlines(parsed.profile, { ...clock, customerNotifiedAt: undefined }), "fix_open_relay"),
    undefined,
  );
});

test("dueAfter: each unit of a term", () => {
  const cal = { country: "NL" as const, timeZone: "Europe/Amsterdam" };
  const start = local("2026-04-24T10:00");
  const f = (d: Date) => DateTime.fromJSDate(d, { zone: cal.timeZone }).toFormat("yyyy-MM-dd HH:mm");
  assert.equal(
    f(dueAfter(start, { count: 2, unit: "working_days", end_of_day: false }, cal)),
    "2026-04-29 10:00",
  );
  assert.equal(
    f(dueAfter(start, { count: 2, unit: "working_days", end_of_day: true }, cal)),
    "2026-04-29 23:59",
  );
  assert.equal(
    f(dueAfter(start, { count: 3, unit: "calendar_days", end_of_day: false }, cal)),
    "2026-04-27 10:00",
  );
  assert.equal(f(dueAfter(start, { count: 1.5, unit: "hours", end_of_day: false }, cal)), "2026-04-24 11:30");
});
