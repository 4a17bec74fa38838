/**
 * Who may do what (SPEC C17). Routes ask for an ability, never for a role name, so a new role or a
 * changed duty is one line here.
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
  | "audit";

const GRANTS: Record<Role, readonly Ability[]> = {
  agent: ["read", "work", "submit"],
  supervisor: ["read", "work", "submit", "approve"],
  legal: ["read", "work", "submit", "approve", "legal"],
  admin: ["read", "work", "submit", "approve", "admin", "audit"],
  auditor: ["read", "audit"],
};

export function can(role: Role, ability: Ability): boolean {
  return GRANTS[role].includes(ability);
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
