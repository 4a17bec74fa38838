/**
 * The SMTP listener for the brands' abuse addresses. A message is answered 250 only after its bytes are
 * committed to PostgreSQL; anything that goes wrong before that is a 4xx, so the sending server keeps the
 * message and tries again. Processing happens afterwards, in a worker (woken by NOTIFY).
 *
 * Strangers knock here: each client address (an IPv6 client by its /64) may open so many connections and
 * send so many messages a minute (config smtpConnectionsPerMinute, smtpMessagesPerMinute); more are
 * answered 421 or 450, which tell the sender to come back later, so nothing acknowledged is lost. The
 * provider's own relays (smtpRateExempt) are not limited.
 *
 * Configuration (src/config.ts): ABUSEDESK_SMTP_TLS_KEY and ABUSEDESK_SMTP_TLS_CERT (PEM files) enable
 * STARTTLS; ABUSEDESK_SMTP_MAX_CLIENTS limits simultaneous connections (default 100).
 */
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import ipaddr from "ipaddr.js";
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from "smtp-server";
import { type Config, machineFqdn } from "../config.ts";
import { UserError } from "../errors.ts";
import { RateLimiter } from "../rate-limit.ts";
import type { Services } from "../server.ts";
import { mailHeadersOf } from "./envelope.ts";
import { counter, histogram } from "./metrics.ts";
import { brandOfAddress, storeReport } from "./report.store.ts";

export interface SmtpListener {
  address: { host: string; port: number };
  close(): Promise<void>;
}

export interface SmtpTlsFiles {
  key: string;
  cert: string;
}

type SmtpError = Error & { responseCode: number };

function smtpError(code: number, message: string): SmtpError {
  const err = new Error(message) as SmtpError;
  err.responseCode = code;
  return err;
}

/** TLS files from the configuration (both or neither: the config checks). */
export function tlsFilesOf(config: Services["config"]): SmtpTlsFiles | undefined {
  return config.smtpTlsKey && config.smtpTlsCert
    ? { key: config.smtpTlsKey, cert: config.smtpTlsCert }
    : undefined;
}

function readTls(files: SmtpTlsFiles): { key: Buffer; cert: Buffer } {
  try {
    return { key: readFileSync(files.key), cert: readFileSync(files.cert) };
  } catch (err) {
    throw new UserError(
      `cannot read the SMTP TLS key or certificate: ${(err as Error).message}; check ABUSEDESK_SMTP_TLS_KEY and ABUSEDESK_SMTP_TLS_CERT`,
    );
  }
}

/** One minute: the window of the SMTP rate limits. */
export const SMTP_RATE_WINDOW_MS = 60_000;

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * The key a client is counted under: its IPv4 address, or the /64 of its IPv6 address (one subscriber's
 * network; counting single IPv6 addresses would let anyone with a /64 knock forever).
 */
export function rateKeyOf(address: string): string {
  try {
    const parsed = ipaddr.process(address);
    if (parsed.kind() === "ipv4") return parsed.toString();
    const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
    return `${parts.map((p) => p.toString(16)).join(":")}::/64`;
  } catch {
    return address;
  }
}

/** Is the client one of the networks that no rate limit applies to? */
export function isExempt(address: string, exempt: readonly Network[]): boolean {
  try {
    const parsed = ipaddr.process(address);
    return exempt.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits));
  } catch {
    return false;
  }
}

/** What the listener says about itself: the host name in the greeting and in EHLO, and "abusedesk". */
export function greetingOf(config: Pick<Config, "smtpName">): {
  name: string;
  banner: string;
  heloResponse: string;
} {
  return {
    name: config.smtpName ?? machineFqdn(),
    banner: "abusedesk abuse intake",
    heloResponse: "%s abusedesk abuse intake, hello %s",
  };
}

export interface SmtpOptions {
  tls?: SmtpTlsFiles | undefined;
  maxClients?: number;
  /** The clock of the rate limits (tests move it on instead of waiting a minute). */
  now?: () => number;
}

