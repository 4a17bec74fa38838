/** Authentication and authorisation at the HTTP edge: bearer tokens for the API, a session cookie for the console. */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { DB } from "../db/index.ts";
import type { Failure } from "../errors.ts";
import { type Actor, actorForSession, actorForToken } from "./auth.store.ts";
import { type Ability, can, READ_ABILITIES } from "./roles.ts";

export const SESSION_COOKIE = "abusedesk_session";
/**
 * The console calls the same /api/v1 as scripts, with its session cookie. A cookie goes with every request a
 * browser makes, also one another site makes it send; so a cookie-authenticated API request must also carry
 * the session's CSRF token in this header, which only a page of ours can read (from CSRF_COOKIE).
 */
export const CSRF_HEADER = "x-csrf-token";
/** Readable by the console's script (not HttpOnly); holds the CSRF token of the session. */
export const CSRF_COOKIE = "abusedesk_csrf";

/** The CSRF token of a session: derived from the session's secret, so nothing more is stored. */
export function csrfTokenOf(sessionToken: string): string {
  return createHash("sha256").update("abusedesk-csrf\n").update(sessionToken).digest("base64url");
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** What the caller must be allowed to do; every /api/v1 route declares it (see `authorize`). */
    ability?: Ability;
  }
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function httpError(failure: Failure): HttpError {
  return new HttpError(failure.status, failure.message);
}

/**
 * onRequest hook for /api/v1: every route needs `Authorization: Bearer <token>`, or the console's session
 * cookie together with its CSRF token in the `X-CSRF-Token` header.
 */
export function bearerAuth(db: DB) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const session = req.cookies[SESSION_COOKIE];
    if (!match && session) {
      const csrf = req.headers[CSRF_HEADER];
      if (typeof csrf !== "string" || !sameSecret(csrf, csrfTokenOf(session)))
        throw new HttpError(
          403,
          "a request signed in by the console's cookie must carry the session's CSRF token in the X-CSRF-Token header",
        );
      const actor = await actorForSession(db, session);
      if (!actor) throw new HttpError(401, "the session has expired; sign in again");
      req.actor = actor;
      return;
    }
    if (!match) {
      throw new HttpError(
        401,
        "this API needs an `Authorization: Bearer <token>` header; create a token with `abusedesk token create`",
        {
          "www-authenticate": 'Bearer realm="abusedesk"',
        },
      );
    }
    const actor = await actorForToken(db, match[1]!);
    if (!actor) {
      throw new HttpError(401, "the API token is unknown or revoked", {
        "www-authenticate": 'Bearer realm="abusedesk", error="invalid_token"',
      });
    }
    req.actor = actor;
  };
}

/** The console's signed-in person, if any. */
export async function sessionActor(db: DB, req: FastifyRequest): Promise<Actor | null> {
  const token = req.cookies[SESSION_COOKIE];
  if (!token) return null;
  return (await actorForSession(db, token)) ?? null;
}

/** The actor of this request, if it may do `ability`; otherwise 401 or 403. */
export function requireAbility(req: FastifyRequest, ability: Ability): Actor {
  const actor = req.actor;
  if (!actor) throw new HttpError(401, "sign in or send an API token first");
  if (!can(actor.role, ability)) {
    throw new HttpError(403, `the role ${actor.role} may not do this (it needs the "${ability}" permission)`);
  }
  if (actor.scope === "read" && !READ_ABILITIES.includes(ability))
    throw new HttpError(403, "this token may only read (scope read); use a token with scope write");
  return actor;
}

/**
 * preValidation hook for /api/v1: the route's declared ability, checked before its input is validated, so
 * a role without the right is told 403, not what is wrong with a request it may not make anyway.
 */
export async function authorize(req: FastifyRequest): Promise<void> {
  const ability = req.routeOptions.config.ability;
  if (!ability) throw new HttpError(403, "this route declares no permission, so no one may use it");
  requireAbility(req, ability);
}

/** onRoute hook for /api/v1: a route without a declared ability is a programming error, found at start. */
export function requireDeclaredAbility(route: { method: string | string[]; url: string; config?: unknown }) {
  if (!(route.config as { ability?: Ability } | undefined)?.ability)
    throw new Error(`route ${String(route.method)} ${route.url} declares no ability (config: { ability })`);
}

/** The actor of a request that passed `authorize`. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new HttpError(401, "sign in or send an API token first");
  return req.actor;
}
