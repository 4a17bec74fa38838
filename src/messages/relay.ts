/**
 * The SMTP relay outgoing mail goes through (nodemailer), and what its answers mean: sent, refused for
 * good (5xx: the address does not work), or worth another try later (4xx, no connection), with backoff.
 */
import nodemailer from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import { UserError } from "../errors.ts";

/** First retry after this long; each next one waits twice as long, up to RETRY_MAX_SECONDS. */
export const RETRY_BASE_SECONDS = 30;
export const RETRY_MAX_SECONDS = 60 * 60;
/** Attempts before a message that never got through is given up (about a day with the backoff above). */
export const MAX_SEND_ATTEMPTS = 30;
/** A relay that does not answer within this long is a failed attempt, tried again later. */
export const RELAY_TIMEOUT_MS = 30_000;

export interface RelaySettings {
  host: string;
  port: number;
  /** TLS from the first byte (smtps://); otherwise STARTTLS when the relay offers it. */
  secure: boolean;
  user: string | null;
  password: string | null;
  /** smtp://…?starttls=required: refuse to send without STARTTLS. */
  requireTls: boolean;
  /** smtp://…?tls_verify=false: accept a certificate that does not verify (a relay on loopback). */
  verifyTls: boolean;
}

/** Reads ABUSEDESK_RELAY / --relay; throws a UserError that says what to write instead. */
export function parseRelayUrl(value: string): RelaySettings {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UserError(
      "the relay is not a URL; write smtp://user:password@host:port (STARTTLS when offered) or smtps://user:password@host:465",
    );
  }
  const scheme = u.protocol.replace(/:$/, "").toLowerCase();
  if (scheme !== "smtp" && scheme !== "smtps")
    throw new UserError(`the relay must start with smtp:// or smtps://, not ${scheme}://`);
  if (!u.hostname) throw new UserError("the relay URL names no host; write smtp://host:port");
  const port = u.port ? Number(u.port) : scheme === "smtps" ? 465 : 587;
  for (const key of u.searchParams.keys())
    if (key !== "starttls" && key !== "tls_verify")
      throw new UserError(
        `the relay URL has an unknown option "${key}"; known: starttls=required, tls_verify=false`,
      );
  const starttls = u.searchParams.get("starttls");
  if (starttls !== null && starttls !== "required")
    throw new UserError('starttls in the relay URL can only be "required"');
  const verify = u.searchParams.get("tls_verify");
  if (verify !== null && verify !== "false" && verify !== "true")
    throw new UserError('tls_verify in the relay URL is "true" or "false"');
  return {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port,
    secure: scheme === "smtps",
    user: u.username ? decodeURIComponent(u.username) : null,
    password: u.password ? decodeURIComponent(u.password) : null,
    requireTls: starttls === "required",
    verifyTls: verify !== "false",
  };
}

/** The relay for logs: host and port, never the password. */
export function describeRelay(r: RelaySettings): string {
  return `${r.secure ? "smtps" : "smtp"}://${r.user ? `${r.user}@` : ""}${r.host}:${r.port}`;
}

export interface OutgoingMail {
  from: { name: string; address: string };
  to: string[];
  subject: string;
  text: string;
  /** Without angle brackets. */
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  /** Written by the desk on its own (an acknowledgement): auto-responders must not answer it (RFC 3834). */
  automatic: boolean;
  /** ENVID for delivery status notifications (RFC 3461), so that a bounce names the message. */
  envelopeId: string;
}

export type SendOutcome =
  | { kind: "sent"; response: string; rejected: string[] }
  | { kind: "refused"; message: string }
  | { kind: "retry"; message: string };

export interface Relay {
  readonly where: string;
  send(mail: OutgoingMail): Promise<SendOutcome>;
  close(): void;
}

export function createRelay(settings: RelaySettings, opts: { connections: number }): Relay {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTls,
    auth: settings.user ? { user: settings.user, pass: settings.password ?? "" } : undefined,
    tls: { rejectUnauthorized: settings.verifyTls },
    pool: true,
    maxConnections: opts.connections,
    maxMessages: 500,
    connectionTimeout: RELAY_TIMEOUT_MS,
    greetingTimeout: RELAY_TIMEOUT_MS,
    socketTimeout: RELAY_TIMEOUT_MS,
  } satisfies SMTPPool.Options);
  return {
    where: describeRelay(settings),
    async send(m) {
      try {
        const info = await transport.sendMail({
          envelope: { from: m.from.address, to: m.to },
          from: { name: m.from.name, address: m.from.address },
          to: m.to,
          subject: m.subject,
          text: m.text,
          messageId: `<${m.messageId}>`,
          ...(m.inReplyTo ? { inReplyTo: `<${m.inReplyTo}>` } : {}),
          ...(m.references.length ? { references: m.references.map((r) => `<${r}>`) } : {}),
          headers: m.automatic ? { "Auto-Submitted": "auto-generated" } : {},
          dsn: { id: m.envelopeId, return: "headers", notify: ["failure", "delay"] },
        });
        return {
          kind: "sent",
          response: String(info.response ?? ""),
          rejected: ((info.rejected ?? []) as (string | { address: string })[]).map((r) =>
            typeof r === "string" ? r : r.address,
          ),
        };
      } catch (err) {
        return classifyFailure(err as Error & { responseCode?: number; code?: string });
      }
    },
    close() {
      transport.close();
    },
  };
}

/** A 5xx answer to the envelope or the message is final; anything else (4xx, no connection, auth) is tried again. */
export function classifyFailure(err: { message: string; responseCode?: number; code?: string }): SendOutcome {
  const code = err.responseCode;
  const message = `${err.code ? `${err.code}: ` : ""}${err.message}`.slice(0, 1000);
  if (
    code !== undefined &&
    code >= 500 &&
    code < 600 &&
    (err.code === "EENVELOPE" || err.code === "EMESSAGE")
  )
    return { kind: "refused", message };
  return { kind: "retry", message };
}

/** When the next attempt is due after `attempts` failed ones (1 → 30 s, 2 → 60 s, … up to an hour). */
export function nextAttemptAfter(attempts: number, now: Date): Date {
  const seconds = Math.min(RETRY_BASE_SECONDS * 2 ** Math.max(0, attempts - 1), RETRY_MAX_SECONDS);
  return new Date(now.getTime() + seconds * 1000);
}
