/**
 * The MIME reader: splits a message into its parts, each with its own headers, and decodes their bodies.
 * The splitting is mailsplit's (Nodemailer's splitter, which keeps every part's headers): on the samples it
 * gives the same events as our former hand-written walker, it is twice as fast, and it stays bounded on the
 * hostile corpus (docs/hostile-input.md has the figures). Why not mailparser's simpleParser: it renders
 * attached messages into the body text and drops their headers, and those headers (the Received chain of
 * the offending message) are the evidence an abuse desk needs. What stays ours: the limits below, reading
 * "Name: value" blocks that are not MIME (ARF fields, pasted headers), and RFC 2047 decoding to one line.
 */
import type { Transform } from "node:stream";
import { Splitter } from "@zone-eu/mailsplit";
import { cleanText, decodeText, ReportFormatError } from "./common.ts";

export const MIME_LIMITS = {
  /** Deeper than this is not a real report; 500 nested multiparts must not cost us a stack. */
  maxDepth: 12,
  /** Parts in one message, attached messages included. */
  maxParts: 500,
  /** Whole message; bigger goes to triage unread. */
  maxBytes: 64 * 1024 * 1024,
  /**
   * The header block of one part (mailsplit counts every line as at least 64 bytes). This also bounds the
   * RFC 2231 continuations of a parameter (`name*0=…; name*1=…`): their cost follows the sections written,
   * never the section number (`name*100000000=x` is one section), and a block this size holds at most a
   * few thousand of them.
   */
  maxHeaderBytes: 256 * 1024,
  /** Bytes handed to the splitter at a time, with a turn of the event loop between them. */
  stepBytes: 1024 * 1024,
};

export interface HeaderField {
  /** Lower-case field name. */
  name: string;
  /** Unfolded raw value (latin1 bytes as chars). */
  value: string;
}

export interface MimePart {
  headers: HeaderField[];
  /** Lower-case media type, e.g. "text/plain"; "text/plain" when absent or unreadable. */
  contentType: string;
  /** The declared charset of a text part. */
  charset?: string;
  disposition?: string;
  filename?: string;
  /** Body with the transfer encoding removed (bytes). Empty for multiparts. */
  body: Buffer;
  children: MimePart[];
  depth: number;
}

export class Headers {
  constructor(readonly fields: HeaderField[]) {}
  /** First value of a field, decoded (RFC 2047) and on one line. */
  get(name: string): string | undefined {
    const f = this.fields.find((h) => h.name === name.toLowerCase());
    return f ? decodeHeaderValue(f.value) : undefined;
  }
  all(name: string): string[] {
    const n = name.toLowerCase();
    return this.fields.filter((h) => h.name === n).map((h) => decodeHeaderValue(h.value));
  }
  has(name: string): boolean {
    const n = name.toLowerCase();
    return this.fields.some((h) => h.name === n);
  }
}

/** Splits a header block ("Name: value" lines with folding) into fields. Tolerates junk lines. */
export function parseHeaderBlock(block: string): HeaderField[] {
  const fields: HeaderField[] = [];
  const lines = block.split(/\r?\n/);
  for (const line of lines) {
    if (/^[ \t]/.test(line) && fields.length > 0) {
      const last = fields[fields.length - 1]!;
      last.value += ` ${line.trim()}`;
      continue;
    }
    const m = /^([!-9;-~]+)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (m) fields.push({ name: m[1]!.toLowerCase(), value: m[2]!.trim() });
  }
  return fields;
}

/** Splits raw message text (latin1) at the first empty line into headers and body. */
export function splitMessage(raw: string): { head: string; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) {
    // No empty line: all header if it looks like headers, else all body.
    return /^[!-9;-~]+:/.test(raw) ? { head: raw, body: "" } : { head: "", body: raw };
  }
  return { head: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) };
}

