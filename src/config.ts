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
    signInRateAddress: flags.signInRateAddress ?? env.ABUSEDESK_SIGN_IN_RATE_ADDRESS,
    signInRateAccount: flags.signInRateAccount ?? env.ABUSEDESK_SIGN_IN_RATE_ACCOUNT,
    publicRate: flags.publicRate ?? env.ABUSEDESK_PUBLIC_RATE,
    trustProxy: flags.trustProxy ?? env.ABUSEDESK_TRUST_PROXY,
  };
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`configuration: ${issue.path.join(".") || "value"}: ${issue.message}`);
  }
  return parsed.data;
}
