/**
 * The console's API types come from the API's own OpenAPI document (the zod schemas that validate): this
 * builds the server without a database, asks it for the document and turns it into TypeScript with
 * openapi-typescript. `npm run web:types` writes web/src/api.gen.ts; src/web/api-types.test.ts fails when
 * the committed file is not what the API says today.
 */
import { Kysely, PostgresDialect } from "kysely";
import openapiTS, { astToString } from "openapi-typescript";
import pg from "pg";
import pino from "pino";
import client from "prom-client";
import { loadPolicies, ROUTES } from "../app.ts";
import { loadConfig } from "../config.ts";
import type { DB } from "../db/index.ts";
import { buildServer } from "../server.ts";

export const API_TYPES_FILE = new URL("../../web/src/api.gen.ts", import.meta.url);

const HEADER = `/* The API's types, generated from GET /api/openapi.json by \`npm run web:types\` (src/web/api-types.ts).
 * Do not edit: change the zod schemas of the route and run it again. */
`;

/** The OpenAPI document of this version's API, from a server that never connects to a database. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  // A pool only connects at its first query, and building the routes makes none.
  const pool = new pg.Pool({ connectionString: "postgres://nobody@127.0.0.1:1/none", max: 1 });
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) }) as unknown as DB;
  const config = loadConfig({ databaseUrl: "postgres://nobody@127.0.0.1:1/none" }, {});
  const app = await buildServer(
    {
      db,
      log: pino({ level: "silent" }),
      config,
      jobs: null,
      metrics: new client.Registry(),
      policies: await loadPolicies(config),
      pipeline: {
        resolve: async () => {
          throw new Error("no pipeline when only describing the API");
        },
        group: async () => {
          throw new Error("no pipeline when only describing the API");
        },
      },
    },
    ROUTES,
  );
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await pool.end();
  }
}

/** The text of web/src/api.gen.ts for this version of the API. */
export async function apiTypesText(): Promise<string> {
  const ast = await openapiTS(JSON.parse(JSON.stringify(await openApiDocument())));
  return HEADER + astToString(ast);
}
