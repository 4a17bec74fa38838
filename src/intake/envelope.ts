/**
 * What a door can tell about a report before it is parsed: the Message-ID and Subject of a mail (so that
 * `?message_id=` finds it while it is still being processed), and the kind of file from its name.
 */
import { Headers, looksLikeMail, parseHeaderBlock, splitMessage } from "../parsers/mime.ts";

const HEAD_BYTES = 64 * 1024;

/** Message-ID (without angle brackets) and Subject on one line; nothing for what is not a mail. */
export function mailHeadersOf(
  raw: Buffer,
  contentType?: string | null,
): { messageId?: string; subject?: string } {
  const start = raw.subarray(0, HEAD_BYTES).toString("latin1");
  if (!/^message\//i.test(contentType ?? "") && !looksLikeMail(start)) return {};
  const headers = new Headers(parseHeaderBlock(splitMessage(start).head));
  const out: { messageId?: string; subject?: string } = {};
  const messageId = normalizeMessageId(headers.get("message-id"));
  if (messageId) out.messageId = messageId;
  const subject = headers.get("subject");
  // Decoded words may hide CR/LF ("header injection"): a subject is one line of text.
  if (subject !== undefined) out.subject = oneLine(subject).slice(0, 998);
  return out;
}

/** "<abc@example.org>" and "abc@example.org" are the same Message-ID. */
export function normalizeMessageId(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const m = /<([^<>\s]+)>/.exec(value);
  const id = oneLine(m ? m[1]! : value.trim()).slice(0, 250);
  return id || undefined;
}

function oneLine(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export type FileKind = "mail" | "mbox" | "csv" | "zip" | "json" | "other";

/** The kind of a file from its name, and from its first bytes where the name does not say. */
export function fileKindOf(name: string, head: Buffer): FileKind {
  const lower = name.toLowerCase();
  if (/\.(eml|msg)$/.test(lower)) return "mail";
  if (/\.mbox$/.test(lower) || /(^|\/)mbox$/.test(lower)) return "mbox";
  if (/\.csv$/.test(lower)) return "csv";
  if (/\.zip$/.test(lower)) return "zip";
  if (/\.json$/.test(lower)) return "json";
  if (head.subarray(0, 5).toString("latin1") === "From ") return "mbox";
  return "other";
}

/**
 * Splits an mbox (mboxrd/mboxo) into its messages: a message starts at a line "From " after an empty line
 * (or at the start); ">From " quoting in the body is undone.
 */
export function splitMbox(data: Buffer): Buffer[] {
  const text = data.toString("latin1");
  const starts: number[] = [];
  const re = /(?:^|\n)From [^\n]*\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = m.index + (m[0].startsWith("\n") ? 1 : 0);
    // mboxo/mboxrd: a separator follows an empty line, or starts the file.
    if (at === 0 || text.slice(Math.max(0, at - 2), at) === "\n\n" || text.slice(at - 3, at) === "\n\r\n")
      starts.push(at);
  }
  const out: Buffer[] = [];
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i]!;
    const to = starts[i + 1] ?? text.length;
    let msg = text.slice(text.indexOf("\n", from) + 1, to);
    // The empty line before the next separator belongs to the mbox, not to the message.
    if (i + 1 < starts.length) msg = msg.replace(/\r?\n$/, "");
    msg = msg.replace(/^>(>*From )/gm, "$1");
    if (msg.trim()) out.push(Buffer.from(msg, "latin1"));
  }
  return out;
}