export function startSmtp(services: Services, opts: SmtpOptions = {}): Promise<SmtpListener> {
  const { db, log, config, metrics } = services;
  const maxBytes = config.smtpMaxBytes;
  const tlsFiles = "tls" in opts ? opts.tls : tlsFilesOf(config);
  const tls = tlsFiles ? readTls(tlsFiles) : undefined;
  const maxClients = opts.maxClients ?? config.smtpMaxClients;
  const messages = counter(metrics, "abusedesk_smtp_messages_total", "SMTP messages by outcome", ["result"]);
  const ackSeconds = histogram(
    metrics,
    "abusedesk_smtp_ack_seconds",
    "time from the end of DATA to the answer (the durable store)",
  );
  // The brand of the first accepted recipient, per transaction (smtp-server makes a new envelope for each).
  const brandOf = new WeakMap<object, string>();
  const now = opts.now ?? Date.now;
  const perMinute = (limit: number) => new RateLimiter({ limit, windowMs: SMTP_RATE_WINDOW_MS }, now);
  const connections = perMinute(config.smtpConnectionsPerMinute);
  const transactions = perMinute(config.smtpMessagesPerMinute);
  const exempt = config.smtpRateExempt;
  const greeting = greetingOf(config);

  const options: SMTPServerOptions = {
    ...greeting,
    authOptional: true,
    // The client's host name is not evidence (the message's own headers are), and a slow PTR answer
    // from a stranger's DNS must not hold the greeting.
    disableReverseLookup: true,
    onConnect(session, callback) {
      const address = session.remoteAddress;
      if (isExempt(address, exempt)) return callback();
      const verdict = connections.take(rateKeyOf(address));
      if (verdict.allowed) return callback();
      messages.inc({ result: "connection_rate_limited" });
      callback(
        smtpError(
          421,
          `4.7.0 ${greeting.name} too many connections from ${address.slice(0, 64)} this minute; try again in ${verdict.retryAfterSeconds} seconds`,
        ),
      );
    },
    onMailFrom(_address, session, callback) {
      const address = session.remoteAddress;
      if (isExempt(address, exempt)) return callback();
      const verdict = transactions.take(rateKeyOf(address));
      if (verdict.allowed) return callback();
      messages.inc({ result: "rate_limited" });
      callback(
        smtpError(
          450,
          `4.7.1 too many messages from ${address.slice(0, 64)} this minute; try again in ${verdict.retryAfterSeconds} seconds`,
        ),
      );
    },
    disabledCommands: tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    size: maxBytes,
    maxClients,
    logger: false,
    // A slow sender may take a while, a silent one is dropped.
    socketTimeout: 120_000,
    closeTimeout: 30_000,
    onRcptTo(address, session, callback) {
      const rcpt = address.address.toLowerCase();
      brandOfAddress(db, rcpt).then(
        (brand) => {
          if (!brand) {
            messages.inc({ result: "unknown_recipient" });
            return callback(
              smtpError(550, `5.1.1 <${rcpt.slice(0, 200)}> is not an abuse address handled here`),
            );
          }
          if (!brandOf.has(session.envelope)) brandOf.set(session.envelope, brand);
          callback();
        },
        (err) => {
          log.error({ err }, "SMTP: brand lookup failed");
          callback(
            smtpError(451, "4.3.0 temporary failure looking up the recipient; please try again later"),
          );
        },
      );
    },
    onData(stream: Readable & { sizeExceeded?: boolean }, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        // Past the limit we only count: the stream must be read to its end before we answer.
        size += chunk.length;
        if (size <= maxBytes) chunks.push(chunk);
      });
      stream.once("error", (err) => {
        log.warn({ err }, "SMTP: error while receiving a message");
        callback(smtpError(451, "4.3.0 the message could not be received completely; please try again"));
      });
      stream.once("end", () => {
        if (stream.sizeExceeded || size > maxBytes) {
          messages.inc({ result: "too_large" });
          return callback(
            smtpError(
              552,
              `5.3.4 message too big: ${Math.ceil(size / 1024 / 1024)} MB; the limit is ${Math.floor(maxBytes / 1024 / 1024)} MB`,
            ),
          );
        }
        const t0 = process.hrtime.bigint();
        const raw = Buffer.concat(chunks, size);
        const env = session.envelope;
        const headers = mailHeadersOf(raw, "message/rfc822");
        storeReport(db, {
          raw,
          channel: "smtp",
          contentType: "message/rfc822",
          mailFrom: env.mailFrom ? env.mailFrom.address : null,
          rcptTo: env.rcptTo.map((r) => r.address.toLowerCase()),
          brandId: brandOf.get(env) ?? null,
          messageId: headers.messageId ?? null,
          subject: headers.subject ?? null,
          wake: true,
        }).then(
          (ref) => {
            ackSeconds.observe(Number(process.hrtime.bigint() - t0) / 1e9);
            messages.inc({ result: ref.duplicate ? "duplicate" : "stored" });
            callback(null, `2.0.0 stored as report ${ref.id}${ref.duplicate ? " (already received)" : ""}`);
          },
          (err) => {
            messages.inc({ result: "store_failed" });
            log.error({ err }, "SMTP: storing a message failed; answered 451");
            callback(smtpError(451, "4.3.0 the message could not be stored; please try again later"));
          },
        );
      });
    },
  };
  const server = new SMTPServer(options);
  const { host, port } = config.smtp;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      server.on("error", (err) => log.error({ err }, "SMTP listener error"));
      const addr = server.server.address() as { address: string; port: number };
      log.info(
        {
          host: addr.address,
          port: addr.port,
          name: greeting.name,
          maxBytes,
          maxClients,
          starttls: Boolean(tls),
          connectionsPerMinute: config.smtpConnectionsPerMinute,
          messagesPerMinute: config.smtpMessagesPerMinute,
        },
        "SMTP listening",
      );
      resolve({
        address: { host: addr.address, port: addr.port },
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
