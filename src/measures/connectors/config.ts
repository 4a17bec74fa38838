/**
 * The connectors file (`ABUSEDESK_CONNECTORS` / `--connectors FILE`): which connector carries out which
 * steps for which brands, validated at start with the file, the line and the reason, like the policy
 * profiles. `${NAME}` in a value is taken from the environment (secrets stay out of the file).
 * docs/measures.md describes every field for operators.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { isScalar, visit } from "yaml";
import { z } from "zod";
import { type ProfileProblem, parseYamlFile } from "../../policy/load.ts";
import { CONNECTOR_STEPS, type ConnectorStep } from "../lifecycle.ts";
import { normaliseDomain } from "../payload.ts";

const id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,62}$/,
    "use lower-case letters, digits, '.', '_' or '-' (e.g. hosting-panel)",
  );
const text = z.string().trim().min(1, "must not be empty");
const argv = z
  .array(text)
  .min(1, "give the program and its arguments as a list, e.g. [rndc, reload]")
  .max(100);
const path = text.refine(isAbsolute, "use an absolute path, e.g. /var/lib/abusedesk/blocked.rpz");

/** How often and how patiently a failing call is made again. */
const RetrySchema = z.strictObject({
  attempts: z.number().int().min(1).max(100).default(5),
  backoff_seconds: z.number().positive().max(86_400).default(5),
  max_backoff_seconds: z.number().positive().max(86_400).default(3600),
});

const base = {
  id,
  /** Brand ids this connector works for; left out: every brand. */
  brands: z.array(id).min(1).optional(),
  steps: z
    .array(
      // Referral and data provision are always done by a person.
      z.enum(CONNECTOR_STEPS),
    )
    .min(1, "name at least one step"),
  timeout_seconds: z.number().positive().max(600).default(10),
  retry: RetrySchema.prefault({}),
};

export const WebhookSchema = z.strictObject({
  type: z.literal("webhook"),
  ...base,
  url: z
    .url({ protocol: /^https?$/, error: "use an http:// or https:// address" })
    .describe("where the JSON is POSTed"),
  secret: z.string().min(16, "use a secret of at least 16 characters (the HMAC-SHA256 key)"),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(1000)).optional(),
});

export const CommandSchema = z.strictObject({
  type: z.literal("command"),
  ...base,
  command: argv.describe("the program and its arguments; no shell"),
  /** The environment of the program (nothing else of abusedesk's environment is passed on). */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
});

const fileBase = {
  ...base,
  path,
  /** Run after each write so that the server reads the new file, e.g. [rndc, reload, rpz.example]. */
  reload: argv.optional(),
};

export const RpzSchema = z.strictObject({
  type: z.literal("rpz"),
  ...fileBase,
  zone: text.refine((z) => normaliseDomain(z) !== undefined, "use a zone name, e.g. rpz.abusedesk.example"),
  ttl: z.number().int().min(0).max(86_400).default(300),
  /** What a blocked name answers: NXDOMAIN, an empty answer, or nothing (dropped). */
  policy: z.enum(["nxdomain", "nodata", "drop"]).default("nxdomain"),
  /** Also block every name under a blocked domain. */
  wildcard: z.boolean().default(true),
  soa: z
    .strictObject({
      mname: text.default("localhost."),
      rname: text.default("hostmaster.localhost."),
    })
    .prefault({}),
});

const community = z
  .string()
  .regex(/^\d{1,5}:\d{1,5}$/, 'write a BGP community as "ASN:value", e.g. 65535:666')
  .refine((c) => c.split(":").every((n) => Number(n) <= 65535), "both halves must be at most 65535");

export const NullrouteSchema = z.strictObject({
  type: z.literal("nullroute"),
  ...fileBase,
  /** plain: one prefix a line; exabgp: `announce route … community […]` lines; bird: static `route … blackhole` lines. */
  format: z.enum(["plain", "exabgp", "bird"]).default("plain"),
  family: z.enum(["ipv4", "ipv6", "both"]).default("both"),
  next_hop: text.default("self"),
  /** RFC 7999 BLACKHOLE by default. */
  communities: z.array(community).default(["65535:666"]),
});