/** Decodes RFC 2047 encoded words and the raw 8-bit some senders put in headers; one line, no controls. */
export function decodeHeaderValue(raw: string): string {
  const bytes = Buffer.from(raw, "latin1");
  let s = /[\x80-\xff]/.test(raw) ? decodeText(bytes) : raw;
  s = s.replace(/\?=\s+=\?/g, "?==?");
  s = s.replace(
    /=\?([^?\s]+)\?([bq])\?([^?\s]*)\?=/gi,
    (whole, charset: string, enc: string, text: string) => {
      try {
        const buf =
          enc.toLowerCase() === "b"
            ? Buffer.from(text, "base64")
            : Buffer.from(
                text
                  .replace(/_/g, " ")
                  .replace(/=([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
                "latin1",
              );
        return decodeText(buf, charset.replace(/\*.*$/, ""));
      } catch {
        return whole;
      }
    },
  );
  return cleanText(s.replace(/[\r\n]+/g, " ")).trim();
}

function decodeTransfer(body: Buffer, encoding: string | false): Buffer {
  switch ((encoding || "").trim().toLowerCase()) {
    case "base64":
      // Node's decoder skips what is not base64 (line ends, junk), as mail clients do.
      return Buffer.from(body.toString("latin1"), "base64");
    case "quoted-printable":
      return Buffer.from(
        body
          .toString("latin1")
          .replace(/=\r?\n/g, "")
          .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        "latin1",
      );
    default:
      return body;
  }
}

/** Waits for the next turn of the event loop: a large message never holds the process for long. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** mailsplit's view of a part (the fields we read). */
interface SplitNode {
  type: "node";
  parentNode: SplitNode | false;
  multipart: string | false;
  encoding: string | false;
  contentType: string | false;
  charset: string | false;
  disposition: string | false;
  filename: string | false;
  getHeaders(): Buffer;
}
type SplitChunk = SplitNode | { type: "body" | "data"; node: SplitNode; value: Buffer };

interface Building {
  part: MimePart;
  node: SplitNode;
  chunks: Buffer[];
}

interface ReadState {
  parts: number;
  pause: () => Promise<void>;
}

/**
 * Reads a whole message into its tree of parts. Throws ReportFormatError on hostile shape (too deep, too
 * many parts, a header block too large). `pause` runs between steps of `MIME_LIMITS.stepBytes`.
 */
export async function readMime(raw: Buffer, pause: () => Promise<void> = nextTurn): Promise<MimePart> {
  if (raw.length > MIME_LIMITS.maxBytes) {
    throw new ReportFormatError(`message is larger than ${MIME_LIMITS.maxBytes / 1024 / 1024} MB`);
  }
  return readTree(raw, 0, { parts: 0, pause });
}

async function readTree(raw: Buffer, depth: number, state: ReadState): Promise<MimePart> {
  const splitter = new Splitter({
    ignoreEmbedded: true,
    maxHeadSize: MIME_LIMITS.maxHeaderBytes,
    maxChildNodes: MIME_LIMITS.maxParts + 1,
  });
  const stream = splitter as unknown as Transform; // its typings name only the "data" event
  const built = new Map<SplitNode, Building>();
  let root: Building | undefined;
  let refused: Error | undefined;
  const take = (chunk: SplitChunk) => {
    if (chunk.type !== "node") {
      // Body of a leaf; for a multipart, what lies between its parts (read when it has no parts at all).
      built.get(chunk.node)?.chunks.push(chunk.value);
      return;
    }
    const parent = chunk.parentNode ? built.get(chunk.parentNode) : undefined;
    const at = parent ? parent.part.depth + 1 : depth;
    if (at > MIME_LIMITS.maxDepth) {
      throw new ReportFormatError(`MIME structure is nested deeper than ${MIME_LIMITS.maxDepth} levels`);
    }
    if (++state.parts > MIME_LIMITS.maxParts) {
      throw new ReportFormatError(`message has more than ${MIME_LIMITS.maxParts} MIME parts`);
    }
    const type = (chunk.contentType || "").toLowerCase();
    const part: MimePart = {
      headers: parseHeaderBlock(chunk.getHeaders().toString("latin1")),
      contentType: /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : "text/plain",
      body: EMPTY,
      children: [],
      depth: at,
    };
    if (chunk.charset) part.charset = chunk.charset;
    if (chunk.disposition) part.disposition = chunk.disposition;
    if (chunk.filename) part.filename = cleanText(chunk.filename).slice(0, 255) || undefined;
    const b: Building = { part, node: chunk, chunks: [] };
    built.set(chunk, b);
    if (parent) parent.part.children.push(part);
    else root ??= b;
  };
  const ended = new Promise<void>((resolve, reject) => {
    splitter.on("data", (chunk: SplitChunk) => {
      if (refused) return;
      try {
        take(chunk);
      } catch (err) {
        refused = err as Error;
      }
    });
    stream.once("end", resolve);
    stream.once("error", reject);
  });
  ended.catch(() => {}); // read below; a refusal may leave it unsettled
  try {
    for (let at = 0; at < raw.length && !refused; at += MIME_LIMITS.stepBytes) {
      if (!splitter.write(raw.subarray(at, at + MIME_LIMITS.stepBytes))) {
        await Promise.race([new Promise((resolve) => stream.once("drain", resolve)), ended]);
      }
      await state.pause();
    }
    if (!refused) {
      splitter.end();
      await ended;
    }
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (/child nodes/i.test(message)) {
      throw new ReportFormatError(`message has more than ${MIME_LIMITS.maxParts} MIME parts`);
    }
    if ((err as { code?: string }).code === "EMAXLEN") {
      throw new ReportFormatError(
        `a MIME part's header block is larger than ${MIME_LIMITS.maxHeaderBytes / 1024} KB`,
      );
    }
    throw new ReportFormatError(`the MIME structure cannot be read: ${message.slice(0, 200)}`);
  } finally {
    if (refused) splitter.destroy();
  }
  if (refused) throw refused;
  if (!root) throw new ReportFormatError("the message has no header block");
  for (const { part, node, chunks } of built.values()) {
    const content = Buffer.concat(chunks);
    if (node.multipart && part.children.length > 0) continue;
    if (part.contentType.startsWith("multipart/")) {
      // A multipart without its boundary, or whose boundary never comes: read the body as text rather
      // than lose it.
      part.contentType = "text/plain";
    }
    part.body = decodeTransfer(content, node.encoding);
    if (part.contentType === "message/rfc822" || part.contentType === "message/global") {
      part.children.push(await readTree(part.body, part.depth + 1, state));
    }
  }
  return root.part;
}

const EMPTY = Buffer.alloc(0);

/** Every part, depth first, including parts inside attached messages. */
export function* walk(part: MimePart): Generator<MimePart> {
  yield part;
  for (const c of part.children) yield* walk(c);
}

/** The decoded text of a text part, in its declared charset (or a good guess). */
export function partText(part: MimePart): string {
  return cleanText(decodeText(part.body, part.charset));
}

export function headersOf(part: MimePart): Headers {
  return new Headers(part.headers);
}

/** Does the raw input look like an RFC 5322 message (a header block with typical fields)? */
export function looksLikeMail(raw: string): boolean {
  const head = raw.slice(0, 64 * 1024);
  const { head: block } = splitMessage(head.replace(/^From \S+.*\r?\n/, ""));
  const names = new Set(parseHeaderBlock(block).map((f) => f.name));
  const typical = [
    "from",
    "to",
    "subject",
    "date",
    "received",
    "message-id",
    "mime-version",
    "content-type",
    "return-path",
  ];
  return typical.filter((n) => names.has(n)).length >= 2;
}
