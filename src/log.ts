/** Structured logs (pino): JSON lines on stderr, so that stdout stays for command output. */
import pino, { type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination(2),
  );
}
