/**
 * Customers and the inventory over HTTP: customers with their contracts, resources (with history) and
 * KYC records; the inventory import (CSV, whole or nothing); the brands' own ranges; re-resolution; and
 * "who held this at that time?".
 */
import { z } from "zod";
import { actorOf, HttpError, httpError } from "../auth/http.ts";
import { type BrandScope, brandInScope } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import { resolverFor } from "../resolution/resolver.ts";
import type { Resolution } from "../resolution/types.ts";
import type { App, RouteModule } from "../server.ts";
import {
  type CustomerDetail,
  type CustomerSummary,
  createCustomer,
  decodeCustomerCursor,
  encodeCustomerCursor,
  getCustomer,
  listCustomers,
  updateCustomer,
} from "./customers.store.ts";
import { importInventoryFile } from "./import.ts";
import { PREVIEW_CHANGES } from "./inventory.store.ts";
import { addVerification, type Verification } from "./kyc.store.ts";
import { VERIFICATION_METHODS, VERIFICATION_RESULTS } from "./kyc.ts";
import { addBrandRange, type BrandRange, listBrandRanges, removeBrandRange } from "./ranges.store.ts";
import { presentJob, queueReresolution, RERESOLVE_QUEUE } from "./reresolve-job.ts";

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const CustomerId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,99}$/, "letters, digits and . _ : / @ -, at most 100");
const KYC = z.enum(["verified", "unverified", "high_risk"]);
const Language = z.enum(["nl", "en", "fr", "de"]);
const Email = z.email().transform((s) => s.toLowerCase());

const VerificationView = z.object({
  id: z.number(),
  method: z.enum(VERIFICATION_METHODS),
  result: z.enum(VERIFICATION_RESULTS),
  verified_at: z.string(),
  verified_by: z.string(),
  reference: z.string().nullable(),
  note: z.string().nullable(),
  valid_until: z.string().nullable(),
});

