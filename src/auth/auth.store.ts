/** Users, API tokens, console sessions and role settings in the database. */
import { type Expression, type SqlBool, sql, type Transaction } from "kysely";
import { appendAudit } from "../audit.ts";
import type { DB } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import { pgText } from "../db/text.ts";
import { fail, ok, type Result } from "../errors.ts";
import { hashPassword, newSecret, oneTimePassword, sha256Hex } from "./passwords.ts";
import { can, isRole, isWithin, ROLES, type Role } from "./roles.ts";
import { type BrandScope, describeScope, narrowScope, scopeWithin } from "./scope.ts";

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
  /** The brands this actor may see and touch; null for every brand (src/auth/scope.ts). */
  brands: BrandScope;
}

export const SYSTEM: Actor = {
  kind: "system",
  id: 0,
  name: "system",
  role: "admin",
  userId: null,
  scope: "write",
  brands: null,
};

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

type Db = DB | Transaction<Database>;

function checkRole(role: string): Result<Role> {
  return isRole(role) ? ok(role) : fail(422, `"${role}" is not a role; use one of ${ROLES.join(", ")}`);
}

/** Most brands one user or token can be limited to (a list, not a query). */
export const MAX_SCOPE_BRANDS = 100;

/** Brands given for a scope: each must exist, no more than MAX_SCOPE_BRANDS; answered sorted and unique. */
async function checkBrands(db: Db, brands: readonly string[]): Promise<Result<string[]>> {
  const wanted = [...new Set(brands.map((b) => b.trim()).filter(Boolean))].sort();
  if (wanted.length > MAX_SCOPE_BRANDS)
    return fail(422, `a scope can name at most ${MAX_SCOPE_BRANDS} brands; leave it out for every brand`);
  if (wanted.length === 0) return ok([]);
  const found = await db.selectFrom("brands").select("id").where("id", "in", wanted).execute();
  const missing = wanted.filter((b) => !found.some((f) => f.id === b));
  if (missing.length)
    return fail(
      422,
      `there is no brand ${missing.map((m) => `"${pgText(m)}"`).join(", ")}; \`GET /api/v1/brands\` lists them`,
    );
  return ok(wanted);
}

/** A user by id or e-mail address (any case). */
async function findUserRow(db: Db, ref: string | number) {
  const q = db.selectFrom("users").selectAll();
  return typeof ref === "number"
    ? q.where("id", "=", ref).executeTakeFirst()
    : q.where("email", "=", pgText(ref.trim().toLowerCase())).executeTakeFirst();
}

/** A user `by` may manage: any user, or for a brand-limited admin one within their brands. */
async function findManagedUser(db: Db, by: Actor, ref: string | number) {
  const user = await findUserRow(db, ref);
  return user && scopeWithin(user.brands, by.brands) ? user : undefined;
}

const noUser = (ref: string | number) =>
  fail(404, `there is no user ${ref}; \`abusedesk user create --email E --role R\` makes one`);

export async function createUser(
  db: DB,
  by: Actor,
  input: { email: string; role: string; name?: string | undefined; brands?: readonly string[] | null },
): Promise<Result<{ id: number; email: string; role: Role; brands: string[] | null; password: string }>> {
  const role = checkRole(input.role);
  if (!role.ok) return role;
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u.test(email))
    return fail(422, `"${pgText(input.email)}" is not an e-mail address; give one such as jan@example.nl`);
  let brands: string[] | null = null;
  if (input.brands) {
    const checked = await checkBrands(db, input.brands);
    if (!checked.ok) return checked;
    brands = checked.value;
  }
  if (!scopeWithin(brands, by.brands))
    return fail(403, `you may only give a user brands within your own (${describeScope(by.brands)})`);
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
    if (existing) return fail(409, `a user with e-mail ${email} exists already`);
    const user = await trx
      .insertInto("users")
      .values({
        email,
        role: role.value,
        name: input.name === undefined ? null : pgText(input.name),
        password_hash: passwordHash,
        brands,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actor: by.name,
      action: "user.create",
      subjectType: "user",
      subjectId: user.id,
      details: { email, role: role.value, brands },
    });
    return ok({ id: user.id, email, role: role.value, brands, password });
  });
}