export const ConnectorSchema = z.discriminatedUnion(
  "type",
  [WebhookSchema, CommandSchema, RpzSchema, NullrouteSchema],
  { error: "type must be one of: webhook, command, rpz, nullroute" },
);
export type ConnectorConfig = z.output<typeof ConnectorSchema>;
export type WebhookConfig = z.output<typeof WebhookSchema>;
export type CommandConfig = z.output<typeof CommandSchema>;
export type RpzConfig = z.output<typeof RpzSchema>;
export type NullrouteConfig = z.output<typeof NullrouteSchema>;

export const ConnectorsFileSchema = z
  .strictObject({ connectors: z.array(ConnectorSchema).max(1000) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.connectors.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({
          code: "custom",
          path: ["connectors", i, "id"],
          message: `id "${c.id}" is used twice`,
        });
      seen.add(c.id);
    });
    // One connector per brand and step: a brand's own connector wins over one for every brand.
    file.connectors.forEach((c, i) => {
      for (const other of file.connectors.slice(0, i)) {
        const both = c.steps.filter((s) => other.steps.includes(s));
        if (both.length === 0 || Boolean(c.brands) !== Boolean(other.brands)) continue;
        const brands = c.brands && other.brands ? c.brands.filter((b) => other.brands!.includes(b)) : ["*"];
        if (brands.length === 0) continue;
        ctx.addIssue({
          code: "custom",
          path: ["connectors", i, "steps"],
          message: `connector "${other.id}" already carries out ${both.join(", ")} for ${brands[0] === "*" ? "every brand" : `brand ${brands.join(", ")}`}; give each step of a brand one connector`,
        });
      }
    });
  });

export type ConnectorsFile = z.output<typeof ConnectorsFileSchema>;

/** The connectors file could not be loaded; `message` lists every problem as `file:line:column: reason`. */
export class ConnectorsFileError extends Error {
  constructor(readonly problems: readonly ProfileProblem[]) {
    super(
      `the connectors file is broken:\n${problems.map((p) => `  ${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.message}`).join("\n")}`,
    );
    this.name = "ConnectorsFileError";
  }
}

/** How `${NAME}` references are looked up (src/config.ts passes the process environment). */
export type EnvLookup = (name: string) => string | undefined;

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Parses and validates a connectors file's text; `file` is only used in the problems. */
export function parseConnectorsFile(
  source: string,
  file: string,
  env: EnvLookup,
): { ok: true; value: ConnectorsFile } | { ok: false; problems: ProfileProblem[] } {
  return parseYamlFile(
    ConnectorsFileSchema,
    source,
    file,
    (doc, problem) => {
      visit(doc, {
        Scalar(_key, node) {
          if (!isScalar(node) || typeof node.value !== "string" || !node.value.includes("${")) return;
          node.value = node.value.replace(REFERENCE, (whole, name: string) => {
            const value = env(name);
            if (value === undefined || value === "") {
              problem(
                node,
                `the environment variable ${name} is not set (the file refers to ${whole}); export it before starting abusedesk`,
              );
              return whole;
            }
            return value;
          });
        },
      });
    },
    "docs/measures.md",
  );
}

/** Reads and validates the connectors file; throws ConnectorsFileError listing every problem. */
export async function readConnectorsFile(file: string, env: EnvLookup): Promise<ConnectorsFile> {
  let source: string;
  try {
    source = await readFile(file, "utf8");
  } catch (err) {
    throw new ConnectorsFileError([
      {
        file,
        line: 1,
        column: 1,
        path: "",
        message: `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check ABUSEDESK_CONNECTORS / --connectors`,
      },
    ]);
  }
  const parsed = parseConnectorsFile(source, file, env);
  if (!parsed.ok) throw new ConnectorsFileError(parsed.problems);
  return parsed.value;
}

export type { ConnectorStep };
