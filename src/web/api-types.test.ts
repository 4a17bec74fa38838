import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { API_TYPES_FILE, apiTypesText, openApiDocument } from "./api-types.ts";

test("the console's API types are the API's own: web/src/api.gen.ts is what GET /api/openapi.json says today", async () => {
  const committed = readFileSync(API_TYPES_FILE, "utf8");
  const today = await apiTypesText();
  assert.ok(
    committed === today,
    "web/src/api.gen.ts is out of date with the API's schemas: run `npm run web:types` and commit the result",
  );
});

test("every $ref of the OpenAPI document points at a schema it holds (named schemas are components)", async () => {
  const doc = await openApiDocument();
  const schemas = (doc.components as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {};
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  assert.ok(refs.length > 0, "the document refers to named schemas (Report, Event)");
  for (const name of new Set(refs)) assert.ok(name in schemas, `components.schemas.${name} exists`);
});
