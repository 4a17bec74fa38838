/** The API routes for who-am-I, users, tokens and security settings (the console's sign-in is in web.ts). */
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../events/cursor.ts";
import type { RouteModule } from "../server.ts";
import {
  createToken,
  createUser,
  listTokens,
  listUsers,
  MAX_TOKEN_PAGE,
  resetPassword,
  resetTotp,
  revokeToken,
  setTotpRequiredRoles,
  setUserBrands,
  setUserLanguage,
  totpRequiredRoles,
  userLanguage,
} from "./auth.store.ts";
import { actorOf, HttpError, httpError } from "./http.ts";
import { ABILITIES, GRANTS, READ_ABILITIES, ROLES } from "./roles.ts";

// Re-exported for the console's pages (src/web/), which share the sign-in pages' layout.
export { escapeHtml, page } from "./pages.ts";

const Brands = z
  .array(z.string().min(1).max(63))
  .max(100)
  .nullable()
  .meta({ description: "the brands this user or token is limited to; null for every brand" });

const ActorView = z.object({
  kind: z.enum(["user", "token", "system"]),
  name: z.string(),
  role: z.enum(ROLES),
  user_id: z.number().nullable(),
  scope: z.enum(["read", "write"]),
  brands: z.array(z.string()).nullable(),
  language: z
    .enum(["nl", "en"])
    .nullable()
    .describe("the console's language the person chose (PUT /api/v1/me/language); null: not chosen"),
  abilities: z
    .array(z.enum(ABILITIES))
    .describe("what this actor may do (its role's abilities; only reading for a read-scoped token)"),
});

const UserView = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  brands: z.array(z.string()).nullable(),
  totp: z.boolean(),
  must_change_password: z.boolean(),
  created_at: z.date(),
  disabled_at: z.date().nullable(),
});

const TokenView = z.object({
  id: z.number(),
  name: z.string(),
  role: z.enum(ROLES),
  user: z.string().nullable().meta({ description: "the person's e-mail address; null for a service token" }),
  scope: z.enum(["read", "write"]),
  brands: z.array(z.string()).nullable(),
  state: z.enum(["active", "expired", "revoked"]),
  created_at: z.date(),
  last_used_at: z.date().nullable(),
  expires_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
});

const UserParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const OneTimePassword = z.object({ id: z.number(), email: z.string(), password: z.string() });
const TotpSettings = z.object({ required_roles: z.array(z.enum(ROLES)) });

