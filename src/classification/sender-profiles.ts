/**
 * The sender-profiles file (ABUSEDESK_SENDER_PROFILES / --sender-profiles): read and validated at start
 * like the policy profiles. A broken file stops start-up with `file:line:column: path: reason` for every
 * problem, so that an operator can fix it without reading code. What a profile does: src/parsers/profiles.ts.
 */
import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { patternProblem, type SenderProfile } from "../parsers/profiles.ts";
import { formatPath, issuePath, locate } from "../policy/load.ts";
import { CATEGORY_IDS, type Category } from "../taxonomy.ts";

/** More profiles than this in one file is a mistake (each runs on every unrecognised mail). */
export const MAX_SENDER_PROFILES = 200;

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be a mail domain such as netcraft.com");

const ProfileSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9_.-]{0,62}$/,
      "must be a short name of lower-case letters, digits, '-', '_' or '.'",
    ),
  match: z
    .strictObject({
      from: z.array(Domain).max(50).optional(),
      subject: z.string().optional(),
      body: z.string().optional(),
    })
    .refine((m) => Boolean(m.from?.length || m.subject || m.body), {
      message: "say which mails the profile is for: from (sender domains), subject or body",
    }),
  category: z.enum(CATEGORY_IDS as [Category, ...Category[]], {
    error: () => `must be one of ${CATEGORY_IDS.join(", ")}`,
  }),
  subjects: z.array(z.string()).min(1).max(20),
  time: z.string().optional(),
});

const FileSchema = z.strictObject({ profiles: z.array(ProfileSchema).max(MAX_SENDER_PROFILES) });

export interface SenderProfileProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export class SenderProfileError extends Error {
  constructor(readonly problems: readonly SenderProfileProblem[]) {
    super(
      `the sender profiles are broken:\n${problems.map((p) => `  ${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.message}`).join("\n")}`,
    );
    this.name = "SenderProfileError";
  }
}

/** Parses and validates the text of a sender-profiles file; `file` is only used in the problems. */
export function parseSenderProfiles(
  source: string,
  file: string,
): { ok: true; profiles: SenderProfile[] } | { ok: false; problems: SenderProfileProblem[] } {
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
  const parsed = FileSchema.safeParse(doc.toJS({ maxAliasCount: 10 }));
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const path = issuePath(issue);
        const where = locate(doc.contents, path);
        const message =
          issue.code === "unrecognized_keys"
            ? `unknown field "${issue.keys.join('", "')}"; a profile has name, match (from, subject, body), category, subjects and time`
            : issue.code === "invalid_type" && !where.found
              ? `"${String(issue.path.at(-1))}" is required`
              : issue.message;
        return { file, ...at(where.offset), path: formatPath(path), message };
      }),
    };

  const problems: SenderProfileProblem[] = [];
  const report = (path: (string | number)[], message: string) => {
    const where = locate(doc.contents, path);
    problems.push({ file, ...at(where.offset), path: formatPath(path), message });
  };
  const names = new Set<string>();
  const profiles: SenderProfile[] = [];
  for (const [i, p] of parsed.data.profiles.entries()) {
    if (names.has(p.name))
      report(["profiles", i, "name"], `a profile named "${p.name}" comes earlier in the file`);
    names.add(p.name);
    const check = (pattern: string | undefined, path: (string | number)[], needs: string[] = []) => {
      if (pattern === undefined) return;
      const problem = patternProblem(pattern, needs);
      if (problem) report(path, problem);
    };
    check(p.match.subject, ["profiles", i, "match", "subject"]);
    check(p.match.body, ["profiles", i, "match", "body"]);
    p.subjects.forEach((s, j) => {
      check(s, ["profiles", i, "subjects", j], ["ip", "url", "domain", "email"]);
    });
    check(p.time, ["profiles", i, "time"], ["time"]);
    profiles.push({
      name: p.name,
      from: p.match.from ?? [],
      ...(p.match.subject !== undefined ? { subject: p.match.subject } : {}),
      ...(p.match.body !== undefined ? { body: p.match.body } : {}),
      category: p.category,
      subjects: p.subjects,
      ...(p.time !== undefined ? { time: p.time } : {}),
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, profiles };
}

/** Reads and validates the file; throws SenderProfileError naming every problem. */
export async function loadSenderProfiles(file: string): Promise<SenderProfile[]> {
  let source: string;
  try {
    source = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SenderProfileError([
      {
        file,
        line: 1,
        column: 1,
        path: "",
        message:
          code === "ENOENT"
            ? "the file does not exist; fix ABUSEDESK_SENDER_PROFILES (or --sender-profiles)"
            : `cannot be read: ${(err as Error).message}`,
      },
    ]);
  }
  const result = parseSenderProfiles(source, file);
  if (!result.ok) throw new SenderProfileError(result.problems);
  return result.profiles;
}
