/**
 * A real SMTP server on loopback (smtp-server) that records every message it accepts: the relay the desk
 * sends through in the tests and the benchmark. It can answer slowly (a busy relay), or refuse a recipient.
 */
import { SMTPServer } from "smtp-server";
import { normalizeMessageId } from "../src/intake/envelope.ts";
import { mailHead } from "../src/messages/threading.ts";
import { readMail } from "../src/parsers/mail.ts";
import type { Headers } from "../src/parsers/mime.ts";

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  headers: Headers;
  messageId: string | undefined;
  subject: string;
  /** The decoded text body. */
  text: string;
  at: number;
}

export interface Recorder {
  port: number;
  /** smtp://127.0.0.1:port */
  url: string;
  messages: Received[];
  /** Waits until `pick` finds a message (checked as messages arrive). */
  waitFor(pick: (m: Received) => boolean, ms?: number, what?: string): Promise<Received>;
  waitForCount(n: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startRecorder(
  opts: {
    /** Milliseconds before answering 250 to a message. */
    delayMs?: number;
    /** An SMTP code to refuse a recipient with (e.g. 550), or undefined to accept it. */
    refuse?: (rcpt: string) => number | undefined;
    /** Read only the headers (the benchmark: the relay's own work should not weigh on the desk's). */
    headersOnly?: boolean;
  } = {},
): Promise<Recorder> {
  const messages: Received[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    size: 50 * 1024 * 1024,
    onRcptTo(address, _session, cb) {
      const code = opts.refuse?.(address.address);
      if (code) {
        const err = new Error(`${code} 5.1.1 <${address.address}>: no such mailbox`) as Error & {
          responseCode: number;
        };
        err.responseCode = code;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks);
        const mail = opts.headersOnly ? undefined : await readMail(raw);
        const headers = mail?.headers ?? mailHead(raw);
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          headers,
          messageId: mail?.messageId ?? normalizeMessageId(headers.get("message-id")),
          subject: mail?.subject ?? headers.get("subject") ?? "",
          text: mail?.text ?? "",
          at: Date.now(),
        });
        for (const w of [...waiters]) w();
        if (opts.delayMs) setTimeout(() => cb(), opts.delayMs);
        else cb();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as { port: number }).port));
  });
  const until = (check: () => boolean, ms: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(
          new Error(`recorder: timed out after ${ms} ms waiting for ${what} (${messages.length} received)`),
        );
      }, ms);
      const w = () => {
        if (!check()) return;
        clearTimeout(timer);
        waiters.delete(w);
        resolve();
      };
      waiters.add(w);
    });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(pick, ms = 20_000, what = "a message") {
      await until(() => messages.some(pick), ms, what);
      return messages.find(pick)!;
    },
    waitForCount: (n, ms = 60_000) => until(() => messages.length >= n, ms, `${n} messages`),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
