/** Sign-in for the console (session cookie), and the API routes for who-am-I, users and tokens. */
import { z } from "zod";
import type { RouteModule } from "../server.ts";
import { createToken, createUser, login, logout } from "./auth.store.ts";
import { actorOf, CSRF_COOKIE, csrfTokenOf, httpError, SESSION_COOKIE } from "./http.ts";
import { ROLES } from "./roles.ts";

const ActorView = z.object({
  kind: z.enum(["user", "token", "system"]),
  name: z.string(),
  role: z.enum(ROLES),
});

export const authApi: RouteModule = (app, { db }) => {
  app.get(
    "/api/v1/me",
    { config: { ability: "read" }, schema: { tags: ["auth"], response: { 200: ActorView } } },
    async (req) => {
      const actor = actorOf(req);
      return { kind: actor.kind, name: actor.name, role: actor.role };
    },
  );

  app.post(
    "/api/v1/users",
    {
      config: { ability: "admin" },
      schema: {
        tags: ["auth"],
        body: z.object({ email: z.string(), role: z.enum(ROLES), name: z.string().optional() }),
        response: {
          201: z.object({ id: z.number(), email: z.string(), role: z.enum(ROLES), password: z.string() }),
        },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const result = await createUser(db, actor, req.body);
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return result.value;
    },
  );

  app.post(
    "/api/v1/tokens",
    {
      config: { ability: "admin" },
      schema: {
        tags: ["auth"],
        body: z.object({
          name: z.string().min(1).max(200),
          role: z.enum(ROLES).optional(),
          user: z.union([z.string().max(320), z.number().int()]).optional(),
          scope: z.enum(["read", "write"]).optional(),
          expires_at: z.iso.datetime({ offset: true }).optional(),
        }),
        response: {
          201: z.object({
            id: z.number(),
            name: z.string(),
            role: z.enum(ROLES),
            user: z.string().nullable(),
            scope: z.enum(["read", "write"]),
            expires_at: z.date().nullable(),
            token: z.string(),
          }),
        },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const { expires_at, ...rest } = req.body;
      const result = await createToken(db, actor, {
        ...rest,
        expiresAt: expires_at ? new Date(expires_at) : undefined,
      });
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return result.value;
    },
  );
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · abusedesk</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem}.error{color:#a00}</style></head>
<body><h1>abusedesk</h1>${body}</body></html>`;
}

export const signInWeb: RouteModule = (app, { db, config }) => {
  app.get("/login", { schema: { hide: true } }, async (req, reply) => {
    const failed = (req.query as { failed?: string }).failed !== undefined;
    reply.type("text/html; charset=utf-8");
    return page(
      "Sign in",
      `${failed ? '<p class="error" role="alert">Wrong e-mail address or password.</p>' : ""}
<form method="post" action="/login"><label for="email">E-mail address</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
    );
  });

  app.post(
    "/login",
    {
      schema: { hide: true, body: z.object({ email: z.string().max(320), password: z.string().max(1000) }) },
    },
    async (req, reply) => {
      const result = await login(db, req.body.email, req.body.password);
      if (!result.ok) return reply.redirect("/login?failed", 303);
      const cookie = {
        sameSite: "strict",
        secure: config.secureCookies,
        path: "/",
        expires: result.value.expiresAt,
      } as const;
      reply.setCookie(SESSION_COOKIE, result.value.sessionToken, { ...cookie, httpOnly: true });
      // The console's script reads this one and sends it back in X-CSRF-Token with its API calls.
      reply.setCookie(CSRF_COOKIE, csrfTokenOf(result.value.sessionToken), { ...cookie, httpOnly: false });
      return reply.redirect("/", 303);
    },
  );

  app.post("/logout", { schema: { hide: true } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await logout(db, token);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    reply.clearCookie(CSRF_COOKIE, { path: "/" });
    return reply.redirect("/login", 303);
  });
};
