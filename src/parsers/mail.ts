/**
 * A report that arrived as e-mail, read once and shared by every mail-borne format: top-level headers,
 * the reporter, the human text, attachments, and the Received-chain logic that finds the sending host.
 */
import { displayNameOf, emailOf, htmlToText, isPrivate, normalizeIp, oneLine, parseDate } from "./common.ts";
import {
  type Headers,
  headersOf,
  type MimePart,
  nextTurn,
  parseHeaderBlock,
  partText,
  readMime,
  splitMessage,
} from "./mime.ts";
import type { Reporter } from "./types.ts";

export interface Mail {
  root: MimePart;
  headers: Headers;
  subject: string;
  date: Date | null;
  messageId?: string;
  /** The human-readable body: first inline text/plain, or the first HTML part stripped to text. */
  text: string;
  /** Every part that is not a multipart container, depth first. */
  leaves: MimePart[];
}

export async function readMail(raw: Buffer, pause: () => Promise<void> = nextTurn): Promise<Mail> {
  const root = await readMime(raw, pause);
  const headers = headersOf(root);
  const leaves = [...walkOwn(root)].filter((p) => !p.contentType.startsWith("multipart/"));
  return {
    root,
    headers,
    subject: oneLine(headers.get("subject") ?? ""),
    date: parseDate(headers.get("date")),
    messageId: messageIdOf(headers.get("message-id")),
    text: bodyText(root),
    leaves,
  };
}

/** Parts of this message only: does not descend into attached messages (their text is evidence, not ours). */
export function* walkOwn(part: MimePart): Generator<MimePart> {
  yield part;
  if (part.contentType === "message/rfc822" || part.contentType === "message/global") return;
  for (const c of part.children) yield* walkOwn(c);
}

function messageIdOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /<([^<>\s]+)>/.exec(value);
  const id = oneLine(m ? m[1]! : value.trim(), 250);
  return id || undefined;
}

function isAttachment(p: MimePart): boolean {
  return p.disposition === "attachment" || (p.filename !== undefined && p.disposition !== "inline");
}

function bodyText(root: MimePart): string {
  const own = [...walkOwn(root)];
  const plain = own.find((p) => p.contentType === "text/plain" && !isAttachment(p));
  if (plain) return partText(plain);
  const html = own.find((p) => p.contentType === "text/html" && !isAttachment(p));
  if (html) return htmlToText(partText(html));
  return "";
}

/**
 * The reporter of a mail. Mailing-list relays (Google Groups "X via abuse") rewrite From: the original
 * sender survives in X-Original-From / X-Original-Sender or Reply-To.
 */
export function reporterOfMail(mail: Mail): Reporter {
  const h = mail.headers;
  const from = h.get("from");
  const original = h.get("x-original-from") ?? h.get("x-original-sender");
  const relayed = / via /i.test(displayNameOf(from) ?? "");
  const source = original ?? (relayed ? (h.get("reply-to") ?? from) : from);
  const reporter: Reporter = {};
  const email = emailOf(source);
  if (email) reporter.email = email;
  const name = displayNameOf(source)?.replace(/^'(.*)' via .*$/, "$1");
  if (name) reporter.name = name;
  return reporter;
}

/** Every address domain of the reporter side (From, Reply-To, Sender, originals): never an abuse subject. */
export function reporterDomains(mail: Mail): string[] {
  const h = mail.headers;
  const out = new Set<string>();
  for (const field of ["from", "reply-to", "sender", "x-original-from", "x-original-sender", "return-path"]) {
    for (const v of h.all(field)) {
      const e = emailOf(v);
      const d = e?.split("@")[1];
      if (d) out.add(d);
    }
  }
  return [...out];
}

/** Headers of an attached or pasted original message (message/rfc822 or text/rfc822-headers part). */
export interface OriginalMessage {
  headers: Headers;
  /** Raw header block, kept as evidence. */
  headerText: string;
  /** True when the part had the whole message (headers + body), not just headers. */
  complete: boolean;
}

export function originalMessageOf(mail: Mail): OriginalMessage | undefined {
  for (const p of mail.leaves) {
    if (p.contentType === "message/rfc822" || p.contentType === "message/global") {
      const inner = p.children[0];
      if (!inner) continue;
      const raw = p.body.toString("latin1");
      return { headers: headersOf(inner), headerText: splitMessage(raw).head, complete: true };
    }
    if (/^text\/rfc822-headers?$/.test(p.contentType) || p.contentType === "message/rfc822-headers") {
      const raw = p.body.toString("latin1");
      const head = splitMessage(raw).head || raw;
      return {
        headers: headersOf({ ...p, headers: parseHeaderBlock(head) }),
        headerText: head,
        complete: false,
      };
    }
  }
  return undefined;
}

/**
 * The connecting IP of one Received line's "from" clause: "from host (host [192.0.2.1]) by ...",
 * "from [192.0.2.3] ([192.0.2.3])", "from host (HELO x) (192.0.2.9)". Bracketed addresses win.
 */
export function receivedFromIp(received: string): string | undefined {
  const m = /^\s*from\s+([\s\S]*?)(?:\s+by\s+|;|$)/i.exec(received);
  if (!m) return undefined;
  const clause = m[1]!;
  const candidates = [
    ...[...clause.matchAll(/\[(?:IPv6:)?([0-9a-fA-F:.]+)\]/g)].map((x) => x[1]!),
    ...[...clause.matchAll(/\(([0-9a-fA-F:.]+)\)/g)].map((x) => x[1]!),
    ...[...clause.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})\b/g)].map((x) => x[1]!),
  ];
  for (const c of candidates.reverse()) {
    const ip = normalizeIp(c);
    if (ip) return ip;
  }
  return undefined;
}

/**
 * The sending host of an original message: the first Received line (newest first) whose connecting IP
 * is on the public internet. Private hops are the recipient's own relays. X-Originating-IP is the
 * webmail fallback.
 */
export function sendingIpOf(headers: Headers): { ip: string; received?: string } | undefined {
  for (const r of headers.all("received")) {
    const ip = receivedFromIp(r);
    if (ip && !isPrivate(ip)) return { ip, received: r };
  }
  const originating = normalizeIp(headers.get("x-originating-ip"));
  if (originating && !isPrivate(originating)) return { ip: originating };
  return undefined;
}
