/** Sign-in for the console (session cookie), and the API routes for who-am-I, users and tokens. */
import { z } from "zod";
import type { RouteModule } from "../server.ts";
import { createToken, createUser, login, logout } from "./auth.store.ts";
import { actorOf, HttpError, httpError, SESSION_COOKIE, sessionActor } from "./http.ts";
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
        body: z.object({ name: z.string().min(1), role: z.enum(ROLES) }),
        response: {
          201: z.object({ id: z.number(), name: z.string(), role: z.enum(ROLES), token: z.string() }),
        },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const result = await createToken(db, actor, req.body);
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return result.value;
    },
  );
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · abusedesk</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem}.error{color:#a00}</style></head>
<body><h1>abusedesk</h1>${body}</body></html>`;
}

export const consoleWeb: RouteModule = (app, { db, config }) => {
  app.get("/", { schema: { hide: true } }, async (req, reply) => {
    const actor = await sessionActor(db, req);
    reply.type("text/html; charset=utf-8").header("cache-control", "no-store");
    if (!actor) return reply.redirect("/login");
    return page(
      "Console",
      `<p id="signed-in">Signed in as <strong>${escapeHtml(actor.name)}</strong> (${escapeHtml(actor.role)}).</p>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
    );
  });

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
      reply.setCookie(SESSION_COOKIE, result.value.sessionToken, {
        httpOnly: true,
        sameSite: "strict",
        secure: config.secureCookies,
        path: "/",
        expires: result.value.expiresAt,
      });
      return reply.redirect("/", 303);
    },
  );

  app.post("/logout", { schema: { hide: true } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await logout(db, token);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return reply.redirect("/login", 303);
  });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith("/api/")) {
      reply.code(404).send({
        error: "Not Found",
        statusCode: 404,
        message: `no route ${req.method} ${req.url.split("?")[0]}`,
      });
      return;
    }
    throw new HttpError(404, "no such page");
  });
};
