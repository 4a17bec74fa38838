/**
 * What a connector receives (ARCHITECTURE.md "Webhook connector call"), built once when the call is made
 * and stored, so that every attempt sends the very same bytes with the same idempotency key. Pure.
 */
import { createHmac } from "node:crypto";
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import type { Step } from "../policy/steps.ts";

export type SubjectKind = "ip" | "url" | "domain" | "email" | "phone";

export interface CallSubject {
  kind: SubjectKind;
  value: string;
}

export interface CallPayload {
  /** The idempotency key: the same on every attempt of this call. */
  id: string;
  action_id: number;
  case_id: number;
  brand: string;
  step: Step;
  /** true: undo the step (restore, unblock, reinstate) that an earlier call with `undo: false` did. */
  undo: boolean;
  customer: { id: string; name: string } | null;
  subjects: CallSubject[];
  /** How many subjects the case has; more than `subjects` holds when over MAX_CALL_SUBJECTS. */
  subjects_total: number;
  params: Record<string, unknown>;
  clause: { document: string; article: string; quote: string } | null;
  requested_by: string;
  approved_by: string | null;
  /** Why (for an undo: why it is undone). */
  reason: string | null;
  /** The authority order that demanded the step, if any. */
  order: { id: number; authority: string; reference: string; legal_basis: string } | null;
}

/** At most this many subjects go in one call; `subjects_total` says how many there are. */
export const MAX_CALL_SUBJECTS = 1000;

export interface PayloadInput {
  key: string;
  undo: boolean;
  action: {
    id: number;
    case_id: number;
    step: Step;
    params: unknown;
    clause: CallPayload["clause"];
    requested_by: string;
    approved_by: string | null;
    reason: string | null;
  };
  brand: string;
  customer: CallPayload["customer"];
  /** The case's subjects (the first MAX_CALL_SUBJECTS + 1 are enough) and how many it has. */
  subjects: readonly CallSubject[];
  subjectCount: number;
  order: CallPayload["order"];
  /** For an undo: who asked and why. */
  undoBy?: { name: string; reason: string | null };
}

/** The call's JSON. `params.subjects` (a list of strings) narrows the measure to those subjects. */
export function buildPayload(input: PayloadInput): CallPayload {
  const params = isRecord(input.action.params) ? input.action.params : {};
  const named = Array.isArray(params.subjects)
    ? params.subjects
        .slice(0, MAX_CALL_SUBJECTS + 1)
        .filter((s): s is string => typeof s === "string")
        .map(classifySubject)
        .filter((s): s is CallSubject => s !== undefined)
    : undefined;
  const all = named ?? input.subjects;
  const total = named ? named.length : Math.max(input.subjectCount, input.subjects.length);
  return {
    id: input.key,
    action_id: input.action.id,
    case_id: input.action.case_id,
    brand: input.brand,
    step: input.action.step,
    undo: input.undo,
    customer: input.customer,
    subjects: all.slice(0, MAX_CALL_SUBJECTS).map((s) => ({ kind: s.kind, value: s.value })),
    subjects_total: total,
    params,
    clause: input.action.clause,
    requested_by: input.undoBy?.name ?? input.action.requested_by,
    approved_by: input.undoBy ? null : input.action.approved_by,
    reason: input.undoBy ? input.undoBy.reason : input.action.reason,
    order: input.order,
  };
}

/** `sha256=<hex HMAC-SHA256 of the body>` (the X-Abusedesk-Signature header). */
export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

const WEB_SCHEMES = ["http:", "https:", "ftp:"];

const HOSTNAME =
  /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A domain name in lower-case ASCII (IDN as punycode), or undefined when it is not one. */
export function normaliseDomain(text: string): string | undefined {
  const ascii = domainToASCII(text.trim().replace(/\.$/, "").toLowerCase());
  return ascii && HOSTNAME.test(ascii) ? ascii : undefined;
}

/** What a subject written by a person is: an address, a URL, a domain, an e-mail address or a phone number. */
export function classifySubject(text: string): CallSubject | undefined {
  const s = text.trim();
  if (s.length === 0 || s.length > 2048) return undefined;
  if (isIP(s)) return { kind: "ip", value: s.toLowerCase() };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    try {
      const url = new URL(s);
      return url.hostname && WEB_SCHEMES.includes(url.protocol)
        ? { kind: "url", value: url.href }
        : undefined;
    } catch {
      return undefined;
    }
  }
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) return { kind: "email", value: s.toLowerCase() };
  const phone = s.replace(/[\s().-]/g, "");
  if (/^\+[0-9]{6,15}$/.test(phone)) return { kind: "phone", value: phone };
  const domain = normaliseDomain(s);
  return domain ? { kind: "domain", value: domain } : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
