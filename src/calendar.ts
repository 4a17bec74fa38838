/**
 * Working days, holidays and deadline arithmetic per brand (SPEC C7).
 *
 * A brand works in one country (its public holidays) and one IANA time zone. Every deadline is computed
 * in that zone, so "2 working days" keeps the local clock time across daylight-saving changes.
 * Pure: no I/O; holiday tables come from `date-holidays` and are cached per country and year.
 */
import Holidays from "date-holidays";
import { IANAZone } from "luxon";

export const COUNTRIES = ["NL", "BE"] as const;
export type Country = (typeof COUNTRIES)[number];

/** The calendar a brand counts its working days in. */
export interface BrandCalendar {
  readonly country: Country;
  /** IANA zone, e.g. "Europe/Amsterdam" or "Europe/Brussels". */
  readonly timeZone: string;
  /** Extra days the brand is closed, as local dates "YYYY-MM-DD" (e.g. Bevrijdingsdag in a lustrum year). */
  readonly closedDays?: readonly string[];
}

/** A calendar question that cannot be answered: an unknown zone or a negative count. */
export class CalendarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CalendarError";
  }
}

const DAY_MS = 86_400_000;

/** A local date as whole days since 1970-01-01; stepping days is then integer arithmetic. */
type DayNumber = number;

function dayNumber(year: number, month: number, day: number): DayNumber {
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

function dateOf(day: DayNumber): { year: number; month: number; day: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function isWeekend(day: DayNumber): boolean {
  // 1970-01-01 was a Thursday (weekday 4, Sunday = 0).
  const weekday = (((day + 4) % 7) + 7) % 7;
  return weekday === 0 || weekday === 6;
}

// date-holidays builds its rule tables on construction (a few ms): one instance per country.
const holidayEngines = new Map<Country, Holidays>();
// Public holidays per "country:year", as day number → Dutch name.
const holidayTables = new Map<string, ReadonlyMap<DayNumber, string>>();

function holidaysOf(country: Country, year: number): ReadonlyMap<DayNumber, string> {
  const key = `${country}:${year}`;
  const cached = holidayTables.get(key);
  if (cached) return cached;
  let engine = holidayEngines.get(country);
  if (!engine) {
    engine = new Holidays(country, { languages: ["nl"] });
    holidayEngines.set(country, engine);
  }
  const table = new Map<DayNumber, string>();
  // Only "public" days close the office: NL Goede Vrijdag and Bevrijdingsdag are "school" days there,
  // observances (Sint-Maarten, Koninkrijksdag) are working days.
  for (const h of engine.getHolidays(year)) {
    if (h.type !== "public") continue;
    const [y, m, d] = h.date.slice(0, 10).split("-").map(Number);
    if (y === undefined || m === undefined || d === undefined) continue;
    table.set(dayNumber(y, m, d), h.name);
  }
  holidayTables.set(key, table);
  return table;
}

const zones = new Map<string, IANAZone | null>();

function zoneOf(timeZone: string): IANAZone {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    zone = IANAZone.isValidZone(timeZone) ? IANAZone.create(timeZone) : null;
    zones.set(timeZone, zone);
  }
  if (!zone) throw new CalendarError(`"${timeZone}" is not an IANA time zone; use e.g. "Europe/Amsterdam"`);
  return zone;
}

// Asking Intl for an offset costs microseconds; deadlines are computed for many cases, so offsets are
// cached per zone and UTC day. A day whose start and end share an offset has no transition inside it.
const offsetCache = new Map<string, Map<number, number | null>>();

function offsetMinutes(zone: IANAZone, ts: number): number {
  let days = offsetCache.get(zone.name);
  if (!days) {
    days = new Map();
    offsetCache.set(zone.name, days);
  }
  const key = Math.floor(ts / DAY_MS);
  let flat = days.get(key);
  if (flat === undefined) {
    const first = zone.offset(key * DAY_MS);
    flat = first === zone.offset((key + 1) * DAY_MS - 1) ? first : null;
    days.set(key, flat);
  }
  return flat ?? zone.offset(ts);
}

/** An instant as a local day and the milliseconds since local midnight. */
interface LocalTime {
  day: DayNumber;
  time: number;
}

function checkCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new CalendarError(`${what} must be a whole number ≥ 0, got ${n}`);
}

function localOf(at: Date, cal: BrandCalendar): LocalTime {
  const zone = zoneOf(cal.timeZone);
  const ts = at.getTime();
  if (Number.isNaN(ts)) throw new CalendarError("the start is not a valid date");
  const localMs = ts + offsetMinutes(zone, ts) * 60_000;
  const day = Math.floor(localMs / DAY_MS);
  return { day, time: localMs - day * DAY_MS };
}