export interface UserView {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  brands: string[] | null;
  totp: boolean;
  must_change_password: boolean;
  created_at: Date;
  disabled_at: Date | null;
}

/**
 * Users an admin may see: every user, or for a brand-limited admin the users limited to brands within
 * theirs (whom they may manage; a user of every brand is beyond them).
 */
function usersWithin(scope: BrandScope, column: string): Expression<SqlBool> {
  if (scope === null) return sql<SqlBool>`true`;
  return sql<SqlBool>`(${sql.ref(column)} is not null and ${sql.ref(column)} <@ ${[...scope]}::text[])`;
}

export async function listUsers(db: DB, by: Actor): Promise<UserView[]> {
  const rows = await db
    .selectFrom("users")
    .selectAll()
    .where(usersWithin(by.brands, "users.brands"))
    .orderBy("email")
    .execute();
  return rows.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    brands: u.brands,
    totp: u.totp_secret !== null,
    must_change_password: u.must_change_password,
    created_at: u.created_at,
    disabled_at: u.disabled_at,
  }));
}

/**
 * A new one-time password for a user who lost theirs (issue 15): their sessions end, and their next sign-in
 * leads to choosing a password; the one-time password works until then, and never after.
 */
export async function resetPassword(
  db: DB,
  by: Actor,
  ref: string | number,
): Promise<Result<{ id: number; email: string; password: string }>> {
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const user = await findManagedUser(trx, by, ref);
    if (!user) return noUser(ref);
    await trx
      .updateTable("users")
      .set({ password_hash: passwordHash, must_change_password: true })
      .where("id", "=", user.id)
      .execute();
    await trx.deleteFrom("sessions").where("user_id", "=", user.id).execute();
    await trx.deleteFrom("sign_in_challenges").where("user_id", "=", user.id).execute();
    await appendAudit(trx, {
      actor: by.name,
      action: "user.reset_password",
      subjectType: "user",
      subjectId: user.id,
      details: { email: user.email },
    });
    return ok({ id: user.id, email: user.email, password });
  });
}

/** Stores a password the person chose (checked by the caller); a one-time password stops working. */
export async function storeChosenPassword(trx: Db, userId: number, password: string): Promise<void> {
  await trx
    .updateTable("users")
    .set({
      password_hash: await hashPassword(password),
      must_change_password: false,
      password_changed_at: new Date(),
    })
    .where("id", "=", userId)
    .execute();
}

/** Limits a user to some brands (null: every brand). Their tokens narrow with them at once. */
export async function setUserBrands(
  db: DB,
  by: Actor,
  ref: string | number,
  brands: readonly string[] | null,
): Promise<Result<{ id: number; email: string; brands: string[] | null }>> {
  let checked: string[] | null = null;
  if (brands !== null) {
    const c = await checkBrands(db, brands);
    if (!c.ok) return c;
    checked = c.value;
  }
  if (!scopeWithin(checked, by.brands))
    return fail(403, `you may only give a user brands within your own (${describeScope(by.brands)})`);
  return db.transaction().execute(async (trx) => {
    const user = await findManagedUser(trx, by, ref);
    if (!user) return noUser(ref);
    await trx.updateTable("users").set({ brands: checked }).where("id", "=", user.id).execute();
    await appendAudit(trx, {
      actor: by.name,
      action: "user.brands",
      subjectType: "user",
      subjectId: user.id,
      details: { email: user.email, from: user.brands, to: checked },
    });
    return ok({ id: user.id, email: user.email, brands: checked });
  });
}

