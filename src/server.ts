/**
 * The HTTP server: health, metrics, OpenAPI, the authenticated API under /api/v1 and the console.
 * Each part of the domain adds its routes through a RouteModule; this file knows none of them.
 */
import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import fastifySwagger from "@fastify/swagger";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { sql } from "kysely";
import type { Logger } from "pino";
import client from "prom-client";
import { authorize, bearerAuth, HttpError, requireDeclaredAbility, securityHeaders } from "./auth/http.ts";
import type { Config } from "./config.ts";
import type { DB } from "./db/index.ts";
import { findUnstorableText, isTransientDatabaseError, isUnstorableTextError } from "./db/text.ts";
import type { Jobs } from "./jobs.ts";
import type { Connectors } from "./measures/connectors/index.ts";
import type { MeasureNotifier } from "./measures/notifier.ts";
import type { MessageDeps } from "./messages/outbox.ts";
import type { ParseContext } from "./parsers/types.ts";
import type { Pipeline } from "./pipeline.ts";
import type { PolicyProfile } from "./policy/schema.ts";
import { explainIssue, explainIssues, type Place } from "./validation.ts";

/** What routes, listeners and workers are given: built once in app.ts. */
export interface Services {
  db: DB;
  log: Logger;
  config: Config;
  jobs: Jobs | null;
  metrics: client.Registry;
  /** The brands' policy profiles by brand id. */
  policies: ReadonlyMap<string, PolicyProfile>;
  /** Resolution and grouping of stored events. */
  pipeline: Pipeline;
  /** Sender profiles and reference domains from the configuration, for the parsers. */
  parsing?: ParseContext;
  /** The measure connectors (ABUSEDESK_CONNECTORS); none: every measure is done by a person. */
  connectors?: Connectors;
  /** How measures, orders and escalations reach people (src/measures/notifier.ts); default: the timeline. */
  notifier?: MeasureNotifier;
  /** Conversation: templates, the relay's presence, portal links (src/messages/setup.ts). */
  messages?: MessageDeps;
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Adds one part's routes. */
export type RouteModule = (app: App, services: Services) => void;

export interface Routes {
  /** Under /api/v1: authenticated by bearer token before any handler runs. */
  api: RouteModule[];
  /** The console, the portal and public pages: they authenticate themselves. */
  web: RouteModule[];
}

const VERSION = "0.1.0";

export async function buildServer(services: Services, routes: Routes): Promise<App> {
  const app = Fastify({
    loggerInstance: services.log,
    bodyLimit: 32 * 1024 * 1024,
    // Behind a proxy, the client's address (for rate limits) comes from the proxies named in the config.
    trustProxy: services.config.trustProxy.length ? services.config.trustProxy : false,
    // One line per request, written below; Fastify's own pair of lines would double it.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest("actor", null);
  // Every response, the API's, the pages', the errors' and the 404s', carries the security headers.
  app.addHook("onSend", securityHeaders({ https: services.config.secureCookies }));

  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "abusedesk API",
        description:
          "Abuse desk and notice-and-takedown platform. Authenticate with `Authorization: Bearer <token>`.",
        version: VERSION,
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // Schemas with an id (Report, Event, …) become components/schemas, which the $refs point at.
    transformObject: jsonSchemaTransformObject,
  });

  const httpRequests = new client.Counter({
    name: "abusedesk_http_requests_total",
    help: "HTTP requests by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [services.metrics],
  });
  const httpDuration = new client.Histogram({
    name: "abusedesk_http_request_duration_seconds",
    help: "HTTP request duration",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [services.metrics],
  });
  // Logs: the request and the response at debug (headers, secrets blanked), one line per request at info
  // (health checks and metrics scrapes at debug: a load balancer asks every few seconds).
  app.addHook("onRequest", async (req) => {
    if (services.log.isLevelEnabled("debug"))
      req.log.debug({ req: { method: req.method, url: req.url, headers: req.headers } }, "request");
  });
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    if (services.log.isLevelEnabled("debug"))
      req.log.debug({ res: { statusCode: reply.statusCode, headers: reply.getHeaders() } }, "response");
    const line = { method: req.method, route, status: reply.statusCode, ms };
    // The route's pattern, not the URL: a path may carry a token (a portal link).
    const text = `${req.method} ${route} ${reply.statusCode} ${ms} ms`;
    if (route === "/healthz" || route === "/metrics") req.log.debug(line, text);
    else req.log.info(line, text);
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const place = (err.validationContext ?? "body") as Place;
      const data = { body: req.body, querystring: req.query, params: req.params, headers: req.headers }[
        place as "body"
      ];
      const schema = (req.routeOptions.schema as Record<string, unknown> | undefined)?.[place];
      const issues = err.validation.map((v) => ({
        ...(v.params as object),
        code: v.keyword,
        path: v.instancePath
          .split("/")
          .slice(1)
          .filter((part: string) => part !== ""),
        message: v.message ?? "",
      }));
      return reply.code(400).send({
        error: "Bad Request",
        statusCode: 400,
        message: explainIssues(issues, { place, schema: schema as never, data }),
        // Each problem on its own, for a form to show beside its field.
        issues: issues.map((issue, i) => ({
          path: err.validation[i]!.instancePath,
          message: explainIssue(issue, { place, schema: schema as never, data }),
        })),
      });
    }
    const plain = plainFrameworkError(err as Error & { code?: string; statusCode?: number }, req);
    if (plain) {
      return reply.code(plain.status).send({
        error: httpReason(plain.status),
        statusCode: plain.status,
        message: plain.message,
      });
    }
    if (isUnstorableTextError(err)) {
      // The last line of defence behind refuseUnstorableText: the database refused the text itself.
      return reply.code(400).send({
        error: "Bad Request",
        statusCode: 400,
        message:
          "the request holds text that cannot be stored (a NUL character or invalid UTF-8); remove it and send the request again",
      });
    }
    if (isTransientDatabaseError(err)) {
      // Two changes met on the same rows at the same moment; this one was rolled back whole.
      req.log.warn(
        { code: (err as { code?: string }).code, route: req.routeOptions.url },
        "transaction retried by the client",
      );
      return reply.code(503).header("retry-after", "1").send({
        error: "Service Unavailable",
        statusCode: 503,
        message:
          "another change to the same case was being made at this moment, so nothing was changed; send the request again",
      });
    }
    const status = err.statusCode ?? 500;
    if (err instanceof HttpError) for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
    if (status >= 500) req.log.error({ err }, "request failed");
    return reply.code(status).send({
      error:
        status >= 500 ? "Internal Server Error" : err.name === "HttpError" ? httpReason(status) : err.name,
      statusCode: status,
      message: status >= 500 ? "something went wrong on our side; it has been logged" : err.message,
    });
  });

  app.get("/healthz", { schema: { hide: true } }, async (_req, reply) => {
    try {
      await Promise.race([
        sql`select 1`.execute(services.db),
        new Promise((_, reject) => setTimeout(() => reject(new Error("database timeout")), 2000)),
      ]);
      return { status: "ok", version: VERSION, role: services.config.role };
    } catch (err) {
      reply.code(503);
      return { status: "unavailable", reason: `the database does not answer: ${(err as Error).message}` };
    }
  });

  app.get("/metrics", { schema: { hide: true } }, async (_req, reply) => {
    reply.type(services.metrics.contentType);
    return services.metrics.metrics();
  });

  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  // Every /api/v1 route is authenticated, then authorised for the ability it declares
  // (`config: { ability }`), before its input is validated. A route that declares none does not start.
  await app.register(async (api) => {
    api.addHook("onRoute", requireDeclaredAbility);
    api.addHook("onRequest", bearerAuth(services.db));
    api.addHook("preValidation", authorize);
    api.addHook("preValidation", refuseUnstorableText);
    for (const mod of routes.api) mod(api as unknown as App, services);
  });
  // Forms and public pages: the same refusal (under /api/v1 it comes after the permission check).
  app.addHook("preValidation", async (req) => {
    if (!req.url.startsWith("/api/v1/")) await refuseUnstorableText(req);
  });
  for (const mod of routes.web) mod(app, services);

  return app;
}

