import assert from "node:assert/strict";
import { test } from "node:test";
import { DateTime } from "luxon";
import {
  type BrandCalendar,
  CalendarError,
  calendarDaysAfter,
  endOfWorkingDaysAfter,
  holidayOn,
  hoursAfter,
  isWorkingDay,
  workingDaysAfter,
} from "./calendar.ts";

const NL: BrandCalendar = { country: "NL", timeZone: "Europe/Amsterdam" };
const BE: BrandCalendar = { country: "BE", timeZone: "Europe/Brussels" };

function local(iso: string, cal: BrandCalendar): Date {
  return DateTime.fromISO(iso, { zone: cal.timeZone }).toJSDate();
}

function show(at: Date, cal: BrandCalendar): string {
  return DateTime.fromJSDate(at, { zone: cal.timeZone }).toFormat("cccc yyyy-MM-dd HH:mm:ss.SSS");
}

/** mulberry32: a tiny seeded generator so a failing property test can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInstant(rand: () => number): Date {
  const from = Date.UTC(2024, 0, 1);
  const to = Date.UTC(2031, 0, 1);
  return new Date(from + Math.floor(rand() * (to - from)));
}

test("an NL report received Friday 24 April 2026 10:00 gets its reply due Wednesday 29 April 10:00 (King's Day)", () => {
  const due = workingDaysAfter(local("2026-04-24T10:00", NL), 2, NL);
  assert.equal(show(due, NL), "Wednesday 2026-04-29 10:00:00.000");
});

test("the same report to a BE brand is due Tuesday 28 April 10:00 (27 April is a working day in Belgium)", () => {
  const due = workingDaysAfter(local("2026-04-24T10:00", BE), 2, BE);
  assert.equal(show(due, BE), "Tuesday 2026-04-28 10:00:00.000");
});

test("a notice of default sent Thursday 5 November 2026 by X2com BE is due at the end of Friday 13 November", () => {
  const due = endOfWorkingDaysAfter(local("2026-11-05T15:30", BE), 5, BE);
  assert.equal(show(due, BE), "Friday 2026-11-13 23:59:59.999");
});

test("date-holidays: King's Day is public in NL, Armistice in BE; Good Friday and observances are working days", () => {
  assert.equal(holidayOn(local("2026-04-27T12:00", NL), NL), "Koningsdag");
  assert.equal(isWorkingDay(local("2026-04-27T12:00", BE), BE), true);
  assert.equal(holidayOn(local("2026-11-11T12:00", BE), BE), "Wapenstilstand");
  assert.equal(isWorkingDay(local("2026-11-11T12:00", NL), NL), true, "Sint-Maarten is an observance in NL");
  assert.equal(
    isWorkingDay(local("2026-04-03T12:00", NL), NL),
    true,
    "Goede Vrijdag is not a public holiday in NL",
  );
  assert.equal(isWorkingDay(local("2026-05-05T12:00", NL), NL), true, "Bevrijdingsdag is not type public");
  // King's Day on a Sunday moves to Saturday (2025): a weekend day anyway.
  assert.equal(holidayOn(local("2025-04-26T12:00", NL), NL), "Koningsdag");
});

test("a brand's own closed days count as non-working", () => {
  const cal: BrandCalendar = { ...NL, closedDays: ["2030-05-06"] };
  const due = workingDaysAfter(local("2030-05-03T09:00", cal), 1, cal); // Friday
  assert.equal(show(due, cal), "Tuesday 2030-05-07 09:00:00.000");
});

test("a start on a weekend counts from the next day: Saturday 10:00 + 2 working days = Tuesday 10:00", () => {
  const due = workingDaysAfter(local("2026-03-07T10:00", NL), 2, NL);
  assert.equal(show(due, NL), "Tuesday 2026-03-10 10:00:00.000");
});

test("the local time survives DST: spring forward and fall back", () => {
  // Friday 27 March 2026 10:00 CET → Monday 30 March 10:00 CEST (one hour fewer in between).
  const spring = workingDaysAfter(local("2026-03-27T10:00", NL), 1, NL);
  assert.equal(show(spring, NL), "Monday 2026-03-30 10:00:00.000");
  assert.equal(spring.getTime() - local("2026-03-27T10:00", NL).getTime(), 71 * 3_600_000);
  // Friday 23 October 2026 10:00 CEST → Monday 26 October 10:00 CET.
  const fall = workingDaysAfter(local("2026-10-23T10:00", BE), 1, BE);
  assert.equal(show(fall, BE), "Monday 2026-10-26 10:00:00.000");
  assert.equal(fall.getTime() - local("2026-10-23T10:00", BE).getTime(), 73 * 3_600_000);
  // Calendar days keep the wall clock: Saturday 28 March 10:00 + 1 day = Sunday 10:00, 23 hours later.
  const day = calendarDaysAfter(local("2026-03-28T10:00", NL), 1, NL);
  assert.equal(show(day, NL), "Sunday 2026-03-29 10:00:00.000");
  assert.equal(day.getTime() - local("2026-03-28T10:00", NL).getTime(), 23 * 3_600_000);
});

test("14 calendar days ignore holidays and weekends", () => {
  const due = calendarDaysAfter(local("2026-12-20T16:45", NL), 14, NL);
  assert.equal(show(due, NL), "Sunday 2027-01-03 16:45:00.000");
});

test("hours are real hours, also across DST", () => {
  const start = local("2026-03-29T01:30", NL);
  assert.equal(show(hoursAfter(start, 1), NL), "Sunday 2026-03-29 03:30:00.000");
});

test("0 working days is the start itself; negative counts and unknown zones are refused with a clear error", () => {
  const start = local("2026-04-24T10:00", NL);
  assert.equal(workingDaysAfter(start, 0, NL).getTime(), start.getTime());
  assert.throws(() => workingDaysAfter(start, -1, NL), CalendarError);
  assert.throws(() => workingDaysAfter(start, 1.5, NL), /whole number/);
  assert.throws(
    () => workingDaysAfter(start, 1, { country: "NL", timeZone: "Europe/Amsterdamm" }),
    /not an IANA time zone/,
  );
});

test("property: a working-day deadline never falls on a weekend or holiday and keeps the local time", () => {
  const rand = seeded(20260424);
  for (let i = 0; i < 3000; i++) {
    const cal = rand() < 0.5 ? NL : BE;
    const start = randomInstant(rand);
    const n = 1 + Math.floor(rand() * 25);
    const due = workingDaysAfter(start, n, cal);
    const at = DateTime.fromJSDate(due, { zone: cal.timeZone });
    const from = DateTime.fromJSDate(start, { zone: cal.timeZone });
    assert.ok(isWorkingDay(due, cal), `${show(start, cal)} + ${n} → ${show(due, cal)} is not a working day`);
    assert.ok(at.weekday <= 5);
    assert.equal(at.toFormat("HH:mm:ss.SSS"), from.toFormat("HH:mm:ss.SSS"), `local time changed (${n})`);
    const end = endOfWorkingDaysAfter(start, n, cal);
    assert.ok(isWorkingDay(end, cal));
    assert.equal(DateTime.fromJSDate(end, { zone: cal.timeZone }).toFormat("HH:mm:ss.SSS"), "23:59:59.999");
    assert.equal(at.toISODate(), DateTime.fromJSDate(end, { zone: cal.timeZone }).toISODate());
  }
});

test("property: exactly n working days lie between the start and the deadline, and n+1 is later than n", () => {
  const rand = seeded(11111918);
  for (let i = 0; i < 1500; i++) {
    const cal = rand() < 0.5 ? NL : BE;
    const start = randomInstant(rand);
    const n = Math.floor(rand() * 20);
    const due = workingDaysAfter(start, n, cal);
    const next = workingDaysAfter(start, n + 1, cal);
    assert.ok(next.getTime() > due.getTime(), `${show(start, cal)}: n=${n + 1} is not after n=${n}`);
    let count = 0;
    let day = DateTime.fromJSDate(start, { zone: cal.timeZone }).startOf("day");
    const last = DateTime.fromJSDate(due, { zone: cal.timeZone }).startOf("day");
    while (day < last) {
      day = day.plus({ days: 1 });
      if (isWorkingDay(day.set({ hour: 12 }).toJSDate(), cal)) count += 1;
    }
    assert.equal(count, n, `${show(start, cal)} + ${n} working days → ${show(due, cal)}`);
  }
});

test("property: calendar days keep the local time except in a DST gap, and never go backwards", () => {
  const rand = seeded(7);
  for (let i = 0; i < 2000; i++) {
    const cal = rand() < 0.5 ? NL : BE;
    const start = randomInstant(rand);
    const n = Math.floor(rand() * 40);
    const due = calendarDaysAfter(start, n, cal);
    const from = DateTime.fromJSDate(start, { zone: cal.timeZone });
    const at = DateTime.fromJSDate(due, { zone: cal.timeZone });
    assert.equal(Math.round(at.startOf("day").diff(from.startOf("day"), "days").days), n);
    const shifted = from.plus({ days: n });
    if (shifted.hour === from.hour) assert.equal(at.toFormat("HH:mm"), from.toFormat("HH:mm"));
    assert.ok(due.getTime() >= start.getTime());
  }
});

test("speed: 50,000 deadlines well under a second or two (holiday tables are cached)", () => {
  const rand = seeded(3);
  const starts = Array.from({ length: 50_000 }, () => randomInstant(rand));
  const t0 = performance.now();
  for (const s of starts) workingDaysAfter(s, 5, NL);
  const ms = performance.now() - t0;
  assert.ok(ms < 5000, `50,000 deadlines took ${Math.round(ms)} ms`);
});
