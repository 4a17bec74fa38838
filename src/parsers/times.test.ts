import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse as parseYaml } from "yaml";
import {
  DEFAULT_TIME_ZONE,
  languagesOf,
  MAX_TIME_WARNINGS,
  nearestTimes,
  numericDatesOfMail,
  readTime,
  readTimes,
  settleTimes,
  TIME_LIMITS,
} from "./times.ts";
import type { ParsedEvent } from "./types.ts";

interface Entry {
  lang: string;
  text: string;
  expected: string | null;
  reference?: string | null;
  zone?: string;
  numericDates?: "day-first" | "month-first";
  why?: string;
}

const corpus = parseYaml(
  readFileSync(new URL("../../test/fixtures/times/corpus.yaml", import.meta.url), "utf8"),
) as { defaults: { reference: string; zone: string }; entries: Entry[] };

test("the corpus of times as people write them: every expression reads as its expected instant", () => {
  const languages = new Map<string, number>();
  for (const e of corpus.entries) languages.set(e.lang, (languages.get(e.lang) ?? 0) + 1);
  assert.ok(corpus.entries.length >= 100, `only ${corpus.entries.length} expressions`);
  for (const lang of ["nl", "en", "de", "fr"]) assert.ok((languages.get(lang) ?? 0) >= 20, lang);

  const wrong: string[] = [];
  for (const e of corpus.entries) {
    const reference = e.reference === null ? null : new Date(e.reference ?? corpus.defaults.reference);
    const got = readTime(e.text, {
      reference,
      timeZone: e.zone ?? corpus.defaults.zone,
      numericDates: e.numericDates,
    });
    const want = e.expected === null ? null : new Date(e.expected).toISOString();
    if ((got?.toISOString() ?? null) !== want) {
      wrong.push(`${e.lang} "${e.text}": expected ${want}, read ${got?.toISOString() ?? null}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test("languages are told apart by words only one of them uses", () => {
  assert.deepEqual(languagesOf("Wij zagen gisteren phishing op uw server"), ["nl"]);
  assert.deepEqual(languagesOf("Nous avons vu du phishing depuis ce matin"), ["fr"]);
  assert.deepEqual(languagesOf("Wir haben gestern Spam von Ihrem Server erhalten"), ["de"]);
  assert.deepEqual(languagesOf("We have seen spam from your server since yesterday"), ["en"]);
  // "hier" is here (nl, de) or yesterday (fr): alone it tells nothing
  assert.deepEqual(languagesOf("hier"), []);
});

test("of several times in a text, the one nearest the subject belongs to it; same line first", () => {
  const text = [
    "Wij zagen gisteren om 23:10 phishing op http://bank-login.example/ en",
    "sinds vanochtend 07:45 ook malware op http://other.example/x.exe",
    "2026-12-01 10:00 CET\t192.0.2.9\t80",
  ].join("\n");
  const reference = new Date("2026-12-03T10:15:00Z");
  const mentions = readTimes(text, { reference });
  assert.equal(mentions.length, 3);
  const nearest = nearestTimes(text, mentions);
  const at = (needle: string) => nearest(text.indexOf(needle))?.at.toISOString();
  assert.equal(at("bank-login"), "2026-12-02T22:10:00.000Z");
  assert.equal(at("other.example"), "2026-12-03T06:45:00.000Z");
  assert.equal(at("192.0.2.9"), "2026-12-01T09:00:00.000Z");
});

test("the order of a numeric date is told by the zone of the writer's mail", () => {
  assert.equal(numericDatesOfMail("Sun,  4 Oct 2015 02:45:10 -0400 (EDT)"), "month-first");
  assert.equal(numericDatesOfMail("Mon, 22 Mar 2021 07:51:02 +0100"), "day-first");
  assert.equal(numericDatesOfMail("Sun, 1 May 2022 04:50:04 +0000"), undefined);
  assert.equal(numericDatesOfMail(undefined), undefined);
});

test("without a written zone, the brand's zone is used, else Europe/Amsterdam", () => {
  const reference = new Date("2026-12-03T10:15:00Z");
  assert.equal(DEFAULT_TIME_ZONE, "Europe/Amsterdam");
  assert.equal(readTime("2026-12-02 09:00", { reference })?.toISOString(), "2026-12-02T08:00:00.000Z");
  assert.equal(
    readTime("2026-12-02 09:00", { reference, timeZone: "America/New_York" })?.toISOString(),
    "2026-12-02T14:00:00.000Z",
  );
  // not a zone: the default
  assert.equal(
    readTime("2026-12-02 09:00", { reference, timeZone: "Mars/Olympus" })?.toISOString(),
    "2026-12-02T08:00:00.000Z",
  );
});

test("the plausible range: not after the mail (give or take clocks), not more than a year before it", () => {
  const reference = new Date("2026-12-03T10:15:00Z");
  const skew = TIME_LIMITS.clockSkewMinutes;
  assert.ok(readTime(`2026-12-03 10:${15 + skew - 1} UTC`, { reference }));
  assert.equal(readTime(`2026-12-03 10:${15 + skew + 1} UTC`, { reference }), null);
  const days = TIME_LIMITS.maxAgeDays;
  const edge = new Date(reference.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const beyond = new Date(reference.getTime() - (days + 1) * 86_400_000).toISOString().slice(0, 10);
  assert.ok(readTime(`${edge} 12:00 UTC`, { reference }));
  assert.equal(readTime(`${beyond} 12:00 UTC`, { reference }), null);
});

test("a long or hostile text is read only up to the limit, and at most so many times are kept", () => {
  const reference = new Date("2026-12-03T10:15:00Z");
  const line = "gisteren om 23:10 zagen wij spam\n";
  const text = line.repeat(Math.ceil((TIME_LIMITS.maxTextChars * 2) / line.length));
  const mentions = readTimes(text, { reference });
  assert.ok(mentions.length <= TIME_LIMITS.maxMentions);
  assert.ok(mentions.every((m) => m.index < TIME_LIMITS.maxTextChars));
  const noise = Array.from({ length: 100_000 }, (_, i) => "0123456789:./- amhPT\n"[(i * 7919) % 21]).join("");
  assert.ok(Array.isArray(readTimes(noise, { reference })));
});

function event(occurredAt: Date | null, details: Record<string, unknown> = {}): ParsedEvent {
  return { category: "spam", kind: "abuse", subject: { ip: "192.0.2.1" }, occurredAt, details };
}

test("every event says where its time came from; a time after the receipt is not used", () => {
  const receivedAt = new Date("2026-12-03T10:20:00Z");
  const sentAt = new Date("2026-12-03T10:15:00Z");
  const events = [
    event(new Date("2026-12-01T09:00:00Z")),
    event(new Date("2026-12-02T22:10:00Z"), { time_source: "text" }),
    event(null),
    event(new Date("2027-06-01T00:00:00Z")),
  ];
  const warnings = settleTimes(events, { sentAt, receivedAt });
  assert.deepEqual(
    events.map((e) => [e.details.time_source, e.occurredAt?.toISOString()]),
    [
      ["report", "2026-12-01T09:00:00.000Z"],
      ["text", "2026-12-02T22:10:00.000Z"],
      ["mail_date", "2026-12-03T10:15:00.000Z"],
      ["mail_date", "2026-12-03T10:15:00.000Z"],
    ],
  );
  assert.match(warnings[0]!, /event 4: its time 2027-06-01T00:00:00.000Z is after the report was received/);

  // No mail, or a mail Date that is not plausible (a resent archive, a clock far ahead): the receipt.
  for (const bad of [
    null,
    new Date(receivedAt.getTime() - (TIME_LIMITS.mailDateMaxAgeDays + 1) * 86_400_000),
    new Date(receivedAt.getTime() + (TIME_LIMITS.clockSkewMinutes + 1) * 60_000),
  ]) {
    const [e] = [event(null)];
    settleTimes([e!], { sentAt: bad, receivedAt });
    assert.equal(e!.details.time_source, "receipt");
    assert.equal(e!.occurredAt, null);
  }
});

test("times after the receipt: the first MAX_TIME_WARNINGS are named, then how many in all", () => {
  const receivedAt = new Date("2026-12-03T10:20:00Z");
  const future = new Date("2027-01-01T00:00:00Z");
  const events = Array.from({ length: MAX_TIME_WARNINGS + 5 }, () => event(future));
  const warnings = settleTimes(events, { sentAt: null, receivedAt });
  assert.equal(warnings.length, MAX_TIME_WARNINGS + 1);
  assert.equal(warnings.at(-1), `${MAX_TIME_WARNINGS + 5} events had a time after the receipt in total`);
  assert.ok(events.every((e) => e.occurredAt === null && e.details.time_source === "receipt"));
});
