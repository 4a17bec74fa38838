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
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { sql } from "kysely";
import type { Logger } from "pino";
import client from "prom-client";
import { authorize, bearerAuth, HttpError, requireDeclaredAbility } from "./auth/http.ts";
import type { Config } from "./config.ts";
import type { DB } from "./db/index.ts";
import type { Jobs } from "./jobs.ts";
import type { Connectors } from "./measures/connectors/index.ts";
import type { MeasureNotifier } from "./measures/notifier.ts";
import type { Pipeline } from "./pipeline.ts";
import type { PolicyProfile } from "./policy/schema.ts";

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
  /** The measure connectors (ABUSEDESK_CONNECTORS); none: every measure is done by a person. */
  connectors?: Connectors;
  /** How measures, orders and escalations reach people (src/measures/notifier.ts); default: the timeline. */
  notifier?: MeasureNotifier;
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
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest("actor", null);

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
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const first = err.validation[0];
      const where = first?.instancePath
        ? `${first.instancePath.replace(/^\//, "").replaceAll("/", ".")}: `
        : "";
      return reply.code(400).send({
        error: "Bad Request",
        statusCode: 400,
        message: `${err.validationContext ?? "request"} ${where}${first?.message ?? "is not valid"}`,
        issues: err.validation.map((v) => ({ path: v.instancePath, message: v.message })),
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
    for (const mod of routes.api) mod(api as unknown as App, services);
  });
  for (const mod of routes.web) mod(app, services);

  return app;
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
      422: "Unprocessable Entity",
      429: "Too Many Requests",
    }[status] ?? "Error"
  );
}
