/**
 * The one place that turns any text or value into something PostgreSQL accepts. Every writer of text a
 * person or a reporter can fill goes through these: a NUL or a lone surrogate never reaches the database
 * (where it would be refused, and the request would fail with a 500).
 */

/** Text PostgreSQL accepts: no NUL character, no lone surrogate (both are refused by text and jsonb). */
export function pgText(s: string): string;
export function pgText(s: string | undefined | null): string | null;
export function pgText(s: string | undefined | null): string | null {
  if (s === undefined || s === null) return null;
  const out = (s.includes("\0") ? s.replaceAll("\0", "") : s) as string & WellFormed;
  return out.isWellFormed() ? out : out.toWellFormed();
}

/** ES2024 string methods (Node 20 has them; the project's lib is ES2023). */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** JSON that jsonb accepts: JSON.stringify writes NUL and lone surrogates as escapes jsonb refuses. */
export function pgJson(value: unknown): string {
  const s = JSON.stringify(value) ?? "{}";
  if (!/\\u(0000|d[89a-f])/i.test(s)) return s;
  return JSON.stringify(value, (_k, v) => (typeof v === "string" ? pgText(v) : v)) ?? "{}";
}

/** Most strings and containers one request is searched for unstorable text (a JSON body of 32 MB is big). */
export const MAX_TEXT_SCAN_NODES = 100_000;

export interface UnstorableText {
  /** Where: "body.note", "body.subjects[0]", "query.brand". */
  path: string;
  /** What is wrong and what to do, as the end of a sentence. */
  problem: string;
}

/**
 * The first string in a request's body, query or path that PostgreSQL would refuse (a NUL character or a
 * lone surrogate, which is what invalid UTF-8 becomes), so that the request can be refused with a 400 that
 * says where. Searches at most MAX_TEXT_SCAN_NODES values; what lies beyond is caught by the database's
 * own refusal (see `isUnstorableTextError`).
 */
export function findUnstorableText(value: unknown, path: string): UnstorableText | undefined {
  let budget = MAX_TEXT_SCAN_NODES;
  const walk = (v: unknown, at: string, depth: number): UnstorableText | undefined => {
    if (--budget < 0 || depth > 64) return undefined;
    if (typeof v === "string") {
      if (v.includes("\0"))
        return { path: at, problem: "contains a NUL character (\\u0000), which text cannot hold; remove it" };
      if (!(v as string & WellFormed).isWellFormed())
        return {
          path: at,
          problem:
            "contains a lone surrogate (invalid UTF-8 or a broken \\ud800 escape); send it as valid UTF-8",
        };
      return undefined;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && budget > 0; i++) {
        const found = walk(v[i], `${at}[${i}]`, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    if (v && typeof v === "object" && !Buffer.isBuffer(v) && !ArrayBuffer.isView(v)) {
      for (const [k, item] of Object.entries(v)) {
        const found = walk(k, `${at} (a field name)`, depth + 1) ?? walk(item, `${at}.${k}`, depth + 1);
        if (found) return found;
        if (budget <= 0) break;
      }
    }
    return undefined;
  };
  return walk(value, path, 0);
}

/** PostgreSQL's refusal of text it cannot store: invalid UTF-8 or a NUL (22021), or "\u0000" in jsonb (22P05). */
export function isUnstorableTextError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "22021" || code === "22P05";
}

/**
 * Whether PostgreSQL gave up a transaction only because another one held what it needed at that moment
 * (deadlock_detected, serialization_failure, lock_not_available). Nothing of it was written; the same
 * request sent again a moment later succeeds. The HTTP layer answers 503 with Retry-After, never 500.
 */
export function isTransientDatabaseError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "40001" || code === "55P03";
}
