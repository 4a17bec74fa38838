// Tests and benchmarks read only inside the repository: a fresh clone in a folder with nothing beside it
// must pass. This finds string literals in test code that point outside: an absolute path under a folder
// of this machine (/work, /home, /root, /srv, /mnt, /opt, /var, /tmp), the shared sample folder, a bare
// ".." (climbing out of a folder), or a relative path with "../" that leaves the repository from the file
// it is written in. System programs the tests run for real (/usr/bin/chromium, /usr/sbin/dovecot) are fine.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Absolute folders that belong to this machine, not to the repository. */
export const OUTSIDE_ROOTS = ["/work/", "/home/", "/root/", "/srv/", "/mnt/", "/opt/", "/var/", "/tmp/"];

/** Which files count as tests or benchmarks. */
export function isTestCode(relative) {
  const f = relative.split(path.sep).join("/");
  if (!/\.(ts|js|mjs)$/.test(f) || f.includes("node_modules/")) return false;
  return f.startsWith("test/") || f.startsWith("bench/") || /^src\/.*\.test\.ts$/.test(f);
}

/** Removes comments (a path named in a comment is not read), keeping string literals intact. */
function withoutComments(source) {
  let out = "";
  let i = 0;
  let quote = null;
  while (i < source.length) {
    const c = source[i];
    if (quote) {
      out += c;
      if (c === "\\") {
        out += source[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i++;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      quote = c;
      out += c;
      i++;
      continue;
    }
    if (c === "/" && source[i + 1] === "/") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      const skipped = source.slice(i, end < 0 ? source.length : end + 2);
      out += skipped.replace(/[^\n]/g, " ");
      i = end < 0 ? source.length : end + 2;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Every problem in one file's text: `{ line, literal, why }`. */
export function outsidePathsIn(relative, source) {
  const problems = [];
  const code = withoutComments(source);
  const dir = path.dirname(path.join(REPO_ROOT, relative));
  const literal = /(["'`])((?:\\.|(?!\1)[^\\\n])*)\1/g;
  for (const m of code.matchAll(literal)) {
    const value = m[2];
    // A path is one word: text with spaces or quotes is a message or code, not a path.
    if (/[\s"'`]/.test(value)) continue;
    const line = code.slice(0, m.index).split("\n").length;
    const report = (why) => problems.push({ line, literal: value.slice(0, 80), why });
    if (OUTSIDE_ROOTS.some((root) => value.startsWith(root) || value === root.slice(0, -1)))
      report("an absolute path on this machine");
    else if (/(^|\/)shared\/samples\b|^\.\.\/shared\b/.test(value)) report("the shared sample folder");
    else if (value === ".." || value === "../..") report('a bare ".." climbs out of a folder');
    else if (value.startsWith("../") && !value.includes("${")) {
      const target = path.resolve(dir, value);
      if (target !== REPO_ROOT && !target.startsWith(REPO_ROOT + path.sep))
        report("a relative path that leaves the repository");
    }
  }
  return problems;
}

/** Problems in every test and benchmark file under the repository. */
export function checkRepository(root = REPO_ROOT) {
  const problems = [];
  for (const top of ["test", "bench", "src"]) {
    let files;
    try {
      files = readdirSync(path.join(root, top), { recursive: true });
    } catch {
      continue;
    }
    for (const f of files) {
      const relative = path.join(top, String(f));
      if (!isTestCode(relative)) continue;
      for (const p of outsidePathsIn(relative, readFileSync(path.join(root, relative), "utf8")))
        problems.push({ file: relative, ...p });
    }
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkRepository();
  for (const p of problems) console.error(`${p.file}:${p.line}: "${p.literal}" is ${p.why}`);
  if (problems.length > 0) {
    console.error(
      `${problems.length} reference(s) to paths outside the repository in tests or benchmarks: copy what they need into test/fixtures/ (and name its source in test/fixtures/SOURCES.md)`,
    );
    process.exit(1);
  }
}
