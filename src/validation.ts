/**
 * Validation errors as sentences a person can act on: "the field `owner` is required: give the user's id or
 * e-mail address". One formatter for every place a zod error reaches a person (the API's 400 answers, the
 * configuration, imports). It names the field, says what is wrong and what to write instead, and uses the
 * schema's own description of the field where there is one.
 */
import type { z } from "zod";

/** Where the value came from, as a person calls it. */
export type Place = "body" | "querystring" | "params" | "headers" | "config" | "value";

const PLACE_WORDS: Record<Place, string> = {
  body: "the field",
  querystring: "the query parameter",
  params: "the path parameter",
  headers: "the header",
  config: "the setting",
  value: "the value",
};

/** The parts of a zod issue the formatter reads (zod's own issue, or fastify-type-provider-zod's copy). */
export interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  expected?: unknown;
  format?: string;
  origin?: string;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  values?: readonly unknown[];
  keys?: readonly string[];
  pattern?: string;
}

type Def = Record<string, unknown>;
/** A schema's definition (zod 4 keeps it in `_zod.def`). */
function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** Peels optional, nullable, default, pipe and the like off a schema. */
function core(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; s && i < 20; i++) {
    const def = defOf(s);
    const inner = (def?.innerType ?? (def?.type === "pipe" ? def.in : undefined)) as z.ZodType | undefined;
    if (!inner) break;
    s = inner;
  }
  return s;
}

/** The schema of the field at `path` inside `schema`, if it can be found. */
export function fieldSchema(
  schema: z.ZodType | undefined,
  path: readonly PropertyKey[],
): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const key of path) {
    const def = defOf(core(s));
    if (!def) return undefined;
    if (def.type === "object") s = (def.shape as Record<string, z.ZodType>)[String(key)];
    else if (def.type === "array") s = def.element as z.ZodType;
    else if (def.type === "record") s = def.valueType as z.ZodType;
    else return undefined;
  }
  return s;
}

function descriptionOf(schema: z.ZodType | undefined): string | undefined {
  for (let s = schema, i = 0; s && i < 20; i++) {
    if (s.description) return s.description;
    const def = defOf(s);
    s = (def?.innerType ?? (def?.type === "pipe" ? def.in : undefined)) as z.ZodType | undefined;
  }
  return undefined;
}

const FORMAT_WORDS: Record<string, string> = {
  email: "an e-mail address such as abuse@example.nl",
  datetime: "a date and time such as 2026-12-01T10:00:00Z",
  date: "a date such as 2026-12-01",
  time: "a time such as 10:00:00",
  url: "a URL such as https://example.nl/",
  uuid: "a UUID",
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
  cidrv4: "an IPv4 range such as 192.0.2.0/24",
  cidrv6: "an IPv6 range such as 2001:db8::/32",
  regex: "text in the right form",
};

