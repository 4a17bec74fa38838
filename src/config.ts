/** Configuration from flags and the environment, validated once at start. */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { UserError } from "./errors.ts";

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

export const ROLES_OF_PROCESS = ["all", "web", "smtp", "worker"] as const;

export const ConfigSchema = z.object({
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
  /** Folder of the brands' policy profiles (*.yaml), and of the documents they quote. */
  policyDir: z.string().min(1).default(DEFAULT_POLICY_DIR),
  policyDocumentsDir: z.string().min(1).default(DEFAULT_POLICY_DOCUMENTS_DIR),
  /** Set behind a TLS-terminating proxy so that the session cookie is marked Secure. */
  secureCookies: z.boolean().default(false),
  /** The YAML file of measure connectors (docs/measures.md); none: every measure is done by a person. */
  connectors: z.string().min(1).optional(),
  /** Seconds between sweeps of the measures worker (dead workers' calls, lost jobs, expired measures). */
  measuresSweepSeconds: z.coerce.number().positive().max(3600).default(5),
});

export type Config = z.infer<typeof ConfigSchema>;

export type ConfigInput = z.input<typeof ConfigSchema>;

/** Flags win over the environment; the environment names are ABUSEDESK_* plus DATABASE_URL. */
export function loadConfig(flags: Partial<Record<keyof ConfigInput, unknown>>, env = process.env): Config {
  const merged = {
    dataDir: flags.dataDir ?? env.ABUSEDESK_DATA_DIR,
    databaseUrl: flags.databaseUrl ?? (env.DATABASE_URL || undefined),
    http: flags.http ?? env.ABUSEDESK_HTTP,
    smtp: flags.smtp ?? env.ABUSEDESK_SMTP,
    role: flags.role ?? env.ABUSEDESK_ROLE,
    demo: flags.demo ?? (env.ABUSEDESK_DEMO ? env.ABUSEDESK_DEMO === "1" : undefined),
    logLevel: flags.logLevel ?? env.ABUSEDESK_LOG_LEVEL,
    smtpMaxBytes: flags.smtpMaxBytes ?? env.ABUSEDESK_SMTP_MAX_BYTES,
    policyDir: flags.policyDir ?? env.ABUSEDESK_POLICY_DIR,
    policyDocumentsDir: flags.policyDocumentsDir ?? env.ABUSEDESK_POLICY_DOCUMENTS_DIR,
    secureCookies:
      flags.secureCookies ??
      (env.ABUSEDESK_SECURE_COOKIES ? env.ABUSEDESK_SECURE_COOKIES === "1" : undefined),
    connectors: flags.connectors ?? (env.ABUSEDESK_CONNECTORS || undefined),
    measuresSweepSeconds: flags.measuresSweepSeconds ?? env.ABUSEDESK_MEASURES_SWEEP_SECONDS,
  };
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`configuration: ${issue.path.join(".") || "value"}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * A variable of the process environment, for `${NAME}` references in configuration files (the connectors'
 * secrets): the one other place the environment is read.
 */
export function environmentValue(name: string, env = process.env): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : undefined;
}
