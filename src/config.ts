/** Configuration from flags and the environment, validated once at start. */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { UserError } from "./errors.ts";
import { LOG_FORMATS } from "./log.ts";
import { parseRetention } from "./privacy/retention.ts";
import { explainIssues } from "./validation.ts";

const HostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/, "use HOST:PORT, e.g. 127.0.0.1:8025")
  .transform((s) => {
    const i = s.lastIndexOf(":");
    const port = Number(s.slice(i + 1));
    return { host: s.slice(0, i).replace(/^\[|\]$/g, ""), port };
  })
  .refine((a) => a.port >= 0 && a.port <= 65535, "the port must be between 0 and 65535");

const DEFAULT_POLICY_DIR = fileURLToPath(new URL("../policy/profiles", import.meta.url));
const DEFAULT_POLICY_DOCUMENTS_DIR = fileURLToPath(new URL("../policy/documents", import.meta.url));

/** "N/DURATION": at most N per window, e.g. "10/15m", "60/1m", "1000/1h". */
export const RateSpec = z
  .string()
  .regex(/^\s*\d{1,7}\s*\/\s*\d{1,6}\s*[smh]\s*$/, 'write a rate as "N/DURATION", e.g. "10/15m" or "60/1m"')
  .transform((s) => {
    const [count, window] = s.replace(/\s+/g, "").split("/") as [string, string];
    const unit = { s: 1000, m: 60_000, h: 3_600_000 }[window.slice(-1) as "s" | "m" | "h"];
    return { limit: Number(count), windowMs: Number(window.slice(0, -1)) * unit };
  })
  .refine((r) => r.limit > 0 && r.windowMs > 0, "a rate needs a count and a window above 0");

export const ROLES_OF_PROCESS = ["all", "web", "smtp", "worker"] as const;

/** The machine's fully qualified name: its host name, completed from /etc/hosts when it has no dot. */
export function machineFqdn(hosts = "/etc/hosts"): string {
  const name = hostname();
  if (name.includes(".")) return name;
  try {
    for (const line of readFileSync(hosts, "utf8").split("\n").slice(0, 10_000)) {
      const names = line.replace(/#.*/, "").trim().split(/\s+/).slice(1);
      if (!names.includes(name)) continue;
      const full = names.find((n) => n.startsWith(`${name}.`));
      if (full) return full;
    }
  } catch {
    // no /etc/hosts: the plain host name will do
  }
  return name;
}

const HostName = z
  .string()
  .regex(
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
    "use a host name such as abuse-mx.example.nl (letters, digits, hyphens and dots)",
  );

/** Addresses and networks, comma-separated: "127.0.0.0/8, ::1, 192.0.2.10". */
const AddressList = z.string().transform((s, ctx) => {
  const out: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const item of s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean)) {
    try {
      out.push(
        item.includes("/")
          ? ipaddr.parseCIDR(item)
          : ipaddr.parseCIDR(`${item}/${ipaddr.parse(item).kind() === "ipv4" ? 32 : 128}`),
      );
    } catch {
      ctx.addIssue({
        code: "custom",
        message: `"${item}" is not an address or network; write e.g. 10.0.0.0/8, ::1`,
      });
      return z.NEVER;
    }
  }
  return out;
});