/** The instant of a local wall-clock time; a time in a DST gap moves forward (02:30 → 03:30), like luxon. */
function instantOf(day: DayNumber, time: number, cal: BrandCalendar): Date {
  const zone = zoneOf(cal.timeZone);
  const localMs = day * DAY_MS + time;
  const first = localMs - offsetMinutes(zone, localMs) * 60_000;
  const offset = offsetMinutes(zone, first);
  const second = localMs - offset * 60_000;
  if (offsetMinutes(zone, second) === offset) return new Date(second);
  return new Date(Math.max(first, second));
}

function closedDayName(day: DayNumber, cal: BrandCalendar): string | undefined {
  const { year, month, day: d } = dateOf(day);
  const holiday = holidaysOf(cal.country, year).get(day);
  if (holiday) return holiday;
  if (cal.closedDays && cal.closedDays.length > 0) {
    const iso = `${year}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    if (cal.closedDays.includes(iso)) return "closed";
  }
  return undefined;
}

function isWorkingDayNumber(day: DayNumber, cal: BrandCalendar): boolean {
  return !isWeekend(day) && closedDayName(day, cal) === undefined;
}

/** The day number of the n-th working day after `from` (not counting `from` itself). */
function nthWorkingDayAfter(from: DayNumber, n: number, cal: BrandCalendar): DayNumber {
  let day = from;
  let left = n;
  while (left > 0) {
    day += 1;
    if (isWorkingDayNumber(day, cal)) left -= 1;
  }
  return day;
}

function endOfLocalDay(day: DayNumber, cal: BrandCalendar): Date {
  return instantOf(day, DAY_MS - 1, cal);
}

/** Whether the local day of `at` is a working day: not a weekend, public holiday or closed day. */
export function isWorkingDay(at: Date, cal: BrandCalendar): boolean {
  return isWorkingDayNumber(localOf(at, cal).day, cal);
}

/** The (Dutch) name of the public holiday on the local day of `at`, if it is one. */
export function holidayOn(at: Date, cal: BrandCalendar): string | undefined {
  const { day } = localOf(at, cal);
  return holidaysOf(cal.country, dateOf(day).year).get(day);
}

/**
 * `n` working days after `start`, at the same local time. Days are counted from the day after the start
 * day, whatever that is: received Saturday 10:00 + 2 working days = Tuesday 10:00 (the stricter reading).
 */
export function workingDaysAfter(start: Date, n: number, cal: BrandCalendar): Date {
  checkCount(n, "the number of working days");
  const local = localOf(start, cal);
  if (n === 0) return new Date(start.getTime());
  return instantOf(nthWorkingDayAfter(local.day, n, cal), local.time, cal);
}

/**
 * The end (23:59:59.999 local) of the n-th working day counted from the day after `start`: "binnen de
 * vijf (5) werkdagen, te rekenen vanaf de dag volgend op de verzending" (X2com BE art. 13.8).
 */
export function endOfWorkingDaysAfter(start: Date, n: number, cal: BrandCalendar): Date {
  checkCount(n, "the number of working days");
  const { day } = localOf(start, cal);
  return endOfLocalDay(n === 0 ? day : nthWorkingDayAfter(day, n, cal), cal);
}

/** `n` calendar days after `start`, at the same local time (so 23 or 25 hours across a DST change). */
export function calendarDaysAfter(start: Date, n: number, cal: BrandCalendar): Date {
  checkCount(n, "the number of calendar days");
  const local = localOf(start, cal);
  return instantOf(local.day + n, local.time, cal);
}

/** The end (23:59:59.999 local) of the n-th calendar day after `start`. */
export function endOfCalendarDaysAfter(start: Date, n: number, cal: BrandCalendar): Date {
  checkCount(n, "the number of calendar days");
  return endOfLocalDay(localOf(start, cal).day + n, cal);
}

/** `n` hours after `start` on the clock of the world, not the wall clock: legal terms in hours run through DST. */
export function hoursAfter(start: Date, n: number): Date {
  if (!Number.isFinite(n) || n < 0) throw new CalendarError(`the number of hours must be ≥ 0, got ${n}`);
  return new Date(start.getTime() + n * 3_600_000);
}

/** Whether `timeZone` is a zone luxon (and so this module) can compute in. */
export function isValidTimeZone(timeZone: string): boolean {
  return IANAZone.isValidZone(timeZone);
}
