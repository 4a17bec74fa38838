/** Users, API tokens and console sessions in the database. */
import { appendAudit } from "../audit.ts";
import type { DB } from "../db/index.ts";
import { fail, ok, type Result } from "../errors.ts";
import { hashPassword, newSecret, oneTimePassword, sha256Hex, verifyPassword } from "./passwords.ts";
import { isRole, isWithin, ROLES, type Role } from "./roles.ts";

/**
 * Whoever makes a request: a signed-in person, an API token (a person's, or a service's that is nobody), or
 * the system itself. Its `name` goes into the audit log and names the person and the token; `userId` is
 * the person, and is what four eyes compare (src/policy/approval.ts).
 */
export interface Actor {
  kind: "user" | "token" | "system";
  /** The user's id for a session, the token's id for a token, 0 for the system. */
  id: number;
  name: string;
  role: Role;
  /** The person behind the request: the signed-in user, or the token's owner; null for a service token. */
  userId: number | null;
  /** A read-scoped token may only read, whatever its role. */
  scope: "read" | "write";
}

export const SYSTEM: Actor = {
  kind: "system",
  id: 0,
  name: "system",
  role: "admin",
  userId: null,
  scope: "write",
};

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

export interface TokenInput {
  name: string;
  /** The token's role: for a person's token at most the person's own (default), for a service token required. */
  role?: string | undefined;
  /** The e-mail address (or id) of the person the token belongs to; absent for a service token. */
  user?: string | number | undefined;
  scope?: "read" | "write" | undefined;
  expiresAt?: Date | undefined;
}

export interface CreatedToken {
  id: number;
  name: string;
  role: Role;
  user: string | null;
  scope: "read" | "write";
  expires_at: Date | null;
  token: string;
}

export async function createToken(db: DB, by: Actor, input: TokenInput): Promise<Result<CreatedToken>> {
  const name = input.name.trim();
  if (!name) return fail(422, "a token needs a name that says who or what uses it");
  let owner: { id: number; email: string; role: Role } | undefined;
  if (input.user !== undefined) {
    const q = db.selectFrom("users").select(["id", "email", "role"]).where("disabled_at", "is", null);
    owner = await (typeof input.user === "number"
      ? q.where("id", "=", input.user)
      : q.where("email", "=", input.user.trim().toLowerCase())
    ).executeTakeFirst();
    if (!owner)
      return fail(422, `there is no active user ${input.user}; create one with \`abusedesk user create\``);
  }
  let role: Role;
  if (input.role === undefined) {
    if (!owner)
      return fail(422, "a service token needs a role (--role); a person's token takes the person's");
    role = owner.role;
  } else {
    const checked = checkRole(input.role);
    if (!checked.ok) return checked;
    role = checked.value;
    if (owner && !isWithin(role, owner.role))
      return fail(
        422,
        `${owner.email} is ${owner.role}; their token can have that role or a narrower one, not ${role}`,
      );
  }
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now())
    return fail(422, "the token's expiry lies in the past; give a time in the future");
  const scope = input.scope ?? "write";
  const token = newSecret("adk_");
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("api_tokens")
      .values({
        name,
        role,
        token_hash: sha256Hex(token),
        user_id: owner?.id ?? null,
        scope,
        expires_at: input.expiresAt ?? null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actor: by.name,
      action: "token.create",
      subjectType: "api_token",
      subjectId: row.id,
      details: { name, role, user: owner?.email ?? null, scope, expires_at: input.expiresAt ?? null },
    });
    return ok({
      id: row.id,
      name,
      role,
      user: owner?.email ?? null,
      scope,
      expires_at: input.expiresAt ?? null,
      token,
    });
  });
}

export async function actorForToken(db: DB, token: string): Promise<Actor | undefined> {
  const row = await db
    .updateTable("api_tokens")
    .set({ last_used_at: new Date() })
    .where("token_hash", "=", sha256Hex(token))
    .where("revoked_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", new Date())]))
    .returning(["id", "name", "role", "user_id", "scope"])
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.user_id === null)
    return {
      kind: "token",
      id: row.id,
      name: `token:${row.name}`,
      role: row.role,
      userId: null,
      scope: row.scope,
    };
  const owner = await db
    .selectFrom("users")
    .select(["email"])
    .where("id", "=", row.user_id)
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  // A disabled person's tokens stop working with them.
  if (!owner) return undefined;
  return {
    kind: "token",
    id: row.id,
    name: `${owner.email} (token:${row.name})`,
    role: row.role,
    userId: row.user_id,
    scope: row.scope,
  };
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
  const actor: Actor = {
    kind: "user",
    id: user.id,
    name: user.email,
    role: user.role,
    userId: user.id,
    scope: "write",
  };
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
  return row
    ? { kind: "user", id: row.id, name: row.email, role: row.role, userId: row.id, scope: "write" }
    : undefined;
}

export async function logout(db: DB, sessionToken: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sha256Hex(sessionToken)).execute();
}
