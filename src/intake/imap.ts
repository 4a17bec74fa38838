/**
 * IMAP pollers: one per configured mailbox, for abuse addresses whose mail lands at another server. A
 * message is marked \Seen (or moved) only after it is stored, so a crash in between means it is fetched
 * again, and then recognised as the same bytes (a duplicate), never lost and never stored twice.
 *
 * Configuration: ABUSEDESK_IMAP_CONFIG names a JSON file (see docs/intake.md):
 *   { "mailboxes": [{ "name": "x2com-abuse", "host": "imap.example.nl", "user": "abuse@x2com.nl",
 *       "password_env": "X2COM_IMAP_PASSWORD", "brand": "x2com-nl" }] }
 */
import { readFileSync } from "node:fs";
import { ImapFlow } from "imapflow";
import type { Logger } from "pino";
import { z } from "zod";
import { secretFromEnvironment } from "../config.ts";
import { UserError } from "../errors.ts";
import type { Services } from "../server.ts";
import { explainZodError } from "../validation.ts";
import { mailHeadersOf } from "./envelope.ts";
import { counter } from "./metrics.ts";
import { brandExists, storeReport } from "./report.store.ts";

export const ImapMailboxConfig = z.object({
  /** A name for logs and metrics. */
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "letters, digits, dot, dash and underscore"),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(993),
  /** TLS from the start (port 993); false means STARTTLS where the server offers it. */
  secure: z.boolean().default(true),
  user: z.string().min(1),
  /** The password, or (better) the name of an environment variable holding it. */
  password: z.string().optional(),
  password_env: z.string().optional(),
  mailbox: z.string().min(1).default("INBOX"),
  /** The brand whose abuse mail this is. */
  brand: z.string().min(1),
  /** The address the mail was sent to, recorded as the report's recipient. */
  address: z.string().optional(),
  /** After storing: mark \Seen (default), or move to `move_to`. */
  after: z.enum(["seen", "move"]).default("seen"),
  move_to: z.string().optional(),
  poll_seconds: z.number().min(5).max(3600).default(60),
});
export type ImapMailboxConfig = z.infer<typeof ImapMailboxConfig>;

const ImapConfigFile = z.object({ mailboxes: z.array(ImapMailboxConfig) });

/** The mailboxes of `file` (ABUSEDESK_IMAP_CONFIG), validated; none when it is not set. */
export function loadImapConfig(
  file: string | undefined,
  secret: (name: string | undefined) => string | undefined = secretFromEnvironment,
): ImapMailboxConfig[] {
  if (!file) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`cannot read the IMAP configuration ${file}: ${(err as Error).message}`);
  }
  const parsed = ImapConfigFile.safeParse(doc);
  if (!parsed.success) {
    const why = explainZodError(parsed.error, { place: "body", schema: ImapConfigFile, data: doc });
    throw new UserError(`IMAP configuration ${file}: ${why}`);
  }
  for (const m of parsed.data.mailboxes) {
    if (!m.password && !secret(m.password_env)) {
      throw new UserError(
        `IMAP mailbox ${m.name}: no password; set "password_env" to the name of an environment variable that holds it`,
      );
    }
    if (m.after === "move" && !m.move_to) {
      throw new UserError(`IMAP mailbox ${m.name}: "after": "move" needs "move_to", the folder to move to`);
    }
  }
  return parsed.data.mailboxes;
}

/** The part of ImapFlow a poller uses; a test gives a fake. */
export interface ImapClient {
  connect(): Promise<void>;
  getMailboxLock(path: string): Promise<{ release(): void }>;
  search(query: { seen: boolean }, options: { uid: true }): Promise<number[] | false | undefined>;
  fetchOne(
    range: string,
    query: { source: true; uid: true },
    options: { uid: true },
  ): Promise<{ source?: Buffer; uid: number } | false>;
  messageFlagsAdd(range: string, flags: string[], options: { uid: true }): Promise<boolean>;
  messageMove(range: string, destination: string, options: { uid: true }): Promise<unknown>;
  logout(): Promise<void>;
}

export type ImapClientFactory = (m: ImapMailboxConfig, password: string) => ImapClient;

const realClient: ImapClientFactory = (m, password) =>
  new ImapFlow({
    host: m.host,
    port: m.port,
    secure: m.secure,
    auth: { user: m.user, pass: password },
    logger: false,
  }) as unknown as ImapClient;

/**
 * Reads one mailbox once: every unseen message is stored, then marked or moved. Returns how many were
 * stored (duplicates included). A message that cannot be stored stays unseen for the next poll.
 */
export async function pollMailbox(
  services: Services,
  m: ImapMailboxConfig,
  client: ImapClient,
  log: Logger,
): Promise<{ stored: number; duplicates: number }> {
  const done = { stored: 0, duplicates: 0 };
  await client.connect();
  try {
    const lock = await client.getMailboxLock(m.mailbox);
    try {
      const uids = (await client.search({ seen: false }, { uid: true })) || [];
      for (const uid of uids) {
        const msg = await client.fetchOne(String(uid), { source: true, uid: true }, { uid: true });
        if (msg === false || !msg.source) continue;
        const headers = mailHeadersOf(msg.source, "message/rfc822");
        const ref = await storeReport(services.db, {
          raw: msg.source,
          channel: "imap",
          contentType: "message/rfc822",
          rcptTo: [(m.address ?? m.user).toLowerCase()],
          brandId: m.brand,
          messageId: headers.messageId ?? null,
          subject: headers.subject ?? null,
          wake: true,
        });
        if (ref.duplicate) done.duplicates++;
        else done.stored++;
        // Only now, with the message committed, may the mailbox forget it.
        if (m.after === "move" && m.move_to) await client.messageMove(String(uid), m.move_to, { uid: true });
        else await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
        log.debug({ mailbox: m.name, uid, report: ref.id }, "IMAP message stored");
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => {});
  }
  return done;
}

/** Starts a poller per configured mailbox; returns how many and a stop function. */
export async function startImapPollers(
  services: Services,
  factory: ImapClientFactory = realClient,
  mailboxes: ImapMailboxConfig[] = loadImapConfig(services.config.imapConfig),
): Promise<{ count: number; stop(): Promise<void> }> {
  const { log } = services;
  const polled = counter(services.metrics, "abusedesk_imap_messages_total", "IMAP messages by outcome", [
    "mailbox",
    "result",
  ]);
  for (const m of mailboxes) {
    if (!(await brandExists(services.db, m.brand))) {
      throw new UserError(`IMAP mailbox ${m.name}: there is no brand "${m.brand}"`);
    }
  }
  let stopping = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  const schedule = (m: ImapMailboxConfig, ms: number) => {
    if (stopping) return;
    const t = setTimeout(() => {
      timers.delete(t);
      const run = (async () => {
        const password = m.password ?? secretFromEnvironment(m.password_env) ?? "";
        try {
          const out = await pollMailbox(services, m, factory(m, password), log);
          polled.inc({ mailbox: m.name, result: "stored" }, out.stored);
          polled.inc({ mailbox: m.name, result: "duplicate" }, out.duplicates);
        } catch (err) {
          polled.inc({ mailbox: m.name, result: "poll_failed" });
          log.warn({ err, mailbox: m.name }, "IMAP poll failed; trying again at the next poll");
        }
      })();
      running.add(run);
      void run.finally(() => {
        running.delete(run);
        schedule(m, m.poll_seconds * 1000);
      });
    }, ms);
    timers.add(t);
  };
  for (const m of mailboxes) schedule(m, 0);
  return {
    count: mailboxes.length,
    async stop() {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all(running);
    },
  };
}