function list(values: readonly unknown[]): string {
  const words = values.map((v) => (v === null ? "null" : typeof v === "string" ? v : JSON.stringify(v)));
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

/** What a value of this schema looks like, in a few words ("a whole number", "one of new, closed"). */
function typeWords(schema: z.ZodType | undefined, expected?: unknown): string {
  const def = defOf(core(schema));
  const type = (def?.type as string | undefined) ?? (typeof expected === "string" ? expected : undefined);
  switch (type) {
    case "string": {
      const format = (def as { format?: string } | undefined)?.format;
      return (format && FORMAT_WORDS[format]) || "a text";
    }
    case "number":
    case "int": {
      const checks = ((def?.checks as unknown[] | undefined) ?? []).map((c) => defOf(c)?.format);
      const whole = type === "int" || [def?.format, ...checks].some((f) => String(f ?? "").includes("int"));
      return whole ? "a whole number" : "a number";
    }
    case "bigint":
      return "a whole number";
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${list(Object.values((def as { entries: Record<string, unknown> }).entries))}`;
    case "literal":
      return list((def as { values: unknown[] }).values);
    case "array":
      return "a list";
    case "object":
    case "record":
      return "an object";
    case "null":
      return "null";
    case "date":
      return "a date";
    case "union":
      return list(((def as { options: z.ZodType[] }).options ?? []).map((o) => typeWords(o)));
    default:
      return "a value";
  }
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "a text";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "true or false";
  if (typeof value === "object") return "an object";
  return typeof value;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    if (!Object.hasOwn(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function bound(issue: IssueLike, limit: unknown, more: boolean): string {
  const n = Number(limit);
  const strict = issue.inclusive === false;
  const what =
    issue.origin === "string"
      ? `${n} character${n === 1 ? "" : "s"}`
      : issue.origin === "array" || issue.origin === "set"
        ? `${n} item${n === 1 ? "" : "s"}`
        : issue.origin === "date"
          ? new Date(n).toISOString()
          : String(limit);
  if (more) return strict ? `more than ${what}` : `at least ${what}`;
  return strict ? `less than ${what}` : `at most ${what}`;
}

export interface ExplainContext {
  place: Place;
  /** The schema that was applied (for the field's description and type). */
  schema?: z.ZodType | undefined;
  /** The input that was checked (to tell a missing value from a wrong one). */
  data?: unknown;
}

/** One issue as one sentence. */
export function explainIssue(issue: IssueLike, ctx: ExplainContext): string {
  const path = issue.path.map(String).filter((p) => p !== "");
  const field = fieldSchema(ctx.schema, issue.path);
  const described = descriptionOf(field);
  const hint = described ?? typeWords(field, issue.expected);
  const value = valueAt(ctx.data, issue.path);
  if (path.length === 0) {
    // The whole body (or query) is wrong: usually missing.
    if (ctx.place === "body" && (ctx.data === undefined || ctx.data === null)) {
      return `the request needs a JSON body (${typeWords(ctx.schema)}); send it with Content-Type application/json`;
    }
    if (issue.code === "invalid_type") {
      return `the ${ctx.place === "body" ? "request body" : PLACE_WORDS[ctx.place].replace(/^the /, "")} must be ${typeWords(ctx.schema, issue.expected)}, not ${kindOf(ctx.data)}`;
    }
    return `the ${ctx.place === "body" ? "request body" : "request"} is not valid: ${issue.message}`;
  }
  const label = path.map((p, i) => (i > 0 && /^\d+$/.test(p) ? `[${p}]` : i > 0 ? `.${p}` : p)).join("");
  const name = `${PLACE_WORDS[ctx.place]} \`${label}\``;
  if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_union"))
    return `${name} is required: give ${hint}`;
  switch (issue.code) {
    case "invalid_type":
      return `${name} must be ${typeWords(field, issue.expected)}, not ${kindOf(value)}${described ? ` (${described})` : ""}`;
    case "invalid_value":
    case "invalid_enum_value":
      return `${name} must be ${issue.values ? `one of ${list(issue.values)}` : hint}${typeof value === "string" ? `, not "${value.slice(0, 60)}"` : ""}`;
    case "invalid_format": {
      const words =
        issue.format === "regex" && issue.message && !/^Invalid/.test(issue.message)
          ? issue.message
          : (FORMAT_WORDS[issue.format ?? ""] ?? hint);
      // "use a host name such as …" reads as "… must be a host name such as …"; other instructions stand.
      if (/^use /.test(words)) return `${name} must be ${words.slice(4)}`;
      if (/^(write|give|name|choose|list|send|enter) /.test(words)) return `${name}: ${words}`;
      return `${name} must be ${words}`;
    }
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1)
        return `${name} must not be empty: give ${hint}`;
      return `${name} must be ${bound(issue, issue.minimum, true)}`;
    case "too_big":
      return `${name} must be ${bound(issue, issue.maximum, false)}`;
    case "unrecognized_keys": {
      const keys = (issue.keys ?? []).map((k) => `\`${k}\``);
      return `${name} has ${keys.length === 1 ? "a field" : "fields"} we do not know: ${keys.join(", ")}; leave ${keys.length === 1 ? "it" : "them"} out`;
    }
    case "invalid_union":
      return `${name} must be ${hint}`;
    case "not_multiple_of":
      return `${name} must be a multiple of ${String((issue as { divisor?: unknown }).divisor)}`;
    default:
      // custom refinements carry a message written for people
      return /^Invalid/.test(issue.message)
        ? `${name} is not valid: give ${hint}`
        : `${name}: ${issue.message}`;
  }
}

/** Every issue as sentences, joined: values given wrongly first, then those missing. */
export function explainIssues(issues: readonly IssueLike[], ctx: ExplainContext): string {
  const given = (i: IssueLike) => (valueAt(ctx.data, i.path) === undefined ? 1 : 0);
  const ordered = [...issues].sort((a, b) => given(a) - given(b));
  const sentences = [...new Set(ordered.map((i) => explainIssue(i, ctx)))];
  return sentences.length <= 3
    ? sentences.join("; ")
    : `${sentences.slice(0, 3).join("; ")} (and ${sentences.length - 3} more problems)`;
}

/** A zod error of a whole value (configuration, an import): sentences. */
export function explainZodError(error: z.ZodError, ctx: ExplainContext): string {
  return explainIssues(error.issues as unknown as IssueLike[], ctx);
}