/** Forgets a user's TOTP (a lost phone): they enrol again at their next sign-in if their role needs it. */
export async function resetTotp(
  db: DB,
  by: Actor,
  ref: string | number,
): Promise<Result<{ id: number; email: string }>> {
  return db.transaction().execute(async (trx) => {
    const user = await findManagedUser(trx, by, ref);
    if (!user) return noUser(ref);
    await trx
      .updateTable("users")
      .set({ totp_secret: null, totp_pending_secret: null, totp_last_step: null })
      .where("id", "=", user.id)
      .execute();
    await trx.deleteFrom("sessions").where("user_id", "=", user.id).execute();
    await appendAudit(trx, {
      actor: by.name,
      action: "user.reset_totp",
      subjectType: "user",
      subjectId: user.id,
      details: { email: user.email },
    });
    return ok({ id: user.id, email: user.email });
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
  /** Limit the token to these brands (within its person's); absent: the person's brands. */
  brands?: readonly string[] | undefined;
}

export interface CreatedToken {
  id: number;
  name: string;
  role: Role;
  user: string | null;
  scope: "read" | "write";
  expires_at: Date | null;
  brands: string[] | null;
  token: string;
}

export async function createToken(db: DB, by: Actor, input: TokenInput): Promise<Result<CreatedToken>> {
  const name = input.name.trim();
  if (!name) return fail(422, "a token needs a name that says who or what uses it");
  let owner: { id: number; email: string; role: Role; brands: string[] | null } | undefined;
  if (input.user !== undefined) {
    const q = db
      .selectFrom("users")
      .select(["id", "email", "role", "brands"])
      .where("disabled_at", "is", null);
    owner = await (typeof input.user === "number"
      ? q.where("id", "=", input.user)
      : q.where("email", "=", pgText(input.user.trim().toLowerCase()))
    ).executeTakeFirst();
    if (!owner)
      return fail(
        422,
        `there is no active user ${pgText(String(input.user))}; create one with \`abusedesk user create\``,
      );
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
  let brands: string[] | null = null;
  if (input.brands !== undefined) {
    const checked = await checkBrands(db, input.brands);
    if (!checked.ok) return checked;
    brands = checked.value;
    if (owner && !scopeWithin(brands, owner.brands))
      return fail(
        422,
        `${owner.email} may see ${describeScope(owner.brands)}; their token can be limited to some of those, not to ${brands.join(", ")}`,
      );
  }
  const limit = owner ? narrowScope(owner.brands, brands) : brands;
  if (!scopeWithin(limit, by.brands))
    return fail(403, `you may only make tokens within your own brands (${describeScope(by.brands)})`);
  const scope = input.scope ?? "write";
  const token = newSecret("adk_");
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("api_tokens")
      .values({
        name: pgText(name),
        role,
        token_hash: sha256Hex(token),
        user_id: owner?.id ?? null,
        scope,
        expires_at: input.expiresAt ?? null,
        brands,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actor: by.name,
      action: "token.create",
      subjectType: "api_token",
      subjectId: row.id,
      details: {
        name,
        role,
        user: owner?.email ?? null,
        scope,
        expires_at: input.expiresAt ?? null,
        brands,
      },
    });
    return ok({
      id: row.id,
      name,
      role,
      user: owner?.email ?? null,
      scope,
      expires_at: input.expiresAt ?? null,
      brands,
      token,
    });
  });
}

export type TokenState = "active" | "expired" | "revoked";

export interface TokenView {
  id: number;
  name: string;
  role: Role;
  /** The owner's e-mail address; null for a service token. */
  user: string | null;
  scope: "read" | "write";
  /** The token's own brand limit (null: its person's brands, or every brand for a service token). */
  brands: string[] | null;
  state: TokenState;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

/** Whether `actor` may see and revoke every token (admins), or only their own. */
function seesAllTokens(actor: Actor): boolean {
  return can(actor.role, "admin");
}

/**
 * The tokens a brand-limited admin sees: their own, those of people within their brands, and services'
 * within them.
 */
function tokensWithin(actor: Actor): Expression<SqlBool> {
  const scope = actor.brands;
  if (scope === null) return sql<SqlBool>`true`;
  return sql<SqlBool>`((t.user_id is null and t.brands is not null and t.brands <@ ${[...scope]}::text[])
    or t.user_id = ${actor.userId ?? -1} or ${usersWithin(scope, "u.brands")})`;
}

function selectTokens(db: Db) {
  return db
    .selectFrom("api_tokens as t")
    .leftJoin("users as u", "u.id", "t.user_id")
    .select([
      "t.id",
      "t.name",
      "t.role",
      "u.email as user",
      "t.scope",
      "t.brands",
      "t.created_at",
      "t.last_used_at",
      "t.expires_at",
      "t.revoked_at",
    ]);
}

function tokenView(r: Omit<TokenView, "state">, now = Date.now()): TokenView {
  const state: TokenState = r.revoked_at
    ? "revoked"
    : r.expires_at && r.expires_at.getTime() <= now
      ? "expired"
      : "active";
  return { ...r, state };
}

/** Most tokens one page lists. */
export const MAX_TOKEN_PAGE = 500;

/**
 * Tokens, oldest first: an admin sees all (or one person's with `user`), anyone else their own (a service
 * token only itself). Secrets are never shown again: only their hashes are stored.
 */
export async function listTokens(
  db: DB,
  actor: Actor,
  f: { user?: string | undefined; state?: TokenState | undefined; after?: number | undefined; limit: number },
): Promise<Result<{ items: TokenView[]; total: number; next: number | undefined }>> {
  let q = selectTokens(db);
  if (seesAllTokens(actor)) q = q.where(tokensWithin(actor));
  else {
    q =
      actor.userId === null
        ? q.where("t.id", "=", actor.kind === "token" ? actor.id : -1)
        : q.where("t.user_id", "=", actor.userId);
  }
  if (f.user !== undefined) {
    const owner = await findUserRow(db, f.user);
    if (!owner) return noUser(f.user);
    q = q.where("t.user_id", "=", owner.id);
  }
  const now = new Date();
  if (f.state === "revoked") q = q.where("t.revoked_at", "is not", null);
  else if (f.state === "expired") q = q.where("t.revoked_at", "is", null).where("t.expires_at", "<=", now);
  else if (f.state === "active")
    q = q
      .where("t.revoked_at", "is", null)
      .where((eb) => eb.or([eb("t.expires_at", "is", null), eb("t.expires_at", ">", now)]));
  const counted = q.clearSelect().select((eb) => eb.fn.countAll<number>().as("n"));
  const limit = Math.min(Math.max(1, f.limit), MAX_TOKEN_PAGE);
  const page = f.after === undefined ? q : q.where("t.id", ">", f.after);
  const [rows, total] = await Promise.all([
    page
      .orderBy("t.id")
      .limit(limit + 1)
      .execute(),
    counted.executeTakeFirstOrThrow(),
  ]);
  const items = rows.slice(0, limit).map((r) => tokenView(r, now.getTime()));
  return ok({
    items,
    total: Number(total.n),
    next: rows.length > limit ? items.at(-1)?.id : undefined,
  });
}

/**
 * Revokes a token at once: an admin any token, anyone else only their own. Someone else's token is "not
 * found" (404), so that whether it exists does not leak. Revoking a revoked token is a 409 that says when.
 */
export async function revokeToken(db: DB, actor: Actor, id: number): Promise<Result<TokenView>> {
  return db.transaction().execute(async (trx) => {
    const row = await selectTokens(trx)
      .select("t.user_id")
      .where("t.id", "=", id)
      .forUpdate("t")
      .executeTakeFirst();
    const own =
      row !== undefined &&
      (row.user_id !== null
        ? row.user_id === actor.userId
        : actor.kind === "token" && actor.userId === null && actor.id === row.id);
    const visible =
      row !== undefined &&
      seesAllTokens(actor) &&
      (actor.brands === null ||
        (await selectTokens(trx)
          .select("t.id")
          .where("t.id", "=", id)
          .where(tokensWithin(actor))
          .executeTakeFirst()) !== undefined);
    if (!row || !(own || visible))
      return fail(404, `there is no token ${id} of yours; \`abusedesk token list\` shows them`);
    if (row.revoked_at)
      return fail(409, `token ${id} was revoked already, at ${row.revoked_at.toISOString()}`);
    const now = new Date();
    await trx
      .updateTable("api_tokens")
      .set({ revoked_at: now, revoked_by: actor.name })
      .where("id", "=", id)
      .execute();
    await appendAudit(trx, {
      actor: actor.name,
      action: "token.revoke",
      subjectType: "api_token",
      subjectId: id,
      details: { name: row.name, user: row.user, role: row.role },
    });
    const { user_id: _, ...view } = row;
    return ok(tokenView({ ...view, revoked_at: now }));
  });
}

/** The actor of an API token: unknown, revoked and expired tokens, and a disabled person's, are nobody. */
export async function actorForToken(db: DB, token: string): Promise<Actor | undefined> {
  const row = await db
    .updateTable("api_tokens")
    .set({ last_used_at: new Date() })
    .where("token_hash", "=", sha256Hex(token))
    .where("revoked_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", new Date())]))
    .returning(["id", "name", "role", "user_id", "scope", "brands"])
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
      brands: row.brands,
    };
  const owner = await db
    .selectFrom("users")
    .select(["email", "brands"])
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
    // The person's brands as they are now: narrowing a person narrows their tokens at once.
    brands: narrowScope(owner.brands, row.brands),
  };
}

