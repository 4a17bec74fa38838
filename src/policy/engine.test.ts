import assert from "node:assert/strict";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DateTime } from "luxon";
import {
  articleUnder,
  type CaseFacts,
  type CustomerHistory,
  type HistoryCase,
  NO_HISTORY,
  PolicyEngineError,
  proposeNextStep,
} from "./engine.ts";
import { loadPolicyProfiles } from "./load.ts";
import type { PolicyProfile } from "./schema.ts";

const PROFILES_DIR = fileURLToPath(new URL("../../policy/profiles", import.meta.url));
let profiles: ReadonlyMap<string, PolicyProfile>;

before(async () => {
  profiles = await loadPolicyProfiles(PROFILES_DIR);
});

function profile(brand: string): PolicyProfile {
  const p = profiles.get(brand);
  assert.ok(p, `no profile ${brand}`);
  return p;
}

const at = (iso: string) => DateTime.fromISO(iso, { zone: "Europe/Amsterdam" }).toJSDate();

function facts(brand: string, over: Partial<CaseFacts>): CaseFacts {
  return {
    caseId: "case-now",
    brand,
    kind: "abuse",
    category: "spam",
    openedAt: at("2026-05-20T09:00"),
    now: at("2026-05-20T10:00"),
    ...over,
  };
}

function earlier(
  caseId: string,
  category: HistoryCase["category"],
  iso: string,
  steps: string[],
): HistoryCase {
  return {
    caseId,
    category,
    kind: "abuse",
    openedAt: at(iso),
    actions: steps.map((s) => ({ step: s as HistoryCase["actions"][number]["step"], at: at(iso) })),
  };
}

function history(...cases: HistoryCase[]): CustomerHistory {
  return { cases };
}

// --- Extin -------------------------------------------------------------------------------------------

test("Extin spam, first case: one warning, to be followed at once", () => {
  const p = proposeNextStep(profile("extin"), facts("extin", {}), NO_HISTORY);
  assert.equal(p.step, "warn");
  assert.equal(p.rule, "extin-spam");
  assert.equal(p.clause.document, "Extin Algemene Voorwaarden (hosting)");
  assert.match(p.clause.article, /Anti-spam policy/);
  assert.equal(
    p.clause.quote,
    "Overigens ontvangt de spammer hooguit één waarschuwing, die direct opgevolgd dient te worden.",
  );
  assert.match(p.reasoning, /No earlier spam case/);
  assert.equal(p.needs_approval, false);
});

test("Extin spam, second case in 90 days: the service is disconnected, and the reasoning names the first warning", () => {
  const h = history(earlier("case-1", "spam", "2026-03-03T11:00", ["warn"]));
  const p = proposeNextStep(profile("extin"), facts("extin", {}), h);
  assert.equal(p.step, "suspend");
  assert.equal(p.clause.quote, "Bij herhaling wordt de dienst afgesloten.");
  assert.match(p.reasoning, /Second spam case within 365 days/);
  assert.match(p.reasoning, /the first warning was sent on 3 March 2026/);
  assert.match(p.reasoning, /case-1/);
});

test("Extin spam that goes on after the warning in the same case counts as repetition", () => {
  const h = history({
    caseId: "case-now",
    category: "spam",
    kind: "abuse",
    openedAt: at("2026-05-20T09:00"),
    actions: [{ step: "warn", at: at("2026-05-20T09:30") }],
  });
  const quiet = proposeNextStep(profile("extin"), facts("extin", { lastEventAt: at("2026-05-20T09:00") }), h);
  assert.equal(quiet.step, "no_action");
  assert.match(quiet.reasoning, /no new reports since/);
  assert.match(quiet.reasoning, /On repetition the next step is: suspension/);
  const again = proposeNextStep(profile("extin"), facts("extin", { lastEventAt: at("2026-05-21T08:00") }), h);
  assert.equal(again.step, "suspend");
  assert.match(again.reasoning, /New reports arrived after the warning of 20 May 2026/);
});

test("Extin: a known spammer is disconnected without warning", () => {
  const p = proposeNextStep(profile("extin"), facts("extin", { knownOffender: true }), NO_HISTORY);
  assert.equal(p.step, "suspend");
  assert.equal(p.rule, "extin-spam-known-spammer");
  assert.match(p.clause.quote, /zonder waarschuwing direct afgesloten/);
  assert.match(p.reasoning, /known offender/);
});

