/**
 * What the desk runs with, for the console's settings page (admin): each brand's policy profile (read-only:
 * it lives in a file), the measure connectors without their secrets, the message templates, the retention
 * terms. Brands, users and tokens have their own routes (they are changed there).
 */
import { z } from "zod";
import { actorOf } from "../auth/http.ts";
import { brandInScope } from "../auth/scope.ts";
import { RETENTION_KINDS, retentionOf } from "../privacy/retention.ts";
import type { RouteModule } from "../server.ts";

const SettingsView = z.object({
  policies: z
    .array(z.object({ brand: z.string(), profile: z.unknown() }))
    .describe("each brand's policy profile as loaded (its rules, ladders, terms and clauses)"),
  connectors: z
    .array(
      z.object({
        id: z.string(),
        type: z.string(),
        steps: z.array(z.string()),
        brands: z.array(z.string()).nullable().describe("null: every brand"),
      }),
    )
    .describe("the measure connectors (ABUSEDESK_CONNECTORS), without addresses or secrets"),
  templates: z
    .array(z.string())
    .describe("the message templates as brand/name/language (desk/…: the desk's own)"),
  retention: z
    .array(
      z.object({
        kind: z.enum(RETENTION_KINDS),
        days: z.number(),
        brands: z.array(z.object({ brand: z.string(), days: z.number() })),
      }),
    )
    .describe("how long personal data is kept (ABUSEDESK_RETENTION), with brands' own terms"),
});

export const settingsApi: RouteModule = (app, { config, policies, connectors, messages }) => {
  const retention = retentionOf(config.retention);
  app.get(
    "/api/v1/settings/overview",
    {
      config: { ability: "admin" },
      schema: {
        tags: ["settings"],
        summary: "What the desk runs with: policy profiles, connectors, templates, retention (read-only)",
        response: { 200: SettingsView },
      },
    },
    async (req) => {
      const scope = actorOf(req).brands;
      return {
        policies: [...policies]
          .filter(([brand]) => brandInScope(scope, brand))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([brand, profile]) => ({ brand, profile })),
        connectors: (connectors?.list ?? []).map((c) => ({
          id: c.id,
          type: c.type,
          steps: [...c.steps],
          brands: c.brands ? [...c.brands] : null,
        })),
        templates: messages?.templates.keys() ?? [],
        retention: RETENTION_KINDS.map((kind) => ({
          kind,
          days: retention.days(kind, null),
          brands: retention
            .brandsWithOwn(kind)
            .filter((b) => brandInScope(scope, b))
            .map((brand) => ({ brand, days: retention.days(kind, brand) })),
        })),
      };
    },
  );
};
