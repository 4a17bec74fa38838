/**
 * NUL characters and invalid Unicode on every changing route, generated from the OpenAPI document: each
 * POST/PATCH/PUT/DELETE under /api/v1 gets a valid body built from its JSON schema, then a NUL and a lone
 * surrogate in each of its string fields (body, query and path) in turn. The answer is a 4xx that says
 * what is wrong, or the text is stored safely: never a 500. Routes added later are walked as they come.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import client from "prom-client";
import { buildServer, type RouteModule } from "../src/server.ts";
import { json, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

// biome-ignore lint/suspicious/noExplicitAny: a JSON schema from the OpenAPI document, read at run time
type Schema = any;

const CHANGING = ["post", "put", "patch", "delete"];
const HOSTILE = [
  { name: "a NUL", text: "walk\u0000text", url: "walk%00text" },
  // JSON carries a lone surrogate as an escape; a URL can only carry it as invalid UTF-8.
  { name: "a lone surrogate", text: "walk\ud800text", url: "walk%ED%A0%80text" },
];

function resolve(doc: Schema, schema: Schema): Schema {
  let s = schema;
  for (let i = 0; s?.$ref && i < 10; i++) s = doc.components.schemas[s.$ref.split("/").pop()];
  return s ?? {};
}

/** A value the schema accepts: the first enum value, a date where a date is asked, every property. */
function example(doc: Schema, schema: Schema, depth = 0): unknown {
  const s = resolve(doc, schema);
  if (depth > 8) return null;
  if ("const" in s) return s.const;
  if (s.enum) return s.enum.find((v: unknown) => v !== null) ?? s.enum[0];
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const pick = alternatives.map((a: Schema) => resolve(doc, a)).find((a: Schema) => a.type !== "null");
    return example(doc, pick ?? alternatives[0], depth + 1);
  }
  if (s.allOf) return Object.assign({}, ...s.allOf.map((a: Schema) => example(doc, a, depth + 1)));
  const type = Array.isArray(s.type) ? s.type.find((x: string) => x !== "null") : s.type;
  switch (type) {
    case "string": {
      if (s.format === "email") return "walk@example.org";
      if (s.format === "date-time") return "2026-03-04T10:00:00Z";
      if (s.format === "date") return "2026-03-04";
      if (s.format === "uri") return "https://example.org/walk";
      return "walk".padEnd(s.minLength ?? 0, "k");
    }
    case "integer":
    case "number":
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case "boolean":
      return false;
    case "array":
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () =>
        example(doc, s.items ?? {}, depth + 1),
      );
    default: {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) out[k] = example(doc, v, depth + 1);
      return out;
    }
  }
}

/** The paths of the string fields of a value, e.g. ["note"], ["subjects", 0, "ip"]. */
function stringPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string") return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...at, i]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...at, k]));
  return [];
}

function withText(value: unknown, path: (string | number)[], text: string): unknown {
  const copy = structuredClone(value);
  if (path.length === 0) return text;
  let node = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[path.at(-1)!] = text;
  return copy;
}