test("Extin: a customer who cannot show confirmed opt-in is treated as a spammer", () => {
  const p = proposeNextStep(profile("extin"), facts("extin", { optInProof: "missing" }), NO_HISTORY);
  assert.equal(p.step, "warn");
  assert.equal(p.rule, "extin-spam-no-opt-in");
  assert.equal(
    p.basis?.quote,
    "Als u deze bevestiging niet kunt overleggen, beschouwt Extin de mail als spam.",
  );
  assert.match(p.reasoning, /could not show the confirmed opt-in/);
  const repeat = proposeNextStep(
    profile("extin"),
    facts("extin", { optInProof: "missing" }),
    history(earlier("case-1", "spam", "2026-04-01T10:00", ["warn"])),
  );
  assert.equal(repeat.step, "suspend");
});

test("Extin: confirmed opt-in shown means the mail is no spam by Extin's definition", () => {
  const p = proposeNextStep(profile("extin"), facts("extin", { optInProof: "shown" }), NO_HISTORY);
  assert.equal(p.step, "no_action");
  assert.match(p.clause.article, /Definitie van spam/);
});

test("Extin: an open relay is disconnected without warning", () => {
  const p = proposeNextStep(profile("extin"), facts("extin", { category: "open_relay" }), NO_HISTORY);
  assert.equal(p.step, "suspend");
  assert.equal(p.rule, "extin-open-relay");
  assert.equal(
    p.clause.quote,
    "Extin zal servers die open relay zijn, zonder voorafgaande waarschuwing afkoppelen.",
  );
});

test("Extin port scans: suspended at once; terminated only when no agreement is reached", () => {
  const extin = profile("extin");
  const first = proposeNextStep(extin, facts("extin", { category: "port_scan" }), NO_HISTORY);
  assert.equal(first.step, "suspend");
  assert.match(first.clause.quote, /met onmiddellijke ingang op te schorten, totdat overleg/);
  assert.equal(first.clause.article, "Hacking / Portscans Policy");

  const suspended = history({
    caseId: "case-now",
    category: "port_scan",
    kind: "abuse",
    openedAt: at("2026-05-20T09:00"),
    actions: [{ step: "suspend", at: at("2026-05-20T09:10") }],
  });
  const waiting = proposeNextStep(extin, facts("extin", { category: "port_scan" }), suspended);
  assert.equal(waiting.step, "no_action");
  assert.match(waiting.reasoning, /waits until .*no agreement/);

  const noDeal = proposeNextStep(
    extin,
    facts("extin", { category: "port_scan", cooperating: false }),
    suspended,
  );
  assert.equal(noDeal.step, "terminate");
  assert.match(noDeal.clause.quote, /Wordt een dergelijke oplossing niet bereikt/);
});

test("Extin NTD: the notice goes to the customer; the reporter's name is never passed on", () => {
  const extin = profile("extin");
  const p = proposeNextStep(extin, facts("extin", { kind: "ntd", category: "defamation" }), NO_HISTORY);
  assert.equal(p.step, "request_information");
  assert.match(p.clause.quote, /stuurt de klacht door naar de klant/);
  assert.equal(extin.reporter_identity.pass_to_customer, "never");
  assert.match(extin.reporter_identity.clause?.quote ?? "", /wordt niet vermeld aan de klant/);
});

// --- Web://Xtra -------------------------------------------------------------------------------------

test("Web://Xtra spam: zero tolerance, removal at once without refund", () => {
  const p = proposeNextStep(profile("webxtra"), facts("webxtra", {}), NO_HISTORY);
  assert.equal(p.step, "suspend");
  assert.equal(p.rule, "webxtra-spam");
  assert.match(p.clause.quote, /zerotolerance beleid/);
  assert.match(p.clause.quote, /zonder teruggave van gelden/);
  assert.equal(p.clause.document, "Web://Xtra anti-spam policy");
  assert.equal(p.clause.article, "zerotolerance beleid");
});