const CustomerSummaryView = z.object({
  id: z.string(),
  brand: z.string(),
  name: z.string(),
  contact_emails: z.array(z.string()),
  language: z.string(),
  registration_number: z.string().nullable(),
  kyc_status: KYC,
  current_resources: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

const CustomerView = CustomerSummaryView.extend({
  contracts: z.array(
    z.object({
      id: z.number(),
      service: z.string(),
      product: z.string().nullable(),
      started_at: z.string(),
      ended_at: z.string().nullable(),
    }),
  ),
  resources: z.array(
    z.object({
      id: z.number(),
      kind: z.string(),
      value: z.string(),
      valid_from: z.string(),
      valid_to: z.string().nullable(),
      current: z.boolean(),
    }),
  ),
  verifications: z.array(VerificationView),
});

function presentVerification(v: Verification): z.infer<typeof VerificationView> {
  return {
    id: v.id,
    method: v.method,
    result: v.result,
    verified_at: v.verified_at.toISOString(),
    verified_by: v.verified_by,
    reference: v.reference,
    note: v.note,
    valid_until: iso(v.valid_until),
  };
}

function presentSummary(c: CustomerSummary): z.infer<typeof CustomerSummaryView> {
  return {
    id: c.id,
    brand: c.brand_id,
    name: c.name,
    contact_emails: c.contact_emails,
    language: c.language,
    registration_number: c.registration_number,
    kyc_status: c.kyc_status,
    current_resources: c.current_resources,
    created_at: c.created_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
  };
}

function presentCustomer(c: CustomerDetail): z.infer<typeof CustomerView> {
  const now = Date.now();
  return {
    ...presentSummary(c),
    contracts: c.contracts.map((k) => ({
      id: k.id,
      service: k.service,
      product: k.product,
      started_at: k.started_at.toISOString(),
      ended_at: iso(k.ended_at),
    })),
    resources: c.resources.map((r) => ({
      id: r.id,
      kind: r.kind,
      value: r.value,
      valid_from: r.valid_from.toISOString(),
      valid_to: iso(r.valid_to),
      current: r.valid_from.getTime() <= now && (r.valid_to === null || r.valid_to.getTime() > now),
    })),
    verifications: c.verifications.map(presentVerification),
  };
}

/** A lookup's answer as a brand-limited reader may see it: another brand's customer or range is not theirs. */
async function withinScope(db: DB, r: Resolution, scope: BrandScope): Promise<Resolution> {
  if (scope === null) return r;
  if (r.resolution === "not_ours")
    return r.brand !== undefined && !brandInScope(scope, r.brand) ? { resolution: "not_ours" } : r;
  const customer = await getCustomer(db, r.customerId, scope);
  return customer ? r : { resolution: "not_ours" };
}

const RangeView = z.object({
  id: z.number(),
  brand: z.string(),
  cidr: z.string(),
  note: z.string().nullable(),
  created_at: z.string(),
});
const presentRange = (r: BrandRange) => ({
  id: r.id,
  brand: r.brand_id,
  cidr: r.cidr,
  note: r.note,
  created_at: r.created_at.toISOString(),
});

const ReresolveView = z.object({ examined: z.number(), matched: z.number(), more: z.boolean() });

const ImportView = z.object({
  rows: z.number(),
  brand: z.string().nullable(),
  sync: z.boolean(),
  customers_created: z.number(),
  customers_updated: z.number(),
  customers_unchanged: z.number(),
  resources_added: z.number(),
  resources_closed: z.number(),
  resources_changed: z.number(),
  resources_unchanged: z.number(),
  reresolved: ReresolveView.nullable().meta({
    description: "null from the API: re-resolution runs as `job` (GET /api/v1/inventory/jobs/{id})",
  }),
  job: z.object({ id: z.string(), queue: z.string(), state: z.string() }).nullable().meta({
    description: "the job re-resolving the events the new resources may cover; null when none was added",
  }),
  changes: z
    .array(
      z.object({
        change: z.enum(["add", "close", "change_end"]),
        customer_id: z.string(),
        kind: z.string(),
        value: z.string(),
        valid_from: z.string(),
        valid_to: z.string().nullable(),
        was_valid_to: z.string().nullable().optional(),
      }),
    )
    .optional()
    .meta({ description: `a preview's changes (?preview=true): at most ${PREVIEW_CHANGES} of each kind` }),
});

const JobView = z.object({
  id: z.string(),
  queue: z.string(),
  state: z.string().meta({ description: "created, retry, active, completed, cancelled or failed" }),
  result: ReresolveView.nullable(),
  created_at: z.string().nullable(),
  completed_at: z.string().nullable(),
});

const RefusalView = z.object({
  error: z.string(),
  statusCode: z.number(),
  message: z.string(),
  // Also the shape of the server's own 400s on this route (a bad query, bad text), which name no rows.
  problems: z
    .array(z.object({ row: z.number(), column: z.string().nullable(), message: z.string() }))
    .default([]),
});

const Flag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "");

const ImportQuery = z.object({
  sync: Flag.meta({
    description: "the file is the whole truth for the brand: what it no longer lists is closed",
  }),
  brand: z
    .string()
    .max(63)
    .optional()
    .meta({ description: "every row must be of this brand (and a sync is for it)" }),
  force: Flag.meta({
    description: "allow a sync with an empty file (closes every current resource of the brand)",
  }),
  filename: z.string().max(255).optional(),
  preview: Flag.meta({
    description: "work out what the import would change and answer it (`changes`), storing nothing",
  }),
});

export const inventoryApi: RouteModule = (parent, services) => {
  const { db, log } = services;

  parent.get(
    "/api/v1/customers",
    {
      config: { ability: "read" },
      schema: {
        tags: ["customers"],
        querystring: z.object({
          brand: z.string().max(63).optional(),
          q: z
            .string()
            .max(200)
            .optional()
            .meta({ description: "part of the id, name, registration number or contact" }),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().max(300).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(CustomerSummaryView),
            next_cursor: z.string().nullable(),
            total: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const after = decodeCustomerCursor(req.query.cursor);
      if (after === "invalid") throw new HttpError(400, "the cursor is not one this list gave out");
      const page = await listCustomers(db, { ...req.query, after, scope: actorOf(req).brands });
      return {
        items: page.items.map(presentSummary),
        next_cursor: encodeCustomerCursor(page.next),
        total: page.total,
      };
    },
  );

  parent.post(
    "/api/v1/customers",
    {
      config: { ability: "admin" },
      schema: {
        tags: ["customers"],
        body: z.object({
          id: CustomerId,
          brand: z.string().max(63),
          name: z.string().min(1).max(200),
          contact_emails: z.array(Email).min(1),
          language: Language.optional(),
          registration_number: z.string().max(50).nullable().optional(),
          contracts: z
            .array(
              z.object({
                service: z.string().min(1).max(200),
                product: z.string().max(200).nullable().optional(),
                started_at: z.iso.datetime({ offset: true }).optional(),
              }),
            )
            .optional(),
        }),
        response: { 201: CustomerView },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const b = req.body;
      const result = await createCustomer(db, actor, {
        ...b,
        contracts: b.contracts?.map((c) => ({
          service: c.service,
          product: c.product,
          started_at: c.started_at ? new Date(c.started_at) : undefined,
        })),
      });
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return presentCustomer(result.value);
    },
  );

  const CustomerParams = z.object({ id: z.string().min(1).max(200) });

  parent.get(
    "/api/v1/customers/:id",
    {
      config: { ability: "read" },
      schema: { tags: ["customers"], params: CustomerParams, response: { 200: CustomerView } },
    },
    async (req) => {
      const customer = await getCustomer(db, req.params.id, actorOf(req).brands);
      if (!customer) throw new HttpError(404, `there is no customer ${req.params.id}`);
      return presentCustomer(customer);
    },
  );

  parent.patch(
    "/api/v1/customers/:id",
    {
      config: { ability: "admin" },
      schema: {
        tags: ["customers"],
        params: CustomerParams,
        body: z
          .object({
            brand: z.string().max(63),
            name: z.string().min(1).max(200),
            contact_emails: z.array(Email).min(1),
            language: Language,
            registration_number: z.string().max(50).nullable(),
          })
          .partial()
          .strict(),
        response: { 200: CustomerView },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const result = await updateCustomer(db, actor, req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      return presentCustomer(result.value);
    },
  );

  parent.post(
    "/api/v1/customers/:id/verifications",
    {
      config: { ability: "admin" },
      schema: {
        tags: ["customers"],
        summary: "Record a know-your-customer check (abuse policy §9)",
        params: CustomerParams,
        body: z.object({
          method: z.enum(VERIFICATION_METHODS),
          result: z.enum(VERIFICATION_RESULTS),
          verified_at: z.iso.datetime({ offset: true }).optional(),
          reference: z.string().max(200).nullable().optional(),
          note: z.string().max(2000).nullable().optional(),
          valid_until: z.iso.datetime({ offset: true }).nullable().optional(),
        }),
        response: { 201: z.object({ verification: VerificationView, kyc_status: KYC }) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const b = req.body;
      const result = await addVerification(db, actor, req.params.id, {
        method: b.method,
        result: b.result,
        verified_at: b.verified_at ? new Date(b.verified_at) : undefined,
        reference: b.reference,
        note: b.note,
        valid_until: b.valid_until ? new Date(b.valid_until) : null,
      });
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return {
        verification: presentVerification(result.value.verification),
        kyc_status: result.value.status,
      };
    },
  );

  parent.get(
    "/api/v1/inventory/ranges",
    {
      config: { ability: "read" },
      schema: {
        tags: ["inventory"],
        querystring: z.object({ brand: z.string().max(63).optional() }),
        response: { 200: z.object({ items: z.array(RangeView), next_cursor: z.null(), total: z.number() }) },
      },
    },
    async (req) => {
      const items = (await listBrandRanges(db, req.query.brand, actorOf(req).brands)).map(presentRange);
      return { items, next_cursor: null, total: items.length };
    },
  );

  parent.post(
    "/api/v1/inventory/ranges",
    {
      config: { ability: "admin" },
      schema: {
        tags: ["inventory"],
        body: z.object({
          brand: z.string().max(63),
          cidr: z.string().max(64),
          note: z.string().max(500).nullable().optional(),
        }),
        response: { 201: RangeView, 200: RangeView },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const result = await addBrandRange(db, actor, req.body.brand, req.body.cidr, req.body.note ?? null);
      if (!result.ok) throw httpError(result.error);
      reply.code(result.value.created ? 201 : 200);
      return presentRange(result.value.range);
    },
  );

  parent.delete(
    "/api/v1/inventory/ranges/:id",
    {
      config: { ability: "admin" },
      schema: {
        tags: ["inventory"],
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: { 200: RangeView },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const result = await removeBrandRange(db, actor, req.params.id);
      if (!result.ok) throw httpError(result.error);
      return presentRange(result.value);
    },
  );

  parent.get(
    "/api/v1/inventory/resolve",
    {
      config: { ability: "read" },
      schema: {
        tags: ["inventory"],
        summary: "Who held this subject at that time?",
        querystring: z.object({
          ip: z.string().max(64).optional(),
          url: z.string().max(2000).optional(),
          domain: z.string().max(255).optional(),
          email: z.string().max(320).optional(),
          phone: z.string().max(40).optional(),
          at: z.iso.datetime({ offset: true }).optional().meta({ description: "default: now" }),
        }),
        response: {
          200: z.object({
            resolution: z.enum(["matched", "not_ours"]),
            customer_id: z.string().nullable(),
            matched_by: z.string().nullable(),
            value: z.string().nullable(),
            assignment_id: z.string().nullable(),
            provider_range: z.boolean().nullable(),
            range_brand: z.string().nullable(),
            invalid: z.string().nullable(),
          }),
        },
      },
    },
    async (req) => {
      const { at, ...subject } = req.query;
      const resolver = await resolverFor(db, log);
      const found = await resolver.lookup(subject, at ? new Date(at) : new Date());
      // Within the reader's brands only: another brand's customer or range is "not ours" to them.
      const r = await withinScope(db, found, actorOf(req).brands);
      const m = r.resolution === "matched" ? r : null;
      const n = r.resolution === "not_ours" ? r : null;
      return {
        resolution: r.resolution,
        customer_id: m?.customerId ?? null,
        matched_by: m?.matchedBy ?? null,
        value: m?.value ?? null,
        assignment_id: m?.assignmentId ?? null,
        provider_range: n?.providerRange ?? null,
        range_brand: n?.brand ?? null,
        invalid: n?.invalid ?? null,
      };
    },
  );

  parent.post(
    "/api/v1/inventory/reresolve",
    {
      config: { ability: "admin" },
      schema: {
        tags: ["inventory"],
        summary: "Resolve not-ours and pending events again (matched events keep their snapshot)",
        body: z
          .object({
            since: z.iso.datetime({ offset: true }).optional(),
            limit: z.number().int().min(1).max(1_000_000).optional(),
          })
          .optional(),
        response: { 200: ReresolveView },
      },
    },
    async (req) => {
      const resolver = await resolverFor(db, log);
      return resolver.reresolve(db, {
        since: req.body?.since ? new Date(req.body.since) : null,
        ...(req.body?.limit ? { limit: req.body.limit } : {}),
        group: services.pipeline.group,
      });
    },
  );

  // The import reads its body as bytes (CSV), in a context of its own so other routes keep their parsers.
  parent.register(async (instance) => {
    const app = instance as unknown as App;
    app.removeContentTypeParser(["text/plain"]);
    app.addContentTypeParser(
      ["text/csv", "text/plain", "application/csv", "application/octet-stream"],
      { parseAs: "buffer" },
      (_req, body, done) => done(null, body),
    );
    app.post(
      "/api/v1/inventory/import",
      {
        config: { ability: "admin" },
        schema: {
          tags: ["inventory"],
          summary:
            "Import the inventory CSV (whole or nothing); with sync=true the file is the whole truth for a brand",
          description:
            "Columns: customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to. A refused file " +
            "answers 422 (bad rows) or 409 (conflicts with the stored inventory, or an empty sync without force) with every problem in `problems`.",
          querystring: ImportQuery,
          response: {
            200: ImportView,
            202: ImportView,
            400: RefusalView,
            409: RefusalView,
            422: RefusalView,
          },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        const body = req.body as unknown;
        if (!Buffer.isBuffer(body) || body.length === 0) {
          throw new HttpError(
            400,
            "the body is empty: send the CSV file itself as the body, with Content-Type text/csv",
          );
        }
        const resolver = await resolverFor(db, log);
        const jobs = services.jobs;
        const result = await importInventoryFile(
          {
            db,
            log,
            resolver,
            group: services.pipeline.group,
            // Re-resolving up to 100,000 events is a worker's job, not the request's.
            ...(jobs ? { queue: (ids: readonly number[]) => queueReresolution(jobs, ids, actor.name) } : {}),
          },
          actor,
          body,
          {
            sync: req.query.sync,
            brand: req.query.brand ?? null,
            force: req.query.force,
            filename: req.query.filename ?? null,
            preview: req.query.preview,
          },
        );
        if (!result.ok) {
          const { status, message, problems } = result.error;
          return reply.code(status).send({
            error: status === 400 ? "Bad Request" : status === 409 ? "Conflict" : "Unprocessable Entity",
            statusCode: status,
            message,
            problems: problems.map((p) => ({ row: p.row, column: p.column, message: p.message })),
          });
        }
        const { job, ...counts } = result.value;
        if (!job) return { ...counts, job: null };
        return reply
          .code(202)
          .send({ ...counts, job: { id: job, queue: RERESOLVE_QUEUE, state: "created" } });
      },
    );
  });

  parent.get(
    "/api/v1/inventory/jobs/:id",
    {
      config: { ability: "admin" },
      schema: {
        tags: ["inventory"],
        summary: "How a re-resolution job queued by an import went",
        params: z.object({ id: z.uuid().describe("the job id an import answered") }),
        response: { 200: JobView },
      },
    },
    async (req) => {
      const job = services.jobs ? await services.jobs.get(RERESOLVE_QUEUE, req.params.id) : undefined;
      if (!job) throw new HttpError(404, `there is no re-resolution job ${req.params.id}`);
      return presentJob(job);
    },
  );
};