/** An id that exists for `{name}` in `path`: the first item of the list the path starts with. */
async function idFor(path: string, name: string): Promise<string> {
  const list = path.slice(0, path.indexOf(`{${name}}`)).replace(/\/$/, "");
  if (/\{/.test(list)) return "1";
  const res = await t.api("admin", list);
  if (res.status !== 200) return "1";
  const body = await json(res);
  const first = Array.isArray(body) ? body[0] : body.items?.[0];
  return first?.id !== undefined ? String(first.id) : "1";
}

interface Walked {
  route: string;
  field: string;
  hostile: string;
  status: number;
  message: string;
}

test("every changing route answers a NUL or a lone surrogate in any string field with a 4xx that says what is wrong, or stores it safely", {
  timeout: 10 * 60_000,
}, async () => {
  const doc = await json(await fetch(`${t.baseUrl}/api/openapi.json`));
  const walked: Walked[] = [];
  const routes: string[] = [];
  for (const [path, ops] of Object.entries<Schema>(doc.paths)) {
    if (!path.startsWith("/api/v1/")) continue;
    for (const [method, op] of Object.entries<Schema>(ops)) {
      if (!CHANGING.includes(method)) continue;
      routes.push(`${method.toUpperCase()} ${path}`);
      const params: Schema[] = op.parameters ?? [];
      const pathValues = new Map<string, string>();
      for (const p of params.filter((x) => x.in === "path"))
        pathValues.set(p.name, await idFor(path, p.name));
      const query = new Map<string, string>();
      for (const p of params.filter((x) => x.in === "query" && resolve(doc, x.schema).type === "string")) {
        query.set(p.name, String(example(doc, p.schema)));
      }
      const schema = op.requestBody?.content?.["application/json"]?.schema;
      const body = schema ? example(doc, schema) : undefined;

      const send = async (
        field: string,
        hostile: (typeof HOSTILE)[number],
        kind: "body" | "query" | "path",
      ) => {
        let url = path.replace(/\{(\w+)\}/g, (_, n: string) =>
          kind === "path" && n === field ? hostile.url : encodeURIComponent(pathValues.get(n)!),
        );
        const q = [...query].map(
          ([k, v]) => `${k}=${kind === "query" && k === field ? hostile.url : encodeURIComponent(v)}`,
        );
        if (q.length) url += `?${q.join("&")}`;
        const payload =
          kind === "body"
            ? withText(body, JSON.parse(field), hostile.text)
            : body === undefined
              ? undefined
              : body;
        const res = await t.api("admin", url, {
          method: method.toUpperCase(),
          ...(payload === undefined
            ? {}
            : { headers: { "content-type": "application/json" }, body: JSON.stringify(payload) }),
        });
        const text = await res.text();
        let message = "";
        try {
          message = String(JSON.parse(text).message ?? "");
        } catch {
          message = text;
        }
        walked.push({
          route: `${method.toUpperCase()} ${path}`,
          field,
          hostile: hostile.name,
          status: res.status,
          message,
        });
      };
      for (const hostile of HOSTILE) {
        for (const field of stringPaths(body)) await send(JSON.stringify(field), hostile, "body");
        for (const name of query.keys()) await send(name, hostile, "query");
        for (const name of pathValues.keys()) await send(name, hostile, "path");
      }
    }
  }
  // The walk found the routes of today (and walks tomorrow's as they are added).
  assert.ok(routes.includes("POST /api/v1/cases/{id}/notes"), routes.join(", "));
  assert.ok(routes.includes("PATCH /api/v1/customers/{id}"));
  assert.ok(walked.length > 50, `${walked.length} requests`);
  const wrong = walked.filter(
    (w) => w.status >= 500 || (w.status >= 400 && w.message.trim().split(/\s+/).length < 4),
  );
  assert.deepEqual(wrong, []);
  // Those refused for the text itself name the field and what is wrong.
  const refused = walked.filter((w) => w.status === 400 && /NUL|surrogate|UTF-8/.test(w.message));
  assert.ok(refused.length > walked.length / 2, `${refused.length} of ${walked.length} named the bad text`);
  for (const r of refused.filter((r) => r.field.startsWith("["))) {
    const leaf = JSON.parse(r.field).at(-1);
    assert.match(r.message, new RegExp(String(leaf)), `${r.route} ${r.field}: ${r.message}`);
  }
  assert.equal((await fetch(`${t.baseUrl}/healthz`)).status, 200);
});

test("text PostgreSQL refuses that reaches the database anyway is a 400 with what to do, not a 500", async () => {
  // A route that writes text with a NUL, past every check: the error handler is the last line of defence.
  const raw: RouteModule = (app) => {
    app.post("/api/v1/walk-unchecked", { config: { ability: "read" } }, async (req) => {
      const text = `${(req.body as { text: string }).text}\u0000`;
      await sql`select ${text}::text`.execute(t.desk.services.db);
      return { ok: true };
    });
  };
  const services = { ...t.desk.services, metrics: new client.Registry() };
  const app = (await buildServer(services, { api: [raw], web: [] })) as unknown as FastifyInstance;
  try {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/walk-unchecked",
      headers: { authorization: `Bearer ${await t.token("admin")}`, "content-type": "application/json" },
      payload: { text: "fine" },
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().message, /NUL character or invalid UTF-8.*remove it/);
  } finally {
    await app.close();
  }
});
