/** Builders for test mails; used by the parser tests only. */
import type { ParseOutcome, ParseResult } from "./types.ts";

/** A mail from header lines and a body, with CRLF line ends as on the wire. */
export function mail(headers: string[], body: string): Buffer {
  return Buffer.from(`${headers.join("\r\n")}\r\n\r\n${body.replace(/\r?\n/g, "\r\n")}`, "utf8");
}

/** A multipart mail: each part is [headers, body]. */
export function multipart(
  headers: string[],
  type: string,
  parts: Array<[string[], string]>,
  boundary = "b0undary",
): Buffer {
  const body = parts
    .map(([h, b]) => `--${boundary}\r\n${h.join("\r\n")}\r\n\r\n${b.replace(/\r?\n/g, "\r\n")}\r\n`)
    .join("");
  return mail([...headers, `Content-Type: ${type}; boundary="${boundary}"`], `${body}--${boundary}--\r\n`);
}

export function ok(out: ParseOutcome): ParseResult {
  if (out.format === null) throw new Error(`expected a result, got triage: ${out.reason}`);
  return out;
}

export function reasonOf(out: ParseOutcome): string {
  if (out.format !== null) throw new Error(`expected triage, got ${out.format}`);
  return out.reason;
}
