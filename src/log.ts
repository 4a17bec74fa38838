/**
 * Structured logs (pino) on stderr, so that stdout stays for command output: pretty text for a person at a
 * terminal, JSON lines for a log collector (`--log-format pretty|json`, ABUSEDESK_LOG_FORMAT; `auto` picks by
 * whether stderr is a terminal). Errors are logged as their type, message, code and a short cause — never
 * as the object that threw them (a database client carries its connection and cancel key) — and secrets
 * in request headers and fields named like secrets are blanked.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import pinoPretty from "pino-pretty";

export const LOG_FORMATS = ["auto", "pretty", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-csrf-token']",
  "res.headers['set-cookie']",
  "*.password",
  "*.token",
  "*.secret",
  "*.secretKey",
  "*.connectionString",
];

/** How much of a message and of its cause a log line keeps. */
const MAX_MESSAGE = 2000;
const MAX_CAUSE = 300;
const STACK_LINES = 6;

/**
 * An error as a log line shows it: its type, message, code (a PostgreSQL SQLSTATE, an errno) and a short
 * cause. Nothing else of the object: errors of the database driver hold the client, with its connection
 * parameters, process id and cancel key.
 */
export function safeError(value: unknown): unknown {
  if (!(value instanceof Error)) {
    if (value === null || typeof value !== "object") return value;
    return { message: String((value as { message?: unknown }).message ?? "an object that is not an Error") };
  }
  const out: Record<string, unknown> = { type: value.name, message: value.message.slice(0, MAX_MESSAGE) };
  const code = (value as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") out.code = code;
  const cause = value.cause;
  if (cause !== undefined && cause !== null) {
    out.cause = (cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)).slice(
      0,
      MAX_CAUSE,
    );
  }
  if (value.stack) out.stack = value.stack.split("\n").slice(0, STACK_LINES).join("\n");
  return out;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: safeError, error: safeError },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
}

/** Whether `format` means pretty text on this process's stderr. */
export function isPretty(format: LogFormat, stderrIsTty = Boolean(process.stderr.isTTY)): boolean {
  return format === "pretty" || (format === "auto" && stderrIsTty);
}

export function createLogger(
  level: string,
  format: LogFormat = "auto",
  destination?: DestinationStream,
): Logger {
  const options = loggerOptions(level);
  if (isPretty(format)) {
    const pretty = pinoPretty({
      destination: destination ?? 2,
      sync: true,
      colorize: !destination && Boolean(process.stderr.isTTY),
      translateTime: "SYS:yyyy-mm-dd HH:MM:ss",
      ignore: "pid,hostname",
      singleLine: true,
    });
    return pino(options, pretty);
  }
  return pino(options, destination ?? pino.destination(2));
}
