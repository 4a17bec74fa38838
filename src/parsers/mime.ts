/**
 * A small, bounded MIME reader. Why not only mailparser's simpleParser: it renders inline message/rfc822
 * parts into the body text and drops their headers, and those headers (the Received chain of the offending
 * message) are the evidence an abuse desk needs. It also has no nesting limit. This walker keeps every part
 * with its own headers, decodes transfer encodings, and refuses hostile structure with a clear reason.
 * It works on latin1 strings (one char per byte) so that no byte is lost before the charset is known.
 */
import { cleanText, decodeText, ReportFormatError } from "./common.ts";

export const MIME_LIMITS = {
  /** Deeper than this is not a real report; 500 nested multiparts must not cost us a stack. */
  maxDepth: 12,
  maxParts: 500,
  /** Whole message; bigger goes to triage unread. */
  maxBytes: 64 * 1024 * 1024,
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
  params: Record<string, string>;
  disposition?: string;
  filename?: string;
  /** Body with the transfer encoding removed (bytes). For multiparts: the preamble only. */
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

/** Parses `type/subtype; a=b; c="d"` including RFC 2231 continuations (filename*0=, filename*1=). */
export function parseParams(value: string): { value: string; params: Record<string, string> } {
  const parts = splitOutsideQuotes(value, ";");
  const main = (parts.shift() ?? "").trim().toLowerCase();
  const params: Record<string, string> = {};
  const continued: Record<string, string[]> = {};
  for (const p of parts) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    let key = p.slice(0, eq).trim().toLowerCase();
    let val = p.slice(eq + 1).trim();
    if (val.startsWith('"')) val = val.slice(1, val.endsWith('"') ? -1 : undefined).replace(/\\(.)/g, "$1");
    const cont = /^(.+?)\*(\d+)\*?$/.exec(key);
    if (cont) {
      const list = continued[cont[1]!] ?? [];
      list[Number(cont[2])] = val;
      continued[cont[1]!] = list;
      continue;
    }
    if (key.endsWith("*")) {
      key = key.slice(0, -1);
      val = decode2231(val);
    }
    if (!(key in params)) params[key] = val;
  }
  for (const [key, list] of Object.entries(continued)) {
    if (!(key in params)) params[key] = decode2231(list.filter((v) => v !== undefined).join(""));
  }
  return { value: main, params };
}

function decode2231(v: string): string {
  const m = /^([^']*)'[^']*'(.*)$/.exec(v);
  if (!m) return v;
  try {
    const bytes = Buffer.from(
      m[2]!.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      "latin1",
    );
    return decodeText(bytes, m[1]);
  } catch {
    return v;
  }
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"' && s[i - 1] !== "\\") quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
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

function decodeTransfer(body: string, encoding: string): Buffer {
  switch (encoding.trim().toLowerCase()) {
    case "base64":
      return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
    case "quoted-printable":
      return Buffer.from(
        body
          .replace(/=\r?\n/g, "")
          .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        "latin1",
      );
    default:
      return Buffer.from(body, "latin1");
  }
}

interface WalkState {
  parts: number;
}

/** Parses a whole message (or a message/rfc822 part) into a tree. Throws ReportFormatError on hostile shape. */
export function parseMime(raw: Buffer | string, depth = 0, state: WalkState = { parts: 0 }): MimePart {
  const text = typeof raw === "string" ? raw : raw.toString("latin1");
  if (text.length > MIME_LIMITS.maxBytes) {
    throw new ReportFormatError(`message is larger than ${MIME_LIMITS.maxBytes / 1024 / 1024} MB`);
  }
  const { head, body } = splitMessage(text);
  return buildPart(parseHeaderBlock(head), body, depth, state);
}

function buildPart(headers: HeaderField[], rawBody: string, depth: number, state: WalkState): MimePart {
  if (depth > MIME_LIMITS.maxDepth) {
    throw new ReportFormatError(`MIME structure is nested deeper than ${MIME_LIMITS.maxDepth} levels`);
  }
  if (++state.parts > MIME_LIMITS.maxParts) {
    throw new ReportFormatError(`message has more than ${MIME_LIMITS.maxParts} MIME parts`);
  }
  const h = new Headers(headers);
  const ct = parseParams(h.get("content-type") ?? "text/plain");
  let contentType = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(ct.value) ? ct.value : "text/plain";
  const disp = parseParams(h.get("content-disposition") ?? "");
  const filename = disp.params.filename ?? ct.params.name;
  const part: MimePart = {
    headers,
    contentType,
    params: ct.params,
    disposition: disp.value || undefined,
    filename: filename ? cleanText(filename).slice(0, 255) : undefined,
    body: Buffer.alloc(0),
    children: [],
    depth,
  };
  const boundary = ct.params.boundary;
  if (contentType.startsWith("multipart/")) {
    if (!boundary || !rawBody.includes(`--${boundary}`)) {
      // Missing or unused boundary: read the body as text rather than lose it.
      contentType = "text/plain";
      part.contentType = contentType;
      part.body = decodeTransfer(rawBody, h.get("content-transfer-encoding") ?? "");
      return part;
    }
    const { preamble, bodies } = splitMultipart(rawBody, boundary);
    part.body = Buffer.from(preamble, "latin1");
    for (const b of bodies) {
      const { head, body } = splitMessage(b.replace(/^\r?\n/, ""));
      part.children.push(buildPart(parseHeaderBlock(head), body, depth + 1, state));
    }
    return part;
  }
  part.body = decodeTransfer(rawBody, h.get("content-transfer-encoding") ?? "");
  if (contentType === "message/rfc822" || contentType === "message/global") {
    part.children.push(parseMime(part.body.toString("latin1"), depth + 1, state));
  }
  return part;
}

function splitMultipart(body: string, boundary: string): { preamble: string; bodies: string[] } {
  const delimiter = `--${boundary}`;
  const bodies: string[] = [];
  let pos = 0;
  let preamble = "";
  let first = true;
  let start = -1;
  while (pos <= body.length) {
    const i = body.indexOf(delimiter, pos);
    if (i < 0) break;
    const atLineStart = i === 0 || body[i - 1] === "\n";
    const after = body.slice(i + delimiter.length, i + delimiter.length + 2);
    if (!atLineStart) {
      pos = i + delimiter.length;
      continue;
    }
    const end = i > 0 && body[i - 2] === "\r" ? i - 2 : i > 0 ? i - 1 : i;
    if (first) {
      preamble = body.slice(0, Math.max(0, end));
      first = false;
    } else if (start >= 0) {
      bodies.push(body.slice(start, Math.max(start, end)));
    }
    if (after === "--") return { preamble, bodies };
    const nl = body.indexOf("\n", i);
    start = nl < 0 ? body.length : nl + 1;
    pos = start;
  }
  // No closing delimiter (truncated mail): keep what we have.
  if (start >= 0 && start < body.length) bodies.push(body.slice(start));
  return { preamble, bodies };
}

/** Every part, depth first, including parts inside attached messages. */
export function* walk(part: MimePart): Generator<MimePart> {
  yield part;
  for (const c of part.children) yield* walk(c);
}

/** The decoded text of a text part, in its declared charset (or a good guess). */
export function partText(part: MimePart): string {
  return cleanText(decodeText(part.body, part.params.charset));
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