export const authApi: RouteModule = (app, { db }) => {
  const tags = ["auth"];

  app.get(
    "/api/v1/me",
    { config: { ability: "read" }, schema: { tags, response: { 200: ActorView } } },
    async (req) => {
      const a = actorOf(req);
      const brands = a.brands === null ? null : [...a.brands];
      const abilities = GRANTS[a.role].filter((x) => a.scope !== "read" || READ_ABILITIES.includes(x));
      const language = a.userId === null ? null : await userLanguage(db, a.userId);
      return {
        kind: a.kind,
        name: a.name,
        role: a.role,
        user_id: a.userId,
        scope: a.scope,
        brands,
        language,
        abilities,
      };
    },
  );

  app.put(
    "/api/v1/me/language",
    {
      config: { ability: "account" },
      schema: {
        tags,
        summary: "The console's language of the signed-in person (or of the token's person)",
        body: z.object({ language: z.enum(["nl", "en"]) }),
        response: { 200: z.object({ language: z.enum(["nl", "en"]) }) },
      },
    },
    async (req) => {
      const a = actorOf(req);
      if (a.userId === null)
        throw new HttpError(409, "a service token has no person, so no language of its own");
      await setUserLanguage(db, a.userId, req.body.language);
      return { language: req.body.language };
    },
  );

  app.get(
    "/api/v1/users",
    {
      config: { ability: "admin" },
      schema: {
        tags,
        response: { 200: z.object({ items: z.array(UserView), next_cursor: z.null(), total: z.number() }) },
      },
    },
    async (req) => {
      const items = await listUsers(db, actorOf(req));
      return { items, next_cursor: null, total: items.length };
    },
  );

  app.post(
    "/api/v1/users",
    {
      config: { ability: "admin" },
      schema: {
        tags,
        body: z.object({
          email: z.string().max(320),
          role: z.enum(ROLES),
          name: z.string().max(200).optional(),
          brands: Brands.optional(),
        }),
        response: {
          201: z.object({
            id: z.number(),
            email: z.string(),
            role: z.enum(ROLES),
            brands: z.array(z.string()).nullable(),
            password: z.string().meta({ description: "the one-time password: it works for one sign-in" }),
          }),
        },
      },
    },
    async (req, reply) => {
      const result = await createUser(db, actorOf(req), req.body);
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return result.value;
    },
  );

  app.patch(
    "/api/v1/users/:id",
    {
      config: { ability: "admin" },
      schema: {
        tags,
        summary: "Limit a user to some brands (brands: null for every brand)",
        params: UserParams,
        body: z.object({ brands: Brands }).strict(),
        response: {
          200: z.object({ id: z.number(), email: z.string(), brands: z.array(z.string()).nullable() }),
        },
      },
    },
    async (req) => {
      const result = await setUserBrands(db, actorOf(req), req.params.id, req.body.brands);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.post(
    "/api/v1/users/:id/reset-password",
    {
      config: { ability: "admin" },
      schema: {
        tags,
        summary: "A new one-time password; the user chooses their own at the next sign-in",
        params: UserParams,
        response: { 200: OneTimePassword },
      },
    },
    async (req) => {
      const result = await resetPassword(db, actorOf(req), req.params.id);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.delete(
    "/api/v1/users/:id/totp",
    {
      config: { ability: "admin" },
      schema: {
        tags,
        summary: "Forget a user's TOTP authenticator (a lost phone); they enrol again if their role needs it",
        params: UserParams,
        response: { 200: z.object({ id: z.number(), email: z.string() }) },
      },
    },
    async (req) => {
      const result = await resetTotp(db, actorOf(req), req.params.id);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.get(
    "/api/v1/settings/totp",
    { config: { ability: "admin" }, schema: { tags, response: { 200: TotpSettings } } },
    async () => ({ required_roles: await totpRequiredRoles(db) }),
  );

  app.put(
    "/api/v1/settings/totp",
    {
      config: { ability: "admin" },
      schema: {
        tags,
        summary: "The roles whose people must sign in to the console with a TOTP code",
        body: TotpSettings,
        response: { 200: TotpSettings },
      },
    },
    async (req) => {
      const result = await setTotpRequiredRoles(db, actorOf(req), req.body.required_roles);
      if (!result.ok) throw httpError(result.error);
      return { required_roles: result.value };
    },
  );

  app.post(
    "/api/v1/tokens",
    {
      config: { ability: "admin" },
      schema: {
        tags,
        body: z.object({
          name: z.string().min(1).max(200),
          role: z.enum(ROLES).optional(),
          user: z.union([z.string().max(320), z.number().int()]).optional(),
          scope: z.enum(["read", "write"]).optional(),
          expires_at: z.iso.datetime({ offset: true }).optional(),
          brands: z
            .array(z.string().min(1).max(63))
            .max(100)
            .optional()
            .meta({ description: "limit the token to these brands (within its person's)" }),
        }),
        response: {
          201: z.object({
            id: z.number(),
            name: z.string(),
            role: z.enum(ROLES),
            user: z.string().nullable(),
            scope: z.enum(["read", "write"]),
            expires_at: z.date().nullable(),
            brands: z.array(z.string()).nullable(),
            token: z.string(),
          }),
        },
      },
    },
    async (req, reply) => {
      const { expires_at, ...rest } = req.body;
      const result = await createToken(db, actorOf(req), {
        ...rest,
        expiresAt: expires_at ? new Date(expires_at) : undefined,
      });
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return result.value;
    },
  );

  app.get(
    "/api/v1/tokens",
    {
      config: { ability: "read" },
      schema: {
        tags,
        summary: "API tokens: an admin sees every token, anyone else their own",
        querystring: z.object({
          user: z.string().max(320).optional().meta({ description: "admin: one person's tokens (e-mail)" }),
          state: z.enum(["active", "expired", "revoked"]).optional(),
          limit: z.coerce.number().int().min(1).max(MAX_TOKEN_PAGE).default(100),
          cursor: z.string().max(200).optional(),
        }),
        response: {
          200: z.object({ items: z.array(TokenView), next_cursor: z.string().nullable(), total: z.number() }),
        },
      },
    },
    async (req) => {
      const after = decodeCursor(req.query.cursor);
      if (after === "invalid") throw new HttpError(400, "the cursor is not one this list gave out");
      const result = await listTokens(db, actorOf(req), { ...req.query, after });
      if (!result.ok) throw httpError(result.error);
      return {
        items: result.value.items,
        next_cursor: encodeCursor(result.value.next),
        total: result.value.total,
      };
    },
  );

  app.delete(
    "/api/v1/tokens/:id",
    {
      config: { ability: "account" },
      schema: {
        tags,
        summary: "Revoke a token at once: an admin any token, anyone else their own",
        params: UserParams,
        response: { 200: TokenView },
      },
    },
    async (req) => {
      const result = await revokeToken(db, actorOf(req), req.params.id);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );
};
