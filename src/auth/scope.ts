/**
 * Brand isolation (issue 9 §2): a user or token may be limited to some brands, and then every list,
 * detail, event, report, customer, inventory answer, export and search stays within them.
 *
 * One helper does it, in the store queries themselves (not a check per route): `inBrandScope(scope,
 * column)` is a where-condition on the brand column of the row being read. A route passes the actor's
 * scope (`actor.brands`) to its store function, and the store adds the condition to the query (and to its
 * count). A detail outside the scope is then simply not found: 404, never 403, so that its existence does
 * not leak. A row without a brand (a report to no known address) is outside every limited scope.
 *
 *   const rows = await db.selectFrom("cases as c").selectAll().where(inBrandScope(scope, "c.brand_id"))…
 */
import { type Expression, type SqlBool, sql } from "kysely";

/** The brands an actor may see: null for every brand, otherwise only these (possibly none). */
export type BrandScope = readonly string[] | null;

/** Every brand: the scope of the system, the CLI and a user or token that is not limited. */
export const EVERY_BRAND: BrandScope = null;

/** A where-condition: the row's brand (in `column`, e.g. "c.brand_id") lies within the scope. */
export function inBrandScope(scope: BrandScope, column: string): Expression<SqlBool> {
  if (scope === null) return sql<SqlBool>`true`;
  return sql<SqlBool>`${sql.ref(column)} = any(${[...scope]}::text[])`;
}

/** Whether a brand (null: none) lies within the scope; for checks on input, such as `?brand=`. */
export function brandInScope(scope: BrandScope, brand: string | null | undefined): boolean {
  if (scope === null) return true;
  return brand !== null && brand !== undefined && scope.includes(brand);
}

/** The brands both scopes allow: a token's own limit within its person's. */
export function narrowScope(outer: BrandScope, inner: BrandScope): BrandScope {
  if (outer === null) return inner;
  if (inner === null) return outer;
  return outer.filter((b) => inner.includes(b));
}

/** Whether `inner` asks for no brand beyond `outer` (a token's brands within its person's). */
export function scopeWithin(inner: BrandScope, outer: BrandScope): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return inner.every((b) => outer.includes(b));
}

/** For messages: "every brand" or "the brands extin, webxtra". */
export function describeScope(scope: BrandScope): string {
  if (scope === null) return "every brand";
  if (scope.length === 0) return "no brand";
  return `the brand${scope.length > 1 ? "s" : ""} ${scope.join(", ")}`;
}