export const ConfigSchema = z
  .object({
    dataDir: z.string().min(1).default("./.abusedesk"),
    databaseUrl: z.string().min(1).optional(),
    http: HostPort.prefault("127.0.0.1:8080"),
    smtp: HostPort.prefault("127.0.0.1:2525"),
    role: z.enum(ROLES_OF_PROCESS).default("all"),
    demo: z.boolean().default(false),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Largest message the SMTP listener accepts (bytes). */
    smtpMaxBytes: z.coerce
      .number()
      .int()
      .positive()
      .default(25 * 1024 * 1024),
    /** The name the SMTP listener greets with (and says in EHLO): the host name of the abuse MX. */
    smtpName: HostName.optional(),
    /** New SMTP connections per client address per minute; more are answered 421 (the sender retries). */
    smtpConnectionsPerMinute: z.coerce.number().int().positive().default(60),
    /** Messages (MAIL FROM) per client address per minute; more are answered 450 (the sender retries). */
    smtpMessagesPerMinute: z.coerce.number().int().positive().default(120),
    /** Client addresses that no SMTP rate limit applies to: the provider's own relays. */
    smtpRateExempt: AddressList.prefault("127.0.0.0/8, ::1"),
    /** Folder of the brands' policy profiles (*.yaml), and of the documents they quote. */
    policyDir: z.string().min(1).default(DEFAULT_POLICY_DIR),
    policyDocumentsDir: z.string().min(1).default(DEFAULT_POLICY_DOCUMENTS_DIR),
    /** Set behind a TLS-terminating proxy so that the session cookie is marked Secure. */
    secureCookies: z.boolean().default(false),
    /** Sign-in attempts per client address (console sign-in, each step counts). */
    signInRateAddress: RateSpec.prefault("30/15m"),
    /** Sign-in attempts per account (e-mail address), whatever the address they come from. */
    signInRateAccount: RateSpec.prefault("10/15m"),
    /** Requests per client address on the public routes (notice form, portal) that use `rateLimit`. */
    publicRate: RateSpec.prefault("60/1m"),
    /**
     * Behind a reverse proxy: the addresses of the proxies whose X-Forwarded-For is believed (comma-separated
     * addresses or CIDRs), so that rate limits count the client and not the proxy. Empty: none.
     */
    trustProxy: z
      .string()
      .default("")
      .transform((s) =>
        s
          .split(",")
          .map((p) => p.trim())
          .filter(Boolean),
      ),
    /** The YAML file of measure connectors (docs/measures.md); none: every measure is done by a person. */
    connectors: z.string().min(1).optional(),
    /** Seconds between sweeps of the measures worker (dead workers' calls, lost jobs, expired measures). */
    measuresSweepSeconds: z.coerce.number().positive().max(3600).default(5),
    /**
     * The SMTP relay outgoing mail goes through: smtp://user:pass@host:port (STARTTLS when offered) or
     * smtps://… (TLS from the start). Without one, messages are kept as `held` (docs/messages.md).
     */
    relay: z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/i, "use smtp://user:password@host:port or smtps://user:password@host:port")
      .optional(),
    /** Where people reach this desk's portal, as written in the links of messages (no trailing slash). */
    publicUrl: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/i, "use the address people open, e.g. https://abuse.example.nl")
      .transform((s) => s.replace(/\/+$/, ""))
      .optional(),
    /** Folder of the operator's message templates; they override the built-in ones file by file. */
    templatesDir: z.string().min(1).optional(),
    /** Messages sent at the same time by one worker process. */
    outboxConcurrency: z.coerce.number().int().min(1).max(64).default(4),
    /** How long a portal link in a message works (days). */
    portalLinkDays: z.coerce.number().int().min(1).max(365).default(30),
    /** Pretty text on a terminal, JSON lines otherwise (auto), or one of them always. */
    logFormat: z.enum(LOG_FORMATS).default("auto"),
    /** PEM key and certificate for SMTP STARTTLS: both or neither. */
    smtpTlsKey: z.string().min(1).optional(),
    smtpTlsCert: z.string().min(1).optional(),
    /** Simultaneous SMTP connections. */
    smtpMaxClients: z.coerce.number().int().positive().default(100),
    /** The JSON file of IMAP mailboxes to poll (docs/intake.md). */
    imapConfig: z.string().min(1).optional(),
    /** The JSON file of Shadowserver Reports API keys to collect with (docs/intake.md). */
    shadowserverConfig: z.string().min(1).optional(),
    /** Reports processed at once by each worker process. */
    intakeWorkers: z.coerce.number().int().min(1).max(64).default(2),
    /** More events than this in one report: it goes to triage unprocessed (split the file). */
    maxEventsPerReport: z.coerce.number().int().positive().default(500_000),
    /** A CSV file larger than this (bytes) is stored in chunks and processed in batches (src/intake/feeds.ts). */
    streamThreshold: z.coerce
      .number()
      .int()
      .min(1024)
      .default(32 * 1024 * 1024),
    /** Rows per batch of a streamed feed (one transaction each). */
    streamBatchRows: z.coerce.number().int().min(100).max(1_000_000).default(50_000),
    /** The ceiling of a streamed feed: bytes as received, and rows. */
    maxFeedBytes: z.coerce
      .number()
      .int()
      .min(1024 * 1024)
      .default(8 * 1024 * 1024 * 1024),
    maxFeedRows: z.coerce.number().int().min(1000).default(50_000_000),
    /** Seconds between sweeps for deadlines that ran out. */
    deadlineSweepSeconds: z.coerce.number().positive().default(15),
    /** Base URL of an RDAP service for the abuse contacts of addresses that are not ours; none: no lookups. */
    rdapUrl: z.url().optional(),
    /** How long personal data is kept: `kind=days,brand.kind=days` (src/privacy/retention.ts, docs/privacy.md). */
    retention: z
      .string()
      .max(10_000)
      .optional()
      .superRefine((v, ctx) => {
        const r = parseRetention(v);
        if (!r.ok) ctx.addIssue({ code: "custom", message: r.error });
      }),
    /** A YAML file of sender profiles: how to read free-text layouts of particular senders (docs/intake.md). */
    senderProfiles: z.string().min(1).optional(),
    /** More domains whose links are references (documentation, lookups), never subjects. Comma-separated. */
    referenceDomains: z
      .union([z.string(), z.array(z.string())])
      .transform((v) =>
        (Array.isArray(v) ? v : v.split(",")).map((d) => d.trim().toLowerCase()).filter(Boolean),
      )
      .pipe(
        z.array(
          z
            .string()
            .regex(
              /^[a-z0-9-]+(\.[a-z0-9-]+)+$/,
              "a comma-separated list of domains such as docs.example.org",
            ),
        ),
      )
      .default([]),
  })
  .refine((c) => Boolean(c.smtpTlsKey) === Boolean(c.smtpTlsCert), {
    message:
      "STARTTLS needs both ABUSEDESK_SMTP_TLS_KEY and ABUSEDESK_SMTP_TLS_CERT (PEM files); only one is set",
    path: ["smtpTlsKey"],
  });

