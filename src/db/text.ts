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
