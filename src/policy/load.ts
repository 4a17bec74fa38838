/**
 * Reads and validates the policy profiles (`policy/profiles/*.yaml`). A broken profile stops start-up
 * with the file, the line and the reason, so an operator can fix it without reading code.
 */
import { readdir, readFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { type PolicyProfile, PolicyProfileSchema } from "./schema.ts";

/** One thing wrong in a profile, pointing at where it is. */
export interface ProfileProblem {
  file: string;
  /** 1-based line and column in the file. */
  line: number;
  column: number;
  /** Where in the profile, e.g. `rules[2].ladder[0].step`. */
  path: string;
  message: string;
}

/** The profiles could not be loaded; `message` lists every problem as `file:line:column: path: reason`. */
export class PolicyProfileError extends Error {
  constructor(readonly problems: readonly ProfileProblem[]) {
    super(
      `policy profiles are broken:\n${problems.map((p) => `  ${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.message}`).join("\n")}`,
    );
    this.name = "PolicyProfileError";
  }
}

export type ParseResult = { ok: true; profile: PolicyProfile } | { ok: false; problems: ProfileProblem[] };

export interface ParseOptions {
  /**
   * The texts of the cited documents, by file name (`documents[].file`). When given, every quote must
   * appear in its document, word for word (whitespace may differ; "…" stands for left-out text).
   */
  documentTexts?: ReadonlyMap<string, string>;
}

/** Parses and validates one profile's YAML text; `file` is only used in the problems. */
export function parsePolicyProfile(source: string, file: string, options: ParseOptions = {}): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0)
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        file,
        ...at(e.pos[0]),
        path: "",
        message: `not valid YAML: ${e.message.split("\n")[0] ?? e.code}`,
      })),
    };

  const parsed = PolicyProfileSchema.safeParse(doc.toJS());
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const where = locate(doc.contents, issuePath(issue));
        return {
          file,
          ...at(where.offset),
          path: formatPath(issuePath(issue)),
          message: explain(issue, where),
        };
      }),
    };

  const profile = parsed.data;
  const problems: ProfileProblem[] = [];
  const stem = basename(file, extname(file));
  if (profile.brand !== stem) {
    const where = locate(doc.contents, ["brand"]);
    problems.push({
      file,
      ...at(where.offset),
      path: "brand",
      message: `brand "${profile.brand}" does not match the file name; name the file ${profile.brand}.yaml or change the brand`,
    });
  }
  if (options.documentTexts)
    for (const miss of findMisquotes(profile, options.documentTexts)) {
      const where = locate(doc.contents, miss.path);
      problems.push({ file, ...at(where.offset), path: formatPath(miss.path), message: miss.message });
    }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, profile };
}

/**
 * Any YAML configuration file checked against a zod schema, with every problem pointing at its line (the
 * connectors file uses this as the profiles do). `prepare` may rewrite the parsed document first (e.g.
 * fill in `${ENV}` references) and report problems at a node.
 */
export function parseYamlFile<S extends z.ZodType>(
  schema: S,
  source: string,
  file: string,
  prepare?: (doc: Document.Parsed, problem: (node: Node | null | undefined, message: string) => void) => void,
  /** The document that describes the file's fields, named in "unknown field" problems. */
  docs = "docs/policy-profiles.md",
): { ok: true; value: z.output<S> } | { ok: false; problems: ProfileProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0)
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        file,
        ...at(e.pos[0]),
        path: "",
        message: `not valid YAML: ${e.message.split("\n")[0] ?? e.code}`,
      })),
    };
  const problems: ProfileProblem[] = [];
  prepare?.(doc, (node, message) => problems.push({ file, ...at(node?.range?.[0] ?? 0), path: "", message }));
  if (problems.length > 0) return { ok: false, problems };
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const where = locate(doc.contents, issuePath(issue));
        return {
          file,
          ...at(where.offset),
          path: formatPath(issuePath(issue)),
          message: explain(issue, where).replace("docs/policy-profiles.md", docs),
        };
      }),
    };
  return { ok: true, value: parsed.data };
}

export interface LoadOptions {
  /** Folder holding the cited documents' texts; quotes are then checked against them. */
  documentsDir?: string;
}

/**
 * Loads every `*.yaml` / `*.yml` profile in `dir`, keyed by brand id. Throws PolicyProfileError listing all
 * problems of all files when any profile is broken, or when two files claim the same brand.
 */
export async function loadPolicyProfiles(
  dir: string,
  options: LoadOptions = {},
): Promise<ReadonlyMap<string, PolicyProfile>> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const problems: ProfileProblem[] = [];
  const profiles = new Map<string, PolicyProfile>();
  const documentCache = new Map<string, string>();
  for (const name of names) {
    const file = join(dir, name);
    const source = await readFile(file, "utf8");
    let documentTexts: Map<string, string> | undefined;
    if (options.documentsDir) {
      documentTexts = new Map();
      for (const wanted of documentFiles(source)) {
        let text = documentCache.get(wanted);
        if (text === undefined) {
          text = await readFile(join(options.documentsDir, wanted), "utf8").catch(() => "");
          documentCache.set(wanted, text);
        }
        if (text) documentTexts.set(wanted, text);
      }
    }
    const result = parsePolicyProfile(source, file, documentTexts ? { documentTexts } : {});
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    if (profiles.has(result.profile.brand))
      problems.push({
        file,
        line: 1,
        column: 1,
        path: "brand",
        message: `brand "${result.profile.brand}" has a profile in two files`,
      });
    profiles.set(result.profile.brand, result.profile);
  }
  if (names.length === 0)
    problems.push({
      file: dir,
      line: 1,
      column: 1,
      path: "",
      message: "no *.yaml policy profiles in this folder",
    });
  if (problems.length > 0) throw new PolicyProfileError(problems);
  return profiles;
}

