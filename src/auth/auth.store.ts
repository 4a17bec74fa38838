/** Users, API tokens and console sessions in the database. */
import { appendAudit } from "../audit.ts";
import type { DB } from "../db/index.ts";
import { fail, ok, type Result } from "../errors.ts";
import { hashPassword, newSecret, oneTimePassword, sha256Hex, verifyPassword } from "./passwords.ts";
import { isRole, ROLES, type Role } from "./roles.ts";

/** Whoever makes a request: a signed-in person or an API token. Its `name` goes into the audit log. */
export interface Actor {
  kind: "user" | "token" | "system";
  id: number;
  name: string;
  role: Role;
}

export const SYSTEM: Actor = { kind: "system", id: 0, name: "system", role: "admin" };

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

function checkRole(role: string): Result<Role> {
  return isRole(role) ? ok(role) : fail(422, `"${role}" is not a role; use one of ${ROLES.join(", ")}`);
}

export async function createUser(
  db: DB,
  by: Actor,
  input: { email: string; role: string; name?: string },
): Promise<Result<{ id: number; email: string; role: Role; password: string }>> {
  const role = checkRole(input.role);
  if (!role.ok) return role;
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    return fail(422, `"${input.email}" is not an e-mail address`);
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
    if (existing) return fail(409, `a user with e-mail ${email} exists already`);
    const user = await trx
      .insertInto("users")
      .values({ email, role: role.value, name: input.name ?? null, password_hash: passwordHash })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actor: by.name,
      action: "user.create",
      subjectType: "user",
      subjectId: user.id,
      details: { email, role: role.value },
    });
    return ok({ id: user.id, email, role: role.value, password });
  });
}

export async function createToken(
  db: DB,
  by: Actor,
  input: { name: string; role: string },
): Promise<Result<{ id: number; name: string; role: Role; token: string }>> {
  const role = checkRole(input.role);
  if (!role.ok) return role;
  const name = input.name.trim();
  if (!name) return fail(422, "a token needs a name that says who or what uses it");
  const token = newSecret("adk_");
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("api_tokens")
      .values({ name, role: role.value, token_hash: sha256Hex(token) })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actor: by.name,
      action: "token.create",
      subjectType: "api_token",
      subjectId: row.id,
      details: { name, role: role.value },
    });
    return ok({ id: row.id, name, role: role.value, token });
  });
}

export async function actorForToken(db: DB, token: string): Promise<Actor | undefined> {
  const row = await db
    .updateTable("api_tokens")
    .set({ last_used_at: new Date() })
    .where("token_hash", "=", sha256Hex(token))
    .where("revoked_at", "is", null)
    .returning(["id", "name", "role"])
    .executeTakeFirst();
  return row ? { kind: "token", id: row.id, name: `token:${row.name}`, role: row.role } : undefined;
}

export async function login(
  db: DB,
  email: string,
  password: string,
): Promise<Result<{ sessionToken: string; actor: Actor; expiresAt: Date }>> {
  const user = await db
    .selectFrom("users")
    .selectAll()
    .where("email", "=", email.trim().toLowerCase())
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  // Same answer and about the same work whether or not the user exists.
  const valid = await verifyPassword(password, user?.password_hash ?? "scrypt$32768$8$1$AAAA$AAAA");
  if (!user || !valid) return fail(401, "wrong e-mail address or password");
  const sessionToken = newSecret("");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  const actor: Actor = { kind: "user", id: user.id, name: user.email, role: user.role };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("sessions")
      .values({ id: sha256Hex(sessionToken), user_id: user.id, expires_at: expiresAt })
      .execute();
    await appendAudit(trx, {
      actor: user.email,
      action: "user.login",
      subjectType: "user",
      subjectId: user.id,
    });
  });
  return ok({ sessionToken, actor, expiresAt });
}

export async function actorForSession(db: DB, sessionToken: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["users.id", "users.email", "users.role"])
    .where("sessions.id", "=", sha256Hex(sessionToken))
    .where("sessions.expires_at", ">", new Date())
    .where("users.disabled_at", "is", null)
    .executeTakeFirst();
  return row ? { kind: "user", id: row.id, name: row.email, role: row.role } : undefined;
}

export async function logout(db: DB, sessionToken: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sha256Hex(sessionToken)).execute();
}
