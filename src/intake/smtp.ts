/**
 * The SMTP listener for the brands' abuse addresses. Until the intake issue lands it accepts connections
 * and answers every message with a temporary failure (451), so that senders keep their mail and retry:
 * nothing is lost and nothing is acknowledged that was not stored.
 */

import { SMTPServer } from "smtp-server";
import type { Services } from "../server.ts";

export interface SmtpListener {
  address: { host: string; port: number };
  close(): Promise<void>;
}

export function startSmtp(services: Services): Promise<SmtpListener> {
  const opts = { ...services.config.smtp, log: services.log, maxBytes: services.config.smtpMaxBytes };
  const server = new SMTPServer({
    name: "abusedesk",
    banner: "abusedesk abuse intake",
    authOptional: true,
    disabledCommands: ["AUTH"],
    size: opts.maxBytes,
    logger: false,
    onRcptTo(_address, _session, callback) {
      const err = new Error(
        "4.3.2 abusedesk does not accept mail on this listener yet; please try again later",
      ) as Error & {
        responseCode: number;
      };
      err.responseCode = 451;
      callback(err);
    },
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      server.on("error", (err) => opts.log.error({ err }, "SMTP listener error"));
      const addr = server.server.address() as { address: string; port: number };
      resolve({
        address: { host: addr.address, port: addr.port },
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
