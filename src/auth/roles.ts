/**
 * Who may do what (SPEC C17). Routes ask for an ability, never for a role name, so a new role or a
 * changed duty is one line here.
 *
 * The role matrix is this table, GRANTS (role × ability), together with the ability each route declares
 * (`config: { ability }`). The route × role matrix follows from the two: the OpenAPI description names
 * each route's ability and the roles that may use it (`x-abusedesk-ability`, `x-abusedesk-roles`),
 * `abusedesk roles` prints it as a table, and test/roles-matrix.test.ts walks every route with every
 * role against it.
 */
import type { Role } from "../db/schema.ts";

export const ROLES = ["agent", "supervisor", "legal", "admin", "auditor"] as const satisfies readonly Role[];
export type { Role };

export type Ability =
  /** read cases, reports, events, customers (the auditor's whole remit) */
  | "read"
  /** work cases: notes, messages, proposed steps, ordinary measures */
  | "work"
  /** submit reports through the API */
  | "submit"
  /** approve severe measures (four eyes), decide contested NTD cases */
  | "approve"
  /** answer authority orders, provide data under a legal basis */
  | "legal"
  /** brands, users, tokens, inventory, connectors */
  | "admin"
  /** verify and export the audit log */
  | "audit"
  /** export (and erase) what the desk holds about a person (GDPR; SPEC C16) */
  | "privacy"
  /** one's own account: see and revoke one's own tokens */
  | "account";

export const ABILITIES = [
  "read",
  "work",
  "submit",
  "approve",
  "legal",
  "admin",
  "audit",
  "privacy",
  "account",
] as const satisfies readonly Ability[];

/** The table: which role has which ability. */
export const GRANTS: Readonly<Record<Role, readonly Ability[]>> = {
  agent: ["read", "work", "submit", "account"],
  supervisor: ["read", "work", "submit", "approve", "account"],
  legal: ["read", "work", "submit", "approve", "legal", "privacy", "account"],
  admin: ["read", "work", "submit", "approve", "admin", "audit", "privacy", "account"],
  auditor: ["read", "audit", "account"],
};

/** The OpenAPI extensions that carry a route's ability and the roles that have it. */
export const ABILITY_EXTENSION = "x-abusedesk-ability";
export const ROLES_EXTENSION = "x-abusedesk-roles";

export function can(role: Role, ability: Ability): boolean {
  return GRANTS[role].includes(ability);
}

/** The roles that have an ability: one column of the table. */
export function rolesWith(ability: Ability): Role[] {
  return ROLES.filter((r) => can(r, ability));
}

/** Whether every ability of `role` is one of `of`'s: a person's token may have no more rights than the person. */
export function isWithin(role: Role, of: Role): boolean {
  return GRANTS[role].every((a) => GRANTS[of].includes(a));
}

/** Abilities a read-scoped token keeps, whatever its role. */
export const READ_ABILITIES: readonly Ability[] = ["read", "audit"];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isAbility(value: unknown): value is Ability {
  return typeof value === "string" && (ABILITIES as readonly string[]).includes(value);
}

/** One row of the route × role matrix, as the OpenAPI description gives it. */
export interface MatrixRow {
  method: string;
  path: string;
  ability: Ability;
  roles: Role[];
}

/** The route × role matrix from an OpenAPI description (every /api/v1 operation). */
export function roleMatrix(doc: { paths?: Record<string, Record<string, unknown>> }): MatrixRow[] {
  const rows: MatrixRow[] = [];
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith("/api/v1/")) continue;
    for (const [method, op] of Object.entries(methods)) {
      const ability = (op as Record<string, unknown>)[ABILITY_EXTENSION];
      if (!isAbility(ability)) continue;
      rows.push({ method: method.toUpperCase(), path, ability, roles: rolesWith(ability) });
    }
  }
  return rows.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** The matrix as a Markdown table: route, ability, and a mark per role. */
export function matrixMarkdown(rows: readonly MatrixRow[]): string {
  const head = `| route | ability | ${ROLES.join(" | ")} |\n| --- | --- | ${ROLES.map(() => ":-:").join(" | ")} |`;
  const body = rows.map(
    (r) =>
      `| \`${r.method} ${r.path}\` | ${r.ability} | ${ROLES.map((role) => (r.roles.includes(role) ? "✓" : "")).join(" | ")} |`,
  );
  return [head, ...body].join("\n");
}