export type Config = z.infer<typeof ConfigSchema>;

export type ConfigInput = z.input<typeof ConfigSchema>;

/** How each setting is given: its flag (if any) and its environment variable. */
export const SETTING_NAMES: Record<keyof ConfigInput, { flag?: string; env: string }> = {
  dataDir: { flag: "--data-dir", env: "ABUSEDESK_DATA_DIR" },
  databaseUrl: { env: "DATABASE_URL" },
  http: { flag: "--http", env: "ABUSEDESK_HTTP" },
  smtp: { flag: "--smtp", env: "ABUSEDESK_SMTP" },
  role: { flag: "--role", env: "ABUSEDESK_ROLE" },
  demo: { flag: "--demo", env: "ABUSEDESK_DEMO" },
  logLevel: { flag: "--log-level", env: "ABUSEDESK_LOG_LEVEL" },
  logFormat: { flag: "--log-format", env: "ABUSEDESK_LOG_FORMAT" },
  smtpMaxBytes: { env: "ABUSEDESK_SMTP_MAX_BYTES" },
  smtpName: { flag: "--smtp-name", env: "ABUSEDESK_SMTP_NAME" },
  smtpConnectionsPerMinute: {
    flag: "--smtp-connections-per-minute",
    env: "ABUSEDESK_SMTP_CONNECTIONS_PER_MINUTE",
  },
  smtpMessagesPerMinute: { flag: "--smtp-messages-per-minute", env: "ABUSEDESK_SMTP_MESSAGES_PER_MINUTE" },
  smtpRateExempt: { flag: "--smtp-rate-exempt", env: "ABUSEDESK_SMTP_RATE_EXEMPT" },
  signInRateAddress: { flag: "--sign-in-rate-address", env: "ABUSEDESK_SIGN_IN_RATE_ADDRESS" },
  signInRateAccount: { flag: "--sign-in-rate-account", env: "ABUSEDESK_SIGN_IN_RATE_ACCOUNT" },
  publicRate: { flag: "--public-rate", env: "ABUSEDESK_PUBLIC_RATE" },
  trustProxy: { flag: "--trust-proxy", env: "ABUSEDESK_TRUST_PROXY" },
  connectors: { flag: "--connectors", env: "ABUSEDESK_CONNECTORS" },
  measuresSweepSeconds: { env: "ABUSEDESK_MEASURES_SWEEP_SECONDS" },
  relay: { flag: "--relay", env: "ABUSEDESK_RELAY" },
  publicUrl: { flag: "--public-url", env: "ABUSEDESK_PUBLIC_URL" },
  templatesDir: { flag: "--templates", env: "ABUSEDESK_TEMPLATES_DIR" },
  outboxConcurrency: { env: "ABUSEDESK_OUTBOX_CONCURRENCY" },
  portalLinkDays: { env: "ABUSEDESK_PORTAL_LINK_DAYS" },
  policyDir: { env: "ABUSEDESK_POLICY_DIR" },
  policyDocumentsDir: { env: "ABUSEDESK_POLICY_DOCUMENTS_DIR" },
  secureCookies: { env: "ABUSEDESK_SECURE_COOKIES" },
  smtpTlsKey: { env: "ABUSEDESK_SMTP_TLS_KEY" },
  smtpTlsCert: { env: "ABUSEDESK_SMTP_TLS_CERT" },
  smtpMaxClients: { env: "ABUSEDESK_SMTP_MAX_CLIENTS" },
  imapConfig: { env: "ABUSEDESK_IMAP_CONFIG" },
  shadowserverConfig: { flag: "--shadowserver-config", env: "ABUSEDESK_SHADOWSERVER_CONFIG" },
  intakeWorkers: { env: "ABUSEDESK_INTAKE_WORKERS" },
  maxEventsPerReport: { env: "ABUSEDESK_MAX_EVENTS_PER_REPORT" },
  streamThreshold: { env: "ABUSEDESK_STREAM_THRESHOLD" },
  streamBatchRows: { env: "ABUSEDESK_STREAM_BATCH_ROWS" },
  maxFeedBytes: { env: "ABUSEDESK_MAX_FEED_BYTES" },
  maxFeedRows: { env: "ABUSEDESK_MAX_FEED_ROWS" },
  deadlineSweepSeconds: { env: "ABUSEDESK_DEADLINE_SWEEP_SECONDS" },
  rdapUrl: { env: "ABUSEDESK_RDAP_URL" },
  senderProfiles: { flag: "--sender-profiles", env: "ABUSEDESK_SENDER_PROFILES" },
  referenceDomains: { flag: "--reference-domains", env: "ABUSEDESK_REFERENCE_DOMAINS" },
  retention: { flag: "--retention", env: "ABUSEDESK_RETENTION" },
};

