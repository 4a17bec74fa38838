/** Authentication and authorisation at the HTTP edge: bearer tokens for the API, a session cookie for the console. */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { DB } from "../db/index.ts";
import type { Failure } from "../errors.ts";
import { type Actor, actorForSession, actorForToken } from "./auth.store.ts";
import { type Ability, can } from "./roles.ts";

export const SESSION_COOKIE = "abusedesk_session";

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

/** onRequest hook for /api/v1: every route needs `Authorization: Bearer <token>`. */
export function bearerAuth(db: DB) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
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
