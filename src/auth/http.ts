/** Authentication and authorisation at the HTTP edge: bearer tokens for the API, a session cookie for the console. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { DB } from "../db/index.ts";
import type { Failure } from "../errors.ts";
import type { RateLimiter } from "../rate-limit.ts";
import { type Actor, actorForSession, actorForToken } from "./auth.store.ts";
import { ABILITY_EXTENSION, type Ability, can, READ_ABILITIES, ROLES_EXTENSION, rolesWith } from "./roles.ts";

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

/**
 * onRoute hook for /api/v1: a route without a declared ability is a programming error, found at start.
 * The ability, and the roles that have it, go into the route's OpenAPI description
 * (`x-abusedesk-ability`, `x-abusedesk-roles`): the route × role matrix, read from the running code.
 */
export function requireDeclaredAbility(route: {
  method: string | string[];
  url: string;
  config?: unknown;
  schema?: Record<string, unknown>;
}) {
  const ability = (route.config as { ability?: Ability } | undefined)?.ability;
  if (!ability)
    throw new Error(`route ${String(route.method)} ${route.url} declares no ability (config: { ability })`);
  route.schema = {
    ...route.schema,
    [ABILITY_EXTENSION]: ability,
    [ROLES_EXTENSION]: rolesWith(ability),
  };
}

/** The actor of a request that passed `authorize`. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new HttpError(401, "sign in or send an API token first");
  return req.actor;
}

/**
 * The Content-Security-Policy of every response: our own scripts, styles and images only (no inline
 * script or style, no framing by anyone). Pages must serve their CSS and JS as files.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** HSTS when the desk is served over HTTPS (secureCookies): a year, this host and its subdomains. */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

/**
 * onSend hook for every response (pages, API, errors, 404s): the security headers, unless the route set its
 * own (a raw download sets a stricter CSP with `sandbox`).
 */
export function securityHeaders(opts: { https: boolean }) {
  const headers: [string, string][] = [
    ["content-security-policy", CONTENT_SECURITY_POLICY],
    ["x-frame-options", "DENY"],
    ["x-content-type-options", "nosniff"],
    ["referrer-policy", "no-referrer"],
    ["cross-origin-opener-policy", "same-origin"],
    ["cross-origin-resource-policy", "same-origin"],
    ["permissions-policy", "camera=(), microphone=(), geolocation=()"],
  ];
  if (opts.https) headers.push(["strict-transport-security", STRICT_TRANSPORT_SECURITY]);
  return async (_req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    for (const [name, value] of headers) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  };
}

/**
 * A rate limit for a route where strangers can knock (sign-in, the notice form, the portal): one attempt
 * of `keyOf(req)` is counted per request, and past the limit the answer is 429 with `Retry-After`.
 * Use as a preHandler (the body is parsed then, so an account in the body can be the key):
 *
 *   app.post("/notice", { preHandler: rateLimit(perAddress, (req) => req.ip) }, handler)
 *
 * `keyOf` may answer undefined to count nothing for a request. `respond` answers a page instead of JSON.
 */
export function rateLimit(
  limiter: RateLimiter,
  keyOf: (req: FastifyRequest) => string | undefined,
  respond?: (req: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number) => unknown,
) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const key = keyOf(req);
    if (key === undefined) return;
    const verdict = limiter.take(key);
    if (verdict.allowed) return;
    reply.header("retry-after", String(verdict.retryAfterSeconds));
    if (respond) {
      reply.code(429);
      return reply.send(await respond(req, reply, verdict.retryAfterSeconds));
    }
    throw new HttpError(
      429,
      `too many requests; try again in ${waitWords(verdict.retryAfterSeconds)} (see the Retry-After header)`,
      { "retry-after": String(verdict.retryAfterSeconds) },
    );
  };
}

/** "40 seconds", "3 minutes": how long to wait, in words. */
export function waitWords(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

/**
 * CSRF for the forms of pages without a session (sign-in and its steps): the double-submit pattern. The
 * page sets a random value in an HttpOnly, SameSite=Strict cookie and the same value in a hidden field;
 * a post is taken only when the two match. Another site can make a browser post the form, but can neither
 * read nor set our cookie.
 */
export const FORM_COOKIE = "abusedesk_form";
export const FORM_FIELD = "csrf";

/** The form token of this browser, set as a cookie when it has none yet. */
export function formToken(req: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const known = req.cookies[FORM_COOKIE];
  if (known && /^[A-Za-z0-9_-]{43}$/.test(known)) return known;
  const token = randomBytes(32).toString("base64url");
  reply.setCookie(FORM_COOKIE, token, { httpOnly: true, sameSite: "strict", secure, path: "/" });
  return token;
}

/**
 * Whether a posted form carries this browser's form token, or (signed in) the session's CSRF token, in its
 * `csrf` field or the X-CSRF-Token header.
 */
export function formTokenValid(req: FastifyRequest): boolean {
  const sent = (req.body as Record<string, unknown> | undefined)?.[FORM_FIELD] ?? req.headers[CSRF_HEADER];
  if (typeof sent !== "string" || sent === "") return false;
  const cookie = req.cookies[FORM_COOKIE];
  if (cookie && sameSecret(sent, cookie)) return true;
  const session = req.cookies[SESSION_COOKIE];
  return Boolean(session && sameSecret(sent, csrfTokenOf(session)));
}
