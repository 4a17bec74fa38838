/**
 * The console's pages: served by the same process at `/`. The console is a client of the public API
 * (/api/v1, with the session cookie and its CSRF token), so this file only serves pages, never data.
 */

import { csrfTokenOf, HttpError, SESSION_COOKIE, sessionActor } from "../auth/http.ts";
import { escapeHtml, page } from "../auth/routes.ts";
import type { RouteModule } from "../server.ts";

export const consoleWeb: RouteModule = (app, { db }) => {
  app.get("/", { schema: { hide: true } }, async (req, reply) => {
    const actor = await sessionActor(db, req);
    reply.type("text/html; charset=utf-8").header("cache-control", "no-store");
    if (!actor) return reply.redirect("/login");
    return page(
      "Console",
      `<p id="signed-in">Signed in as <strong>${escapeHtml(actor.name)}</strong> (${escapeHtml(actor.role)}).</p>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${csrfTokenOf(req.cookies[SESSION_COOKIE]!)}"><button type="submit">Sign out</button></form>`,
    );
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
