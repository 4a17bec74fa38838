/**
 * Recognising what comes back (pure): a reply to one of our messages (by In-Reply-To / References, or by
 * the case reference in its subject), an automatic reply, and a delivery status notification (RFC 3464)
 * about a message we sent. The store decides what to do with it; this file only reads mail.
 */
import { randomBytes } from "node:crypto";
import { normalizeMessageId } from "../intake/envelope.ts";
import {
  Headers,
  headersOf,
  type MimePart,
  parseHeaderBlock,
  readMime,
  splitMessage,
  walk,
} from "../parsers/mime.ts";

/** Message-IDs read from In-Reply-To and References; more is not a real reply chain. */
export const MAX_REFERENCES = 50;
/** The text of a reply kept on its message (the whole mail stays in its report). */
export const MAX_REPLY_TEXT = 64 * 1024;
/** Bytes of a mail's head read to recognise it before it is parsed. */
export const HEAD_BYTES = 64 * 1024;

/** A Message-ID that is ours: random, so that nobody can guess one to slip a message into a case. */
export function newMessageId(domain: string): string {
  const host = /^[a-z0-9.-]{1,200}$/i.test(domain) ? domain.toLowerCase() : "abusedesk.invalid";
  return `abusedesk.${randomBytes(16).toString("hex")}@${host}`;
}

/** The top-level headers of a mail, without parsing its body. */
export function mailHead(raw: Buffer): Headers {
  const start = raw.subarray(0, HEAD_BYTES).toString("latin1");
  return new Headers(parseHeaderBlock(splitMessage(start).head));
}

/** Message-IDs this mail answers (In-Reply-To first, then References from the newest), without brackets. */
export function referencedIds(h: Headers): string[] {
  const out: string[] = [];
  const add = (value: string | undefined) => {
    if (!value) return;
    const ids = [...value.matchAll(/<([^<>\s]{1,250})>/g)].map((m) => m[1]!);
    if (ids.length === 0) {
      const one = normalizeMessageId(value);
      if (one) ids.push(one);
    }
    for (const id of ids.reverse()) if (!out.includes(id) && out.length < MAX_REFERENCES) out.push(id);
  };
  add(h.get("in-reply-to"));
  add(h.get("references"));
  return out;
}

/** "[Extin abuse #123] Re: …" → { reference: "Extin abuse", caseId: 123 }. */
export function subjectReference(
  subject: string | undefined,
): { reference: string; caseId: number } | undefined {
  if (!subject) return undefined;
  const m = /\[([^[\]#\r\n]{1,60}) #(\d{1,15})\]/.exec(subject);
  if (!m) return undefined;
  const caseId = Number(m[2]);
  return Number.isSafeInteger(caseId) && caseId > 0 ? { reference: m[1]!.trim(), caseId } : undefined;
}

/**
 * An automatic reply (RFC 3834 Auto-Submitted, vacation responders, list traffic): threaded into its case,
 * but it neither counts as an answer nor gets one.
 */
export function isAutomatic(h: Headers): boolean {
  const auto = h.get("auto-submitted")?.trim().toLowerCase();
  if (auto && auto !== "no") return true;
  if (/^(bulk|junk|list|auto_reply)$/i.test(h.get("precedence")?.trim() ?? "")) return true;
  if (h.has("x-autoreply") || h.has("x-autorespond") || h.has("list-id")) return true;
  return /^(auto(matic)? ?(reply|response|antwoord)|out of (the )?office|afwezig|absent)/i.test(
    h.get("subject")?.trim() ?? "",
  );
}

/** One recipient's fate in a DSN. */
export interface DsnRecipient {
  recipient: string | null;
  action: string;
  status: string | null;
  diagnostic: string | null;
}

export interface DeliveryStatus {
  /** The Message-ID of the message it is about (from the returned message or headers). */
  originalMessageId: string | null;
  /** ENVID given with the message (Original-Envelope-Id). */
  envelopeId: string | null;
  recipients: DsnRecipient[];
  /** Every recipient failed: the message did not arrive. */
  failed: boolean;
}

export function isDeliveryReport(h: Headers): boolean {
  const ct = h.get("content-type") ?? "";
  return /^\s*multipart\/report\b/i.test(ct) && /report-type\s*=\s*"?delivery-status"?/i.test(ct);
}

const field = (block: Headers, name: string) => block.get(name)?.trim() || null;

/** Reads an RFC 3464 delivery status notification; undefined when the mail is not one. */
export async function readDeliveryStatus(raw: Buffer): Promise<DeliveryStatus | undefined> {
  const head = mailHead(raw);
  if (!isDeliveryReport(head)) return undefined;
  let root: MimePart;
  try {
    root = await readMime(raw);
  } catch {
    return undefined;
  }
  let status: MimePart | undefined;
  let original: Headers | undefined;
  for (const p of walk(root)) {
    if (p.contentType === "message/delivery-status" || p.contentType === "message/global-delivery-status")
      status ??= p;
    else if ((p.contentType === "message/rfc822" || p.contentType === "message/global") && p.children[0])
      original ??= headersOf(p.children[0]);
    else if (p.contentType === "text/rfc822-headers" || p.contentType === "message/rfc822-headers")
      original ??= new Headers(
        parseHeaderBlock(splitMessage(p.body.toString("latin1")).head || p.body.toString("latin1")),
      );
  }
  if (!status) return undefined;
  const blocks = status.body
    .toString("latin1")
    .split(/\r?\n\s*\r?\n/)
    .map((b) => new Headers(parseHeaderBlock(b.trim())))
    .filter((b) => b.fields.length > 0)
    .slice(0, 101);
  const perMessage = blocks[0];
  const recipients: DsnRecipient[] = blocks
    .slice(1)
    .filter((b) => b.has("action"))
    .map((b) => ({
      recipient:
        (field(b, "final-recipient") ?? field(b, "original-recipient"))?.replace(/^rfc822;\s*/i, "") ?? null,
      action: (field(b, "action") ?? "").toLowerCase(),
      status: field(b, "status"),
      diagnostic: field(b, "diagnostic-code")?.slice(0, 500) ?? null,
    }));
  return {
    originalMessageId: normalizeMessageId(original?.get("message-id")) ?? null,
    envelopeId: perMessage ? field(perMessage, "original-envelope-id") : null,
    recipients,
    failed: recipients.length > 0 && recipients.every((r) => r.action === "failed"),
  };
}