/** Fastify's own refusals (content type, JSON syntax, size) as sentences that say what to send instead. */
function plainFrameworkError(
  err: Error & { code?: string; statusCode?: number },
  req: { headers: Record<string, unknown> },
): { status: number; message: string } | undefined {
  const type = String(req.headers["content-type"] ?? "none");
  switch (err.code) {
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return {
        status: 400,
        message: "the request body is empty, but its Content-Type says JSON: send a JSON object",
      };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return {
        status: 400,
        message: `the request body is not valid JSON (${err.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'/, "").trim() || "syntax error"}); check its quotes, commas and brackets`,
      };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return {
        status: 415,
        message: `this route does not take a body of Content-Type ${type.slice(0, 80)}; send application/json`,
      };
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return {
        status: 413,
        message: "the request body is larger than this server accepts; send a smaller one (split the file)",
      };
    default:
      return undefined;
  }
}

/**
 * A NUL character or a lone surrogate in a request's body, query or path cannot be stored as text: refused
 * with a 400 that names the field, before the route runs (so no route has to remember it).
 */
async function refuseUnstorableText(req: {
  body?: unknown;
  query?: unknown;
  params?: unknown;
}): Promise<void> {
  const found =
    findUnstorableText(req.params, "path") ??
    findUnstorableText(req.query, "query") ??
    findUnstorableText(req.body, "body");
  if (found) throw new HttpError(400, `${found.path} ${found.problem}`);
}

function httpReason(status: number): string {
  return (
    {
      400: "Bad Request",
      401: "Unauthorized",
      403: "Forbidden",
      404: "Not Found",
      409: "Conflict",
      413: "Payload Too Large",
      415: "Unsupported Media Type",
      422: "Unprocessable Entity",
      429: "Too Many Requests",
    }[status] ?? "Error"
  );
}
