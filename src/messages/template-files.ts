/**
 * The template folders: the built-in `templates/` and the operator's (ABUSEDESK_TEMPLATES_DIR), each with
 * desk-wide files `<name>.<lang>.md` and per-brand overrides `<brand>/<name>.<lang>.md`. An operator's file
 * replaces the built-in file of the same brand, name and language. Everything is read and checked once at
 * start; a problem in any file stops the desk with every problem listed.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PolicyProfile } from "../policy/schema.ts";
import {
  checkTemplate,
  isKnownTemplate,
  type MessageTemplate,
  parseTemplate,
  TEMPLATE_NAMES,
  TemplateError,
} from "./templates.ts";
import { isLanguage, type Language } from "./vocabulary.ts";

export const BUILTIN_TEMPLATES_DIR = fileURLToPath(new URL("../../templates", import.meta.url));

/** Every template must exist desk-wide in these languages. */
export const REQUIRED_LANGUAGES: readonly Language[] = ["nl", "en"];

/** More files than this in a folder is not a template folder (a wrong path); stop rather than read on. */
export const MAX_TEMPLATE_FILES = 2_000;
export const MAX_TEMPLATE_BYTES = 256 * 1024;

const DESK = "*";
const FILE = /^([a-z][a-z0-9_]*)\.([a-z]{2})\.md$/;

export class TemplatesBrokenError extends Error {
  constructor(readonly problems: string[]) {
    super(`message templates are broken:\n  ${problems.join("\n  ")}`);
    this.name = "TemplatesBrokenError";
  }
}

/** The checked templates, by brand, name and language. */
export class TemplateSet {
  constructor(private readonly byKey: ReadonlyMap<string, MessageTemplate>) {}

  /** The template for this brand in the first of `languages` that has one (a brand's own file first). */
  resolve(brand: string, name: string, languages: readonly Language[]): MessageTemplate | undefined {
    for (const lang of languages) {
      const t = this.byKey.get(`${brand}/${name}/${lang}`) ?? this.byKey.get(`${DESK}/${name}/${lang}`);
      if (t) return t;
    }
    return undefined;
  }

  /** Every template as `brand/name/language` (`desk/…` for the desk's own), sorted. */
  keys(): string[] {
    return [...this.byKey.keys()].sort();
  }

  has(name: string): boolean {
    for (const t of this.byKey.values()) if (t.name === name) return true;
    return false;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Every template, for listing. */
  all(): MessageTemplate[] {
    return [...this.byKey.values()];
  }
}

interface FoundFile {
  brand: string;
  name: string;
  language: Language;
  file: string;
}

async function listFolder(dir: string, problems: string[]): Promise<FoundFile[]> {
  const out: FoundFile[] = [];
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    problems.push(`${dir}: cannot read the template folder (${(err as NodeJS.ErrnoException).code})`);
    return out;
  }
  const visit = async (brand: string, folder: string, list: import("node:fs").Dirent[]) => {
    for (const e of list) {
      if (out.length >= MAX_TEMPLATE_FILES) {
        problems.push(`${dir}: more than ${MAX_TEMPLATE_FILES} files; is this the template folder?`);
        return;
      }
      const full = path.join(folder, e.name);
      if (e.isDirectory()) {
        if (brand !== DESK) problems.push(`${full}: brand folders hold files, not other folders`);
        else await visit(e.name, full, await readdir(full, { withFileTypes: true }));
        continue;
      }
      if (!e.isFile() || !e.name.endsWith(".md")) continue;
      const m = FILE.exec(e.name);
      if (!m || !isLanguage(m[2])) {
        problems.push(`${full}: name it <template>.<language>.md, e.g. notice.nl.md (languages: nl, en, fr)`);
        continue;
      }
      out.push({ brand, name: m[1]!, language: m[2] as Language, file: full });
    }
  };
  await visit(DESK, dir, entries);
  return out;
}