test("clause titles once: a document's general clause is its introduction, not its title again", () => {
  const p = proposeNextStep(profile("webxtra"), facts("webxtra", { category: "phishing" }), NO_HISTORY);
  assert.equal(p.rule, "webxtra-general");
  assert.equal(`${p.clause.document}, ${p.clause.article}`, "Web://Xtra anti-spam policy, introduction");
  assert.match(p.reasoning, /Clause: Web:\/\/Xtra anti-spam policy, introduction: "/);
  assert.equal(
    articleUnder("Extin Algemene Voorwaarden (hosting)", "Anti-spam policy, Uitgangspunten"),
    "Anti-spam policy, Uitgangspunten",
  );
  assert.equal(
    articleUnder("Web://Xtra anti-spam policy", "Anti-spam policy, zerotolerance beleid"),
    "zerotolerance beleid",
  );
  assert.equal(articleUnder("Web://Xtra anti-spam policy", "Anti-spam policy"), "introduction");
});

test("Web://Xtra spam through an insecure site: one warning, removal when it happens again", () => {
  const webxtra = profile("webxtra");
  const first = proposeNextStep(webxtra, facts("webxtra", { insecureSite: true }), NO_HISTORY);
  assert.equal(first.step, "warn");
  assert.equal(first.rule, "webxtra-spam-insecure-site");
  assert.match(first.clause.quote, /geeft Web:\/\/Xtra hiervoor 1 waarschuwing/);
  assert.match(first.reasoning, /insecure site/);
  const again = proposeNextStep(
    webxtra,
    facts("webxtra", { insecureSite: true }),
    history(earlier("case-7", "spam", "2026-02-10T14:00", ["warn"])),
  );
  assert.equal(again.step, "suspend");
  assert.match(again.reasoning, /the first warning was sent on 10 February 2026/);
});

// --- X2com (abuse policy §8, both brands) --------------------------------------------------------------

test("X2com: a first spam case gets a warning (abuse policy §6)", () => {
  for (const brand of ["x2com-nl", "x2com-be"]) {
    const p = proposeNextStep(profile(brand), facts(brand, {}), NO_HISTORY);
    assert.equal(p.step, "warn", brand);
    assert.equal(p.clause.document, "X2com Abuse Policy");
    assert.match(p.clause.article, /^§6/);
  }
});

test("X2com: repeated violation → suspension, structural misuse → termination (§8)", () => {
  const nl = profile("x2com-nl");
  const second = proposeNextStep(
    nl,
    facts("x2com-nl", { category: "phishing" }),
    history(earlier("case-1", "phishing", "2026-03-03T10:00", ["warn"])),
  );
  assert.equal(second.step, "suspend");
  assert.match(second.clause.article, /^§8/);
  assert.match(second.clause.quote, /herhaaldelijk onze AUP/);
  assert.match(second.reasoning, /Second phishing case/);
  assert.equal(second.needs_approval, true, "X2com needs four eyes for a suspension");

  const third = proposeNextStep(
    nl,
    facts("x2com-nl", { category: "phishing" }),
    history(
      earlier("case-1", "phishing", "2026-03-03T10:00", ["warn"]),
      earlier("case-2", "phishing", "2026-04-03T10:00", ["suspend"]),
    ),
  );
  assert.equal(third.step, "terminate");
  assert.match(third.clause.quote, /structureel misbruik/);
  assert.match(third.reasoning, /Third phishing case/);
  assert.match(third.reasoning, /the first suspension was taken on 3 April 2026/);
});

test("X2com: unfounded earlier complaints and cases outside the window do not count", () => {
  const p = proposeNextStep(
    profile("x2com-nl"),
    facts("x2com-nl", {}),
    history(
      { ...earlier("case-1", "spam", "2026-04-01T10:00", ["no_action"]), founded: false },
      earlier("case-0", "spam", "2024-01-01T10:00", ["warn"]),
    ),
  );
  assert.equal(p.step, "warn");
});

test("X2com: a customer who does not cooperate is suspended (§8)", () => {
  const p = proposeNextStep(profile("x2com-be"), facts("x2com-be", { cooperating: false }), NO_HISTORY);
  assert.equal(p.step, "suspend");
  assert.equal(p.rule, "x2com-not-cooperating");
  assert.match(p.clause.quote, /niet meewerkt aan het oplossen van abuseproblemen/);
});

test("X2com NL: a serious incident is met without warning (§8)", () => {
  const p = proposeNextStep(profile("x2com-nl"), facts("x2com-nl", { serious: true }), NO_HISTORY);
  assert.equal(p.step, "suspend");
  assert.equal(p.rule, "x2com-serious");
  assert.match(p.clause.quote, /zonder voorafgaande waarschuwing maatregelen te treffen/);
});

test("X2com NL 15.5: a serious breach of art. 8.6-8.8 ends the contract at once", () => {
  const p = proposeNextStep(
    profile("x2com-nl"),
    facts("x2com-nl", { category: "malware", serious: true }),
    NO_HISTORY,
  );
  assert.equal(p.step, "terminate");
  assert.equal(p.clause.article, "art. 15.5 sub a");
  assert.equal(p.clause.document, "Algemene voorwaarden X2com B.V.");
  assert.equal(p.basis?.article, "art. 8.6");
  assert.equal(p.needs_approval, true);
});

test("X2com NL 8.5: more than three times the average use is pointed out", () => {
  const nl = profile("x2com-nl");
  const over = proposeNextStep(
    nl,
    facts("x2com-nl", {
      category: "excessive_use",
      usage: { ratio: 3.4, periodMonths: 1, metric: "traffic" },
    }),
    NO_HISTORY,
  );
  assert.equal(over.step, "warn");
  assert.equal(over.clause.article, "art. 8.5");
  assert.match(over.reasoning, /3\.4× the average over 1 month, above the limit of 3×/);
  const under = proposeNextStep(
    nl,
    facts("x2com-nl", {
      category: "excessive_use",
      usage: { ratio: 2.5, periodMonths: 1, metric: "traffic" },
    }),
    NO_HISTORY,
  );
  assert.notEqual(under.rule, "x2com-nl-excessive-use");
});

test("X2com BE 13.8: block at once, notice of default, 5 working days, then termination", () => {
  const be = profile("x2com-be");
  const opened = at("2026-11-04T10:00");
  const f = (now: string, over: Partial<CaseFacts> = {}) =>
    facts("x2com-be", { category: "malware", serious: true, openedAt: opened, now: at(now), ...over });
  const own = (...steps: [string, string][]): CustomerHistory =>
    history({
      caseId: "case-now",
      category: "malware",
      kind: "abuse",
      openedAt: opened,
      actions: steps.map(([step, iso]) => ({ step: step as "block", at: at(iso) })),
    });

  const first = proposeNextStep(be, f("2026-11-04T10:05"), NO_HISTORY);
  assert.equal(first.step, "block");
  assert.equal(first.clause.article, "art. 13.8");
  assert.match(first.clause.quote, /onmiddellijk de toegang .* blokkeren/);

  const second = proposeNextStep(be, f("2026-11-04T10:30"), own(["block", "2026-11-04T10:10"]));
  assert.equal(second.step, "notice_of_default");
  assert.match(second.clause.quote, /in gebreke gesteld/);

  const sent = own(["block", "2026-11-04T10:10"], ["notice_of_default", "2026-11-05T09:00"]);
  const waiting = proposeNextStep(be, f("2026-11-13T18:00"), sent);
  assert.equal(waiting.step, "no_action");
  assert.equal(
    waiting.waiting_until?.toISOString(),
    DateTime.fromISO("2026-11-13T23:59:59.999", { zone: "Europe/Brussels" }).toJSDate().toISOString(),
  );
  assert.match(waiting.reasoning, /until the end of Friday 13 November 2026/);

  const due = proposeNextStep(be, f("2026-11-14T09:00"), sent);
  assert.equal(due.step, "terminate");
  assert.match(due.clause.quote, /vijf \(5\) werkdagen/);
  assert.equal(due.needs_approval, true);

  const complied = proposeNextStep(be, f("2026-11-14T09:00", { cooperating: true }), sent);
  assert.equal(complied.step, "no_action");
  assert.match(complied.reasoning, /not taken because the customer cooperates/);
});

test("X2com BE 13.10 fair use: written requests to use less, after three the profile is downgraded", () => {
  const be = profile("x2com-be");
  const usage = { ratio: 2.2, periodMonths: 1, metric: "traffic" as const };
  const request = proposeNextStep(
    be,
    facts("x2com-be", { category: "excessive_use", usage, fairUseRequests: 1 }),
    NO_HISTORY,
  );
  assert.equal(request.step, "warn");
  assert.equal(request.clause.article, "art. 13.10");
  assert.match(request.clause.quote, /verzocht zijn verbruik te verminderen/);
  assert.match(request.reasoning, /1 written fair-use request sent so far/);

  const downgrade = proposeNextStep(
    be,
    facts("x2com-be", { category: "excessive_use", usage, fairUseRequests: 3 }),
    NO_HISTORY,
  );
  assert.equal(downgrade.step, "downgrade");
  assert.match(downgrade.clause.quote, /drie \(3\) opeenvolgende schriftelijke verzoeken/);
});

test("X2com BE 10(i): more than five times the average is excessive use", () => {
  const p = proposeNextStep(
    profile("x2com-be"),
    facts("x2com-be", {
      category: "excessive_use",
      usage: { ratio: 6.2, periodMonths: 1, metric: "traffic" },
    }),
    NO_HISTORY,
  );
  assert.equal(p.rule, "x2com-be-excessive-use");
  assert.equal(p.basis?.article, "art. 10 i");
  assert.match(p.basis?.quote ?? "", /meer dan vijf \(5\) maal/);
  assert.equal(p.step, "warn");
});

test("X2com BE 11.2: call minutes above three times the average over 3 months: inform, then measures", () => {
  const be = profile("x2com-be");
  const calls = { ratio: 3.5, periodMonths: 3, metric: "call_minutes" as const };
  const p = proposeNextStep(be, facts("x2com-be", { category: "excessive_use", usage: calls }), NO_HISTORY);
  assert.equal(p.rule, "x2com-be-excessive-minutes");
  assert.equal(p.step, "warn");
  assert.equal(p.clause.article, "art. 11.2 c");
  assert.equal(p.basis?.article, "art. 11.2 a");
  const again = proposeNextStep(
    be,
    facts("x2com-be", { category: "excessive_use", usage: calls }),
    history(earlier("case-3", "excessive_use", "2026-02-01T10:00", ["warn"])),
  );
  assert.equal(again.step, "suspend");
  assert.equal(again.clause.article, "art. 11.2 e");
  // Two months are not enough for 11.2.
  const short = proposeNextStep(
    be,
    facts("x2com-be", { category: "excessive_use", usage: { ...calls, periodMonths: 2 } }),
    NO_HISTORY,
  );
  assert.notEqual(short.rule, "x2com-be-excessive-minutes");
});

test("X2com BE 19.7.6: an order to suspend is carried out", () => {
  const p = proposeNextStep(
    profile("x2com-be"),
    facts("x2com-be", { kind: "authority", category: "csam", requestedStep: "suspend" }),
    NO_HISTORY,
  );
  assert.equal(p.step, "suspend");
  assert.equal(p.clause.article, "art. 19.7.6");
});

test("X2com: authority orders have priority (§7); high-risk customers are asked to verify (§9), unverified ones follow the ladder", () => {
  const order = proposeNextStep(
    profile("x2com-nl"),
    facts("x2com-nl", { kind: "authority", category: "terrorist_content" }),
    NO_HISTORY,
  );
  assert.equal(order.step, "remove_content");
  assert.match(order.clause.article, /^§7/);
  const kyc = proposeNextStep(profile("x2com-nl"), facts("x2com-nl", { kycStatus: "high_risk" }), NO_HISTORY);
  assert.equal(kyc.step, "request_information");
  assert.match(kyc.clause.article, /^§9/);
  assert.match(kyc.reasoning, /KYC status is high-risk/);
  const unverified = proposeNextStep(
    profile("x2com-nl"),
    facts("x2com-nl", { kycStatus: "unverified" }),
    NO_HISTORY,
  );
  assert.notEqual(unverified.step, "request_information");
});

test("the engine refuses facts of another brand", () => {
  assert.throws(() => proposeNextStep(profile("extin"), facts("webxtra", {}), NO_HISTORY), PolicyEngineError);
});

test("every seed profile proposes a step with a clause for every category and kind", async () => {
  const { CATEGORY_IDS, KINDS } = await import("../taxonomy.ts");
  for (const p of profiles.values())
    for (const kind of KINDS)
      for (const category of CATEGORY_IDS) {
        const proposal = proposeNextStep(p, facts(p.brand, { kind, category }), NO_HISTORY);
        assert.ok(proposal.clause.quote.length > 10, `${p.brand} ${kind} ${category}`);
        assert.ok(proposal.reasoning.includes(proposal.rule));
      }
});