/** A new console session for a person who passed every step of the sign-in. */
export async function startSession(
  trx: Transaction<Database>,
  user: { id: number; email: string; role: Role; brands: string[] | null },
  secondFactor: "totp" | "none",
): Promise<{ sessionToken: string; actor: Actor; expiresAt: Date }> {
  const sessionToken = newSecret("");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await trx
    .insertInto("sessions")
    .values({ id: sha256Hex(sessionToken), user_id: user.id, expires_at: expiresAt })
    .execute();
  await appendAudit(trx, {
    actor: user.email,
    action: "user.login",
    subjectType: "user",
    subjectId: user.id,
    details: { second_factor: secondFactor },
  });
  const actor: Actor = {
    kind: "user",
    id: user.id,
    name: user.email,
    role: user.role,
    userId: user.id,
    scope: "write",
    brands: user.brands,
  };
  return { sessionToken, actor, expiresAt };
}

export async function actorForSession(db: DB, sessionToken: string): Promise<Actor | undefined> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["users.id", "users.email", "users.role", "users.brands"])
    .where("sessions.id", "=", sha256Hex(sessionToken))
    .where("sessions.expires_at", ">", new Date())
    .where("users.disabled_at", "is", null)
    .executeTakeFirst();
  return row
    ? {
        kind: "user",
        id: row.id,
        name: row.email,
        role: row.role,
        userId: row.id,
        scope: "write",
        brands: row.brands,
      }
    : undefined;
}