/**
 * Reads and checks the built-in and the operator's templates against the brands' profiles. Throws
 * TemplatesBrokenError listing every problem.
 */
export async function loadTemplates(opts: {
  builtinDir?: string;
  operatorDir?: string | undefined;
  policies: ReadonlyMap<string, PolicyProfile>;
}): Promise<TemplateSet> {
  const problems: string[] = [];
  const byKey = new Map<string, MessageTemplate>();
  const dirs = [opts.builtinDir ?? BUILTIN_TEMPLATES_DIR];
  if (opts.operatorDir) {
    const s = await stat(opts.operatorDir).catch(() => undefined);
    if (!s?.isDirectory())
      throw new TemplatesBrokenError([
        `${opts.operatorDir} is not a folder; set ABUSEDESK_TEMPLATES_DIR to the folder of your templates`,
      ]);
    dirs.push(opts.operatorDir);
  }
  const allowed = (brand: string) =>
    opts.policies.get(brand)?.reporter_identity.pass_to_customer === "always";
  for (const dir of dirs) {
    for (const f of await listFolder(dir, problems)) {
      if (f.brand !== DESK && !opts.policies.has(f.brand)) {
        problems.push(
          `${f.file}: ${f.brand} is not a brand with a policy profile (known: ${[...opts.policies.keys()].join(", ")})`,
        );
        continue;
      }
      const text = await readFile(f.file, "utf8");
      if (text.length > MAX_TEMPLATE_BYTES) {
        problems.push(`${f.file}: larger than ${MAX_TEMPLATE_BYTES / 1024} KB; a letter is shorter`);
        continue;
      }
      try {
        const t = parseTemplate(text, {
          name: f.name,
          language: f.language,
          brand: f.brand === DESK ? null : f.brand,
          source: f.file,
        });
        // A desk-wide template is used by every brand: it may only name the reporter if every brand allows it.
        const reporterIdentityAllowed =
          f.brand === DESK
            ? opts.policies.size > 0 && [...opts.policies.keys()].every(allowed)
            : allowed(f.brand);
        for (const p of checkTemplate(t, { reporterIdentityAllowed })) problems.push(`${f.file}: ${p}`);
        byKey.set(`${f.brand}/${f.name}/${f.language}`, t);
      } catch (err) {
        if (err instanceof TemplateError) problems.push(err.message);
        else throw err;
      }
    }
  }
  for (const name of TEMPLATE_NAMES)
    for (const lang of REQUIRED_LANGUAGES)
      if (!byKey.has(`${DESK}/${name}/${lang}`))
        problems.push(`${name}.${lang}.md is missing: every message the desk sends exists in NL and EN`);
  for (const [brand, profile] of opts.policies)
    for (const [step, name] of Object.entries(profile.messages.templates)) {
      if (name === "none") continue;
      const found = [...byKey.values()].filter(
        (t) => t.name === name && (t.brand === null || t.brand === brand),
      );
      if (found.length === 0)
        problems.push(
          `the profile of ${brand} names template "${name}" for ${step} (messages.templates), but there is no ${name}.<language>.md in the template folders`,
        );
      else if (found.some((t) => t.party !== "customer"))
        problems.push(
          `the profile of ${brand} names template "${name}" for ${step}, but it is written to the ${found[0]!.party}; a step's message goes to the customer`,
        );
      else if (isKnownTemplate(name) && !CUSTOMER_STEP_TEMPLATES.includes(name))
        problems.push(`the profile of ${brand} names "${name}" for ${step}; that template is not for a step`);
    }
  if (problems.length > 0) throw new TemplatesBrokenError(problems);
  return new TemplateSet(byKey);
}

/** Built-in templates a profile may name for a step. */
const CUSTOMER_STEP_TEMPLATES: readonly string[] = [
  "notice",
  "request_information",
  "reminder",
  "notice_of_default",
  "decision",
  "measure_taken",
];
