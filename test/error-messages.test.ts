/**
 * Messages a person can read: every 4xx answer of the API, walked from its OpenAPI description with
 * invalid input for every route, is a sentence that names what is wrong — no doubled words, no
 * "undefined", no bare zod phrasing, and a validation error names the field.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { z } from "zod";
import type { Role } from "../src/auth/roles.ts";
import { CASE_STATES, checkTransition } from "../src/cases/states.ts";
import { explainIssues } from "../src/validation.ts";
import { json, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
}

/** The small rule every message a person sees must pass; answers what is wrong with it, if anything. */
export function messageProblem(message: unknown): string | undefined {
  if (typeof message !== "string" || message.trim().length < 15) return "not a sentence";
  if (/\bundefined\b/.test(message)) return 'says "undefined"';
  if (/\bInvalid input\b|\bexpected \w+, received\b/.test(message)) return "bare zod wording";
  const doubled = /\b([A-Za-z]{2,})\s+\1\b/i.exec(message);
  if (doubled) return `doubled word "${doubled[1]}"`;
  if (/[:,]\s*$/.test(message)) return "ends in the middle";
  return undefined;
}

/** A value of the wrong type for a property of this schema. */
function wrongValue(s: JsonSchema): unknown {
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== "null") : s.type;
  if (s.enum) return "no-such-value";
  switch (type) {
    case "string":
      return 12345;
    case "integer":
    case "number":
      return "not-a-number";
    case "boolean":
      return "perhaps";
    case "array":
      return "not-a-list";
    case "object":
      return "not-an-object";
    default:
      return { nested: [] };
  }
}

test("every 4xx of an OpenAPI walk with invalid input is a readable sentence naming the field", async () => {
  const doc = await json(await fetch(`${t.baseUrl}/api/openapi.json`));
  const resolve = (s: JsonSchema | undefined): JsonSchema | undefined => {
    if (!s?.$ref) return s;
    const name = s.$ref.split("/").at(-1)!;
    return doc.components?.schemas?.[name];
  };
  const cases = await json(await t.api("admin", "/api/v1/cases?state=all&limit=1"));
  const caseId = cases.items[0].id as number;

  const bad: string[] = [];
  let checked = 0;
  let validations = 0;
  const call = async (method: string, path: string, body: unknown, what: string, field?: string) => {
    for (const role of ["admin", "legal"] as Role[]) {
      const init: RequestInit = { method };
      if (body !== undefined) {
        init.headers = { "content-type": "application/json" };
        init.body = typeof body === "string" ? body : JSON.stringify(body);
      }
      const res = await t.api(role, path, init);
      if (res.status === 403 && role === "admin") continue;
      if (res.status >= 500) bad.push(`${method} ${path} (${what}): ${res.status}`);
      if (res.status < 400 || res.status >= 500) return;
      const answer = (await res.json().catch(() => ({}))) as { message?: unknown; issues?: unknown };
      checked++;
      const problem = messageProblem(answer.message);
      if (problem) bad.push(`${method} ${path} (${what}): ${problem}: ${JSON.stringify(answer.message)}`);
      if (answer.issues) {
        validations++;
        if (
          field &&
          !String(answer.message).includes(`\`${field}\``) &&
          !/request body|JSON body/.test(String(answer.message))
        )
          bad.push(`${method} ${path} (${what}): does not name \`${field}\`: ${answer.message}`);
      }
      return;
    }
  };

  interface Operation {
    parameters?: { in: string; name: string; schema?: JsonSchema }[];
    requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  }
  for (const [template, methods] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
    if (!template.startsWith("/api/v1/")) continue;
    const path = template.replace(/\{(\w+)\}/g, (_m, name) => (name === "id" ? String(caseId) : "1"));
    for (const [method, op] of Object.entries(methods)) {
      const M = method.toUpperCase();
      // Path parameters that are not numbers.
      if (template.includes("{"))
        await call(M, template.replace(/\{(\w+)\}/g, "not-an-id"), undefined, "bad id");
      // Query parameters of the wrong kind.
      for (const p of op.parameters ?? []) {
        if (p.in !== "query") continue;
        const s = resolve(p.schema);
        const value = s?.type === "string" && !s.enum ? "" : "%%no-such-value%%";
        if (value === "") continue;
        await call(M, `${path}?${p.name}=${encodeURIComponent(value)}`, undefined, `query ${p.name}`, p.name);
      }
      const schema = resolve(op.requestBody?.content?.["application/json"]?.schema);
      if (!schema) continue;
      await call(M, path, undefined, "no body");
      await call(M, path, "{not json", "broken JSON");
      await call(M, path, {}, "empty object", schema.required?.[0]);
      for (const [name, prop] of Object.entries(schema.properties ?? {})) {
        const value = wrongValue(resolve(prop) ?? {});
        await call(M, path, { [name]: value }, `wrong ${name}`, name);
      }
    }
  }
  assert.ok(checked > 50, `only ${checked} 4xx answers were checked`);
  assert.ok(validations > 30, `only ${validations} validation answers were checked`);
  assert.deepEqual(bad, []);
});

test("a field that is missing or wrong is named, with what to give instead", () => {
  const schema = z.object({
    owner: z.string().email().describe("the user's e-mail address"),
    count: z.number().int(),
    state: z.enum(["new", "closed"]),
  });
  const explain = (data: unknown) => {
    const r = schema.safeParse(data);
    assert.ok(!r.success);
    return explainIssues(r.error.issues, { place: "body", schema, data });
  };
  assert.match(
    explain({ count: 1, state: "new" }),
    /^the field `owner` is required: give the user's e-mail address$/,
  );
  assert.match(
    explain({ owner: "x", count: 1, state: "new" }),
    /the field `owner` must be an e-mail address/,
  );
  assert.match(
    explain({ owner: "a@b.nl", count: "2", state: "new" }),
    /the field `count` must be a whole number, not a text/,
  );
  assert.match(
    explain({ owner: "a@b.nl", count: 2, state: "old" }),
    /the field `state` must be one of new or closed, not "old"/,
  );
  assert.match(
    explainIssues(schema.safeParse(undefined).error!.issues, { place: "body", schema, data: undefined }),
    /the request needs a JSON body/,
  );
});

test("a refused state change reads as a sentence for every pair of states", () => {
  for (const from of CASE_STATES) {
    for (const to of CASE_STATES) {
      const r = checkTransition(from, to, undefined);
      if (r.ok) continue;
      assert.equal(messageProblem(r.error.message), undefined, r.error.message);
      assert.match(r.error.message, new RegExp(`\\b${to}\\b`));
    }
  }
  const r = checkTransition("measures", "new", undefined);
  assert.ok(!r.ok);
  assert.equal(
    r.error.message,
    "the case is in state measures (measures are in force) and cannot move to new; from measures it can move to waiting_customer, in_review, resolved or closed",
  );
});