/** The console's language a person chose; null when they have not. */
export async function userLanguage(db: DB, userId: number): Promise<"nl" | "en" | null> {
  const row = await db.selectFrom("users").select("language").where("id", "=", userId).executeTakeFirst();
  return row?.language ?? null;
}

export async function setUserLanguage(db: DB, userId: number, language: "nl" | "en"): Promise<void> {
  await db.updateTable("users").set({ language }).where("id", "=", userId).execute();
}

export async function logout(db: DB, sessionToken: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sha256Hex(sessionToken)).execute();
}

/** The roles whose people must sign in with a TOTP code. */
export async function totpRequiredRoles(db: Db): Promise<Role[]> {
  const rows = await db
    .selectFrom("role_settings")
    .select("role")
    .where("totp_required", "=", true)
    .orderBy("role")
    .execute();
  return rows.map((r) => r.role);
}

/** Makes TOTP required for exactly these roles (and optional for the others). */
export async function setTotpRequiredRoles(
  db: DB,
  by: Actor,
  roles: readonly string[],
): Promise<Result<Role[]>> {
  const wanted: Role[] = [];
  for (const r of roles) {
    const checked = checkRole(r);
    if (!checked.ok) return checked;
    if (!wanted.includes(checked.value)) wanted.push(checked.value);
  }
  wanted.sort();
  return db.transaction().execute(async (trx) => {
    const before = await totpRequiredRoles(trx);
    for (const role of ROLES) {
      await trx
        .insertInto("role_settings")
        .values({ role, totp_required: wanted.includes(role), updated_by: by.name })
        .onConflict((oc) =>
          oc.column("role").doUpdateSet({
            totp_required: wanted.includes(role),
            updated_by: by.name,
            updated_at: new Date(),
          }),
        )
        .execute();
    }
    await appendAudit(trx, {
      actor: by.name,
      action: "security.totp_required",
      subjectType: "settings",
      subjectId: "totp",
      details: { from: before, to: wanted },
    });
    return ok(wanted);
  });
}