/** Defaults a command may set for itself (`start` logs at info, other commands at warn). */
export interface ConfigDefaults {
  logLevel?: string;
}

/** Flags win over the environment, which wins over the command's defaults. */
export function loadConfig(
  flags: Partial<Record<keyof ConfigInput, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
  defaults: ConfigDefaults = {},
): Config {
  const fromEnv = (key: keyof ConfigInput) => env[SETTING_NAMES[key].env] || undefined;
  const merged = {
    dataDir: flags.dataDir ?? env.ABUSEDESK_DATA_DIR,
    databaseUrl: flags.databaseUrl ?? (env.DATABASE_URL || undefined),
    http: flags.http ?? env.ABUSEDESK_HTTP,
    smtp: flags.smtp ?? env.ABUSEDESK_SMTP,
    role: flags.role ?? env.ABUSEDESK_ROLE,
    demo: flags.demo ?? (env.ABUSEDESK_DEMO ? env.ABUSEDESK_DEMO === "1" : undefined),
    logLevel: flags.logLevel ?? env.ABUSEDESK_LOG_LEVEL ?? defaults.logLevel,
    logFormat: flags.logFormat ?? fromEnv("logFormat"),
    smtpMaxBytes: flags.smtpMaxBytes ?? env.ABUSEDESK_SMTP_MAX_BYTES,
    smtpName: flags.smtpName ?? (env.ABUSEDESK_SMTP_NAME || undefined),
    smtpConnectionsPerMinute: flags.smtpConnectionsPerMinute ?? env.ABUSEDESK_SMTP_CONNECTIONS_PER_MINUTE,
    smtpMessagesPerMinute: flags.smtpMessagesPerMinute ?? env.ABUSEDESK_SMTP_MESSAGES_PER_MINUTE,
    smtpRateExempt: flags.smtpRateExempt ?? env.ABUSEDESK_SMTP_RATE_EXEMPT,
    policyDir: flags.policyDir ?? env.ABUSEDESK_POLICY_DIR,
    policyDocumentsDir: flags.policyDocumentsDir ?? env.ABUSEDESK_POLICY_DOCUMENTS_DIR,
    secureCookies:
      flags.secureCookies ??
      (env.ABUSEDESK_SECURE_COOKIES ? env.ABUSEDESK_SECURE_COOKIES === "1" : undefined),
    smtpTlsKey: flags.smtpTlsKey ?? fromEnv("smtpTlsKey"),
    smtpTlsCert: flags.smtpTlsCert ?? fromEnv("smtpTlsCert"),
    smtpMaxClients: flags.smtpMaxClients ?? fromEnv("smtpMaxClients"),
    imapConfig: flags.imapConfig ?? fromEnv("imapConfig"),
    shadowserverConfig: flags.shadowserverConfig ?? fromEnv("shadowserverConfig"),
    intakeWorkers: flags.intakeWorkers ?? fromEnv("intakeWorkers"),
    maxEventsPerReport: flags.maxEventsPerReport ?? fromEnv("maxEventsPerReport"),
    streamThreshold: flags.streamThreshold ?? fromEnv("streamThreshold"),
    streamBatchRows: flags.streamBatchRows ?? fromEnv("streamBatchRows"),
    maxFeedBytes: flags.maxFeedBytes ?? fromEnv("maxFeedBytes"),
    maxFeedRows: flags.maxFeedRows ?? fromEnv("maxFeedRows"),
    deadlineSweepSeconds: flags.deadlineSweepSeconds ?? fromEnv("deadlineSweepSeconds"),
    rdapUrl: flags.rdapUrl ?? (fromEnv("rdapUrl") as string | undefined)?.trim(),
    senderProfiles: flags.senderProfiles ?? fromEnv("senderProfiles"),
    referenceDomains: flags.referenceDomains ?? fromEnv("referenceDomains"),
    retention: flags.retention ?? fromEnv("retention"),
    signInRateAddress: flags.signInRateAddress ?? env.ABUSEDESK_SIGN_IN_RATE_ADDRESS,
    signInRateAccount: flags.signInRateAccount ?? env.ABUSEDESK_SIGN_IN_RATE_ACCOUNT,
    publicRate: flags.publicRate ?? env.ABUSEDESK_PUBLIC_RATE,
    trustProxy: flags.trustProxy ?? env.ABUSEDESK_TRUST_PROXY,
    connectors: flags.connectors ?? fromEnv("connectors"),
    measuresSweepSeconds: flags.measuresSweepSeconds ?? fromEnv("measuresSweepSeconds"),
    relay: flags.relay ?? fromEnv("relay"),
    publicUrl: flags.publicUrl ?? fromEnv("publicUrl"),
    templatesDir: flags.templatesDir ?? fromEnv("templatesDir"),
    outboxConcurrency: flags.outboxConcurrency ?? fromEnv("outboxConcurrency"),
    portalLinkDays: flags.portalLinkDays ?? fromEnv("portalLinkDays"),
  };
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    // Name each setting as the operator gives it: its flag and its environment variable.
    const issues = parsed.error.issues.map((issue) => {
      const key = issue.path[0] as keyof ConfigInput | undefined;
      const names = key ? SETTING_NAMES[key] : undefined;
      const name = names ? [names.flag, names.env].filter(Boolean).join(" / ") : "value";
      return { ...issue, path: [name] };
    });
    const given = Object.fromEntries(
      Object.entries(merged).map(([k, v]) => {
        const names = SETTING_NAMES[k as keyof ConfigInput];
        return [[names.flag, names.env].filter(Boolean).join(" / "), v];
      }),
    );
    throw new UserError(`configuration: ${explainIssues(issues, { place: "config", data: given })}`);
  }
  return parsed.data;
}

/**
 * A variable of the process environment named by a configuration file (an IMAP mailbox's `password_env`,
 * the connectors' `${NAME}` secrets): the one other place the environment is read. Empty is none.
 */
export function secretFromEnvironment(name: string | undefined, env = process.env): string | undefined {
  return name && Object.hasOwn(env, name) ? env[name] || undefined : undefined;
}

/** Who runs a command, for the audit log ("cli:alice"): the operating system's user. */
export function operatorName(env = process.env): string {
  return env.USER || env.LOGNAME || "unknown";
}