/** Quotes that cannot be found in their document's text, with the path of the `quote` field. */
export function findMisquotes(
  profile: PolicyProfile,
  documentTexts: ReadonlyMap<string, string>,
): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const texts = new Map<string, string>();
  for (const d of profile.documents) {
    const text = d.file ? documentTexts.get(d.file) : undefined;
    if (text !== undefined) texts.set(d.id, normalise(text));
  }
  const check = (clause: { document: string; quote: string } | undefined, path: (string | number)[]) => {
    if (!clause) return;
    const text = texts.get(clause.document);
    if (text === undefined || quoteOccurs(clause.quote, text)) return;
    out.push({
      path: [...path, "quote"],
      message: `this quote is not in document "${clause.document}" word for word; copy the sentence from the document`,
    });
  };
  check(profile.reporter_identity.clause, ["reporter_identity", "clause"]);
  const rules: [(string | number)[], PolicyProfile["fallback"]][] = [
    ...profile.rules.map((r, i): [(string | number)[], PolicyProfile["fallback"]] => [["rules", i], r]),
    [["fallback"], profile.fallback],
  ];
  for (const [path, rule] of rules) {
    check(rule.basis, [...path, "basis"]);
    rule.ladder.forEach((rung, i) => {
      check(rung.clause, [...path, "ladder", i, "clause"]);
    });
  }
  return out;
}

/** Whether the quote's parts (split at "…") appear in the text in order. */
export function quoteOccurs(quote: string, normalisedText: string): boolean {
  let from = 0;
  for (const part of quote.split("…").map(normalise)) {
    if (part === "") continue;
    const at = normalisedText.indexOf(part, from);
    if (at < 0) return false;
    from = at + part.length;
  }
  return true;
}

function normalise(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** The `file:` values of a profile's documents, read before validation so quotes can be checked. */
function documentFiles(source: string): string[] {
  const js = parseDocument(source).toJS() as { documents?: { file?: unknown }[] } | null;
  const docs = Array.isArray(js?.documents) ? js.documents : [];
  return docs.map((d) => d?.file).filter((f): f is string => typeof f === "string");
}

// ---------------------------------------------------------------------------------------------------
// From a zod issue to a line

type Segment = string | number;

export function issuePath(issue: z.core.$ZodIssue): Segment[] {
  const path = issue.path.filter((p): p is Segment => typeof p !== "symbol");
  // Point at the unknown key itself rather than at the object that holds it.
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) return [...path, issue.keys[0]];
  return path;
}

interface Location {
  offset: number;
  /** The path was found all the way down. */
  found: boolean;
  /** The YAML node's value at the path, when found. */
  value?: unknown;
}

/**
 * The source offset of the node at `path`. When the path is missing (a required field left out), the
 * offset of the deepest key on the way, so the operator is shown the block the field belongs in.
 */
export function locate(root: unknown, path: Segment[]): Location {
  let node = root as Node | null | undefined;
  let offset = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
  for (const [i, key] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && (isScalar(p.key) ? p.key.value === key : p.key === key),
      );
      if (!pair) return { offset, found: false };
      const keyNode = pair.key as Node | null;
      const valueNode = pair.value as Node | null;
      const keyOffset = keyNode?.range?.[0] ?? offset;
      if (last) {
        // A scalar value is shown where it stands; a block, a null value or an unknown key at its key.
        const at = valueNode?.range && isScalar(valueNode) ? valueNode.range[0] : keyOffset;
        return { offset: at, found: true, value: toValue(valueNode) };
      }
      offset = keyOffset;
      node = valueNode;
    } else if (isSeq(node) && typeof key === "number") {
      const item = node.items[key] as Node | undefined;
      if (!item) return { offset, found: false };
      offset = item.range?.[0] ?? offset;
      if (last) return { offset, found: true, value: toValue(item) };
      node = item;
    } else return { offset, found: false };
  }
  return { offset, found: true, value: toValue(node) };
}

function toValue(node: Node | null | undefined): unknown {
  if (!node) return undefined;
  return isScalar(node) ? node.value : node.toJSON();
}

export function formatPath(path: Segment[]): string {
  return path.reduce<string>((s, p) => (typeof p === "number" ? `${s}[${p}]` : s ? `${s}.${p}` : p), "");
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a text",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping of fields",
};

/** A zod issue in words an operator understands. */
function explain(issue: z.core.$ZodIssue, where: Location): string {
  const key = issue.path.at(-1);
  switch (issue.code) {
    case "invalid_type": {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (!where.found || where.value === undefined || where.value === null)
        return `"${String(key)}" is required (${expected})`;
      return `expected ${expected}, got ${JSON.stringify(where.value)}`;
    }
    case "invalid_value":
      return `${JSON.stringify(where.value)} is not allowed here; use one of: ${issue.values.map(String).join(", ")}`;
    case "unrecognized_keys":
      return `unknown field "${issue.keys.join('", "')}"; check the spelling (see docs/policy-profiles.md)`;
    case "invalid_union":
      if (!where.found || where.value === undefined || where.value === null)
        return `"${String(key)}" is required`;
      return issue.message;
    default:
      return issue.message;
  }
}
