/**
 * Who gets what (SPEC C8), in one place and pure: which step sends the customer which template, which
 * reporter gets an acknowledgement, whether a message may go to a party at all (an authority's gag), and
 * whether a person's text names someone it must not.
 */
import { fail, ok, type Result } from "../errors.ts";
import type { Headers } from "../parsers/mime.ts";
import type { MessagesPolicy, PolicyProfile } from "../policy/schema.ts";
import type { Step } from "../policy/steps.ts";
import { type Identity, identityMarks } from "./compose.ts";
import { isAutomatic } from "./threading.ts";

/** The customer's message when a step is taken, unless the profile names another (or `none`). */
export const DEFAULT_STEP_TEMPLATES: Readonly<Record<Step, string | null>> = {
  warn: "notice",
  request_information: "request_information",
  notice_of_default: "notice_of_default",
  suspend: "decision",
  block: "decision",
  remove_content: "decision",
  downgrade: "decision",
  terminate: "decision",
  refer_to_authority: null,
  provide_data: null,
  no_action: null,
};

/** The deadline a customer's step message is about, by step (shown as its term). */
export const STEP_DEADLINES: Readonly<Partial<Record<Step, readonly string[]>>> = {
  request_information: ["ntd_customer_reaction"],
  notice_of_default: ["notice_of_default_compliance"],
  terminate: [],
};

/** The template the customer gets for `step` under this profile; null for none. */
export function stepTemplate(profile: PolicyProfile | undefined, step: Step): string | null {
  const named = profile?.messages.templates[step];
  if (named === "none") return null;
  return named ?? DEFAULT_STEP_TEMPLATES[step];
}

/** Whether this brand passes the reporter's identity to the customer. `with_consent` needs a consent we do not record yet. */
export function reporterIdentityAllowed(profile: PolicyProfile | undefined): boolean {
  return profile?.reporter_identity.pass_to_customer === "always";
}

/** The case reference words of a brand: "[Extin abuse #123]". */
export function referenceWords(profile: PolicyProfile | undefined, brandName: string): string {
  return profile?.messages.reference ?? `${profile?.name ?? brandName} abuse`;
}

/** No message of any kind goes to the customer of a gagged case (an authority's order forbids it). */
export function mayWriteToCustomer(kase: { id: number; gag: boolean }): Result<true> {
  if (kase.gag)
    return fail(
      409,
      `case ${kase.id} is under an authority's order that forbids telling the customer (gag); no message may go to the customer while it holds`,
    );
  return ok(true);
}

export interface ReportForAcknowledgement {
  channel: string;
  state: string;
  format: string | null;
  reporterEmail: string | null;
  reporterKind: string | null;
  /** The brand's own addresses: never acknowledged (a loop). */
  ownAddresses: readonly string[];
  headers: Headers | null;
}

const MACHINE_SENDER =
  /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?|notifications?|autoreply|auto-reply)([+.@-]|$)/i;

function matches(address: string, patterns: readonly string[]): boolean {
  const a = address.toLowerCase();
  const domain = a.slice(a.lastIndexOf("@"));
  return patterns.some((p) => (p.startsWith("@") ? domain === p || a.endsWith(p) : a === p));
}

/**
 * Whether the reporter of a processed report gets an acknowledgement: people who write to the abuse
 * address do; feeds, feedback loops, machines and automatic mail do not (RFC 3834). The profile's
 * `messages.acknowledge` names formats and reporters; `never` wins over `always`, which wins over formats.
 */
export function acknowledgementFor(
  r: ReportForAcknowledgement,
  rules: MessagesPolicy["acknowledge"],
): { acknowledge: true; to: string } | { acknowledge: false; reason: string } {
  if (r.channel !== "smtp" && r.channel !== "imap" && r.channel !== "form")
    return { acknowledge: false, reason: `received through ${r.channel}, not written to the abuse address` };
  const to = r.reporterEmail?.trim().toLowerCase();
  if (!to || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to))
    return { acknowledge: false, reason: "no reporter address" };
  if (r.ownAddresses.includes(to))
    return { acknowledge: false, reason: "written by one of our own addresses" };
  if (matches(to, rules.never))
    return { acknowledge: false, reason: "the profile says never to this reporter" };
  if (r.headers && isAutomatic(r.headers))
    return { acknowledge: false, reason: "automatic mail (Auto-Submitted, list or vacation reply)" };
  if (MACHINE_SENDER.test(to)) return { acknowledge: false, reason: "a machine's address" };
  if (matches(to, rules.always)) return { acknowledge: true, to };
  if (r.reporterKind === "feed") return { acknowledge: false, reason: "a feed" };
  if (r.state === "triage") return { acknowledge: true, to };
  if (r.format && rules.formats.includes(r.format)) return { acknowledge: true, to };
  return { acknowledge: false, reason: `format ${r.format ?? "unknown"} is a feed or feedback loop` };
}

/** A person's text to the customer must not name the reporter (unless the profile allows it). */
export function checkTextForCustomer(
  text: string,
  reporters: readonly Identity[],
  allowed: boolean,
): Result<true> {
  if (allowed) return ok(true);
  const lower = text.toLowerCase();
  const hit = identityMarks(reporters).find((m) => lower.includes(m));
  if (hit)
    return fail(
      422,
      `the message names the reporter ("${hit}"); this brand does not pass the reporter's identity to the customer, so take it out`,
    );
  return ok(true);
}

/** A person's text to the reporter must not name the customer. */
export function checkTextForReporter(
  text: string,
  customer: { id: string; name: string; contactEmails: readonly string[] } | null,
): Result<true> {
  if (!customer) return ok(true);
  const lower = text.toLowerCase();
  const marks = [customer.name, customer.id, ...customer.contactEmails]
    .map((m) => m.trim().toLowerCase())
    .filter((m) => m.length >= 3);
  const hit = marks.find((m) => lower.includes(m));
  if (hit)
    return fail(
      422,
      `the message names the customer ("${hit}"); the customer's identity never goes to the reporter, so take it out`,
    );
  return ok(true);
}
