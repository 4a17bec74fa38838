/**
 * The console's pages: served by the same process at `/`. The console is a client of the public API
 * (/api/v1, with the session cookie and its CSRF token), so this file only serves pages, never data.
 */

import { csrfTokenOf, SESSION_COOKIE, sessionActor } from "../auth/http.ts";
import { languageOf } from "../auth/pages.ts";
import { escapeHtml, page } from "../auth/routes.ts";
import type { RouteModule } from "../server.ts";

/** The desk's icon: a shield with an exclamation mark, in the console's colours (SVG, no external file). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M16 2 4 6v9c0 7.5 5.1 13.2 12 15 6.9-1.8 12-7.5 12-15V6z" fill="#1d4e89"/><rect x="14.5" y="8" width="3" height="11" rx="1.5" fill="#fff"/><circle cx="16" cy="23" r="1.8" fill="#fff"/></svg>`;

const NOT_FOUND = {
  en: { title: "Page not found", text: "There is no page at this address.", home: "Go to the console" },
  nl: { title: "Pagina niet gevonden", text: "Op dit adres staat geen pagina.", home: "Naar de console" },
} as const;

export const consoleWeb: RouteModule = (app, { db }) => {
  for (const path of ["/favicon.ico", "/favicon.svg"])
    app.get(path, { schema: { hide: true } }, async (_req, reply) =>
      reply.type("image/svg+xml").header("cache-control", "public, max-age=86400").send(FAVICON_SVG),
    );

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
    // A person typed or followed a wrong address: a page in the console's layout, in their language.
    const { lang } = languageOf(req);
    const t = NOT_FOUND[lang];
    reply
      .code(404)
      .type("text/html; charset=utf-8")
      .send(
        page(
          t.title,
          `<p id="not-found">${escapeHtml(t.text)}</p><p><a href="/">${escapeHtml(t.home)}</a></p>`,
          {
            lang,
          },
        ),
      );
  });
};
