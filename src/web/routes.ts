/**
 * The console: a React application (web/, built by `npm install` into web/dist) served by the same process
 * at `/` and at each of its pages' addresses. It is a client of the public API (/api/v1, with the session
 * cookie and its CSRF token), so this file only serves files, never data.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FastifyReply, FastifyRequest } from "fastify";
import { CONTENT_SECURITY_POLICY, csrfTokenOf, SESSION_COOKIE, sessionActor } from "../auth/http.ts";
import { languageOf } from "../auth/pages.ts";
import { escapeHtml, page } from "../auth/routes.ts";
import type { RouteModule } from "../server.ts";

/** The desk's icon: a shield with an exclamation mark, in the console's colours (SVG, no external file). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M16 2 4 6v9c0 7.5 5.1 13.2 12 15 6.9-1.8 12-7.5 12-15V6z" fill="#1d4e89"/><rect x="14.5" y="8" width="3" height="11" rx="1.5" fill="#fff"/><circle cx="16" cy="23" r="1.8" fill="#fff"/></svg>`;

/** Where `npm install` (scripts/build-console.js) puts the built console. */
export const CONSOLE_DIST = new URL("../../web/dist/", import.meta.url);

/** The console's own addresses (its router's pages): each answers the console's page to a signed-in person. */
export const CONSOLE_PAGES = [
  "/",
  "/cases/:id",
  "/dashboard",
  "/reports",
  "/notices",
  "/notices/:id",
  "/orders",
  "/orders/:id",
  "/measures",
  "/transparency",
  "/customers",
  "/customers/:id",
  "/settings",
] as const;

const NOT_FOUND = {
  en: { title: "Page not found", text: "There is no page at this address.", home: "Go to the console" },
  nl: { title: "Pagina niet gevonden", text: "Op dit adres staat geen pagina.", home: "Naar de console" },
} as const;

const TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".png": "image/png",
};

interface Built {
  index: string;
  /** The files under /console/assets/ by name (a Map: the name comes from the request). */
  assets: Map<string, { type: string; body: Buffer }>;
}

/** The built console, read once; null when web/dist is missing (the page then says how to build it). */
export function loadConsole(dist: URL = CONSOLE_DIST): Built | null {
  const index = new URL("index.html", dist);
  if (!existsSync(index)) return null;
  const assets = new Map<string, { type: string; body: Buffer }>();
  const dir = new URL("assets/", dist);
  if (existsSync(dir))
    for (const name of readdirSync(dir)) {
      const type = TYPES[path.extname(name)];
      if (type) assets.set(name, { type, body: readFileSync(new URL(name, dir)) });
    }
  return { index: readFileSync(index, "utf8"), assets };
}

export const consoleWeb: RouteModule = (app, { db }) => {
  const built = loadConsole();

  for (const p of ["/favicon.ico", "/favicon.svg"])
    app.get(p, { schema: { hide: true } }, async (_req, reply) =>
      reply.type("image/svg+xml").header("cache-control", "public, max-age=86400").send(FAVICON_SVG),
    );

  app.get<{ Params: { name: string } }>(
    "/console/assets/:name",
    { schema: { hide: true } },
    async (req, reply) => {
      const file = built?.assets.get(req.params.name);
      if (!file) return reply.callNotFound();
      // Vite names each file by its content: a new build is a new name, so a year is safe.
      return reply
        .type(file.type)
        .header("cache-control", "public, max-age=31536000, immutable")
        .send(file.body);
    },
  );

  const consolePage = async (req: FastifyRequest, reply: FastifyReply) => {
    const actor = await sessionActor(db, req);
    reply.header("cache-control", "no-store");
    if (!actor) return reply.redirect("/login");
    const { lang } = languageOf(req);
    if (!built)
      return reply.type("text/html; charset=utf-8").send(
        page(
          "Console",
          `<p id="signed-in">Signed in as <strong>${escapeHtml(actor.name)}</strong> (${escapeHtml(actor.role)}).</p>
<p id="not-built">The console has not been built in this checkout: run <code>npm run build:web</code> (npm install does it) and start again.</p>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${csrfTokenOf(req.cookies[SESSION_COOKIE]!)}"><button type="submit">Sign out</button></form>`,
          { lang },
        ),
      );
    // Mantine writes its theme into a <style> element: allowed by this response's nonce, nothing else inline.
    const nonce = randomBytes(16).toString("base64");
    return reply
      .type("text/html; charset=utf-8")
      .header(
        "content-security-policy",
        CONTENT_SECURITY_POLICY.replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`),
      )
      .send(built.index.replace("__CSP_NONCE__", nonce).replace('<html lang="en">', `<html lang="${lang}">`));
  };
  for (const p of CONSOLE_PAGES) app.get(p, { schema: { hide: true } }, consolePage);

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
