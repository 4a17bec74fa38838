/** Customers: the list, one customer with its contracts, resources (and their history) and KYC records. */
import { sql } from "kysely";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { type BrandScope, brandInScope, EVERY_BRAND, inBrandScope } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import { fail, ok, type Result } from "../errors.ts";
import { statusOf, type Verification, verificationsOf } from "./kyc.store.ts";
import type { KycStatus } from "./kyc.ts";

export interface CustomerRow {
  id: string;
  brand_id: string;
  name: string;
  contact_emails: string[];
  language: string;
  registration_number: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface CustomerSummary extends CustomerRow {
  kyc_status: KycStatus;
  current_resources: number;
}

export interface ContractRow {
  id: number;
  service: string;
  product: string | null;
  started_at: Date;
  ended_at: Date | null;
}

export interface ResourceRow {
  id: number;
  kind: string;
  value: string;
  valid_from: Date;
  valid_to: Date | null;
  created_at: Date;
}

export interface CustomerDetail extends CustomerSummary {
  contracts: ContractRow[];
  /** Every resource the customer holds or held, by kind and value, newest period first. */
  resources: ResourceRow[];
  verifications: Verification[];
}

export interface CustomerFilter {
  brand?: string | undefined;
  q?: string | undefined;
  limit: number;
  /** The id the page starts after (ids ascending). */
  after?: string | undefined;
  /** Only customers of these brands (the reader's scope); undefined: every brand. */
  scope?: BrandScope;
}

export function encodeCustomerCursor(id: string | undefined): string | null {
  return id === undefined ? null : Buffer.from(`c:${id}`).toString("base64url");
}

export function decodeCustomerCursor(cursor: string | undefined): string | undefined | "invalid" {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  return text.startsWith("c:") && text.length > 2 ? text.slice(2) : "invalid";
}

async function summaries(db: DB, rows: CustomerRow[]): Promise<CustomerSummary[]> {
  const ids = rows.map((r) => r.id);
  const verifications = await verificationsOf(db, ids);
  const counts =
    ids.length === 0
      ? []
      : await db
          .selectFrom("resources")
          .select(["customer_id", (eb) => eb.fn.countAll<number>().as("n")])
          .where("customer_id", "in", ids)
          .where((eb) => eb.or([eb("valid_to", "is", null), eb("valid_to", ">", new Date())]))
          .groupBy("customer_id")
          .execute();
  const current = new Map(counts.map((c) => [c.customer_id, Number(c.n)]));
  return rows.map((r) => ({
    ...r,
    kyc_status: statusOf(verifications.filter((v) => v.customer_id === r.id)),
    current_resources: current.get(r.id) ?? 0,
  }));
}

const CUSTOMER_COLUMNS = [
  "id",
  "brand_id",
  "name",
  "contact_emails",
  "language",
  "registration_number",
  "created_at",
  "updated_at",
] as const;

export async function listCustomers(
  db: DB,
  f: CustomerFilter,
): Promise<{ items: CustomerSummary[]; next: string | undefined; total: number }> {
  const scope = inBrandScope(f.scope ?? EVERY_BRAND, "customers.brand_id");
  let q = db.selectFrom("customers").select(CUSTOMER_COLUMNS).where(scope);
  let count = db
    .selectFrom("customers")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(scope);
  if (f.brand) {
    q = q.where("brand_id", "=", f.brand);
    count = count.where("brand_id", "=", f.brand);
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const match = sql<boolean>`(id ilike ${like} or name ilike ${like} or coalesce(registration_number, '') ilike ${like}
      or array_to_string(contact_emails, ' ') ilike ${like})`;
    q = q.where(match);
    count = count.where(match);
  }
  if (f.after !== undefined) q = q.where("id", ">", f.after);
  const rows = await q
    .orderBy("id")
    .limit(f.limit + 1)
    .execute();
  const { n } = await count.executeTakeFirstOrThrow();
  const page = rows.slice(0, f.limit);
  return {
    items: await summaries(db, page),
    next: rows.length > f.limit ? page.at(-1)?.id : undefined,
    total: Number(n),
  };
}

/** One customer; null when there is none, or none within `scope` (the reader's brands). */
export async function getCustomer(
  db: DB,
  id: string,
  scope: BrandScope = EVERY_BRAND,
): Promise<CustomerDetail | null> {
  const row = await db
    .selectFrom("customers")
    .select(CUSTOMER_COLUMNS)
    .where("id", "=", id)
    .where(inBrandScope(scope, "customers.brand_id"))
    .executeTakeFirst();
  if (!row) return null;
  const [summary] = await summaries(db, [row]);
  const contracts = await db
    .selectFrom("contracts")
    .select(["id", "service", "product", "started_at", "ended_at"])
    .where("customer_id", "=", id)
    .orderBy("started_at")
    .execute();
  const resources = await db
    .selectFrom("resources")
    .select(["id", "kind", "value", "valid_from", "valid_to", "created_at"])
    .where("customer_id", "=", id)
    .orderBy("kind")
    .orderBy("value")
    .orderBy("valid_from", "desc")
    .execute();
  return {
    ...summary!,
    contracts,
    resources,
    verifications: await verificationsOf(db, [id]),
  };
}

export interface CustomerInput {
  id: string;
  brand: string;
  name: string;
  contact_emails: string[];
  language?: "nl" | "en" | "fr" | "de" | undefined;
  registration_number?: string | null | undefined;
  contracts?:
    | Array<{ service: string; product?: string | null | undefined; started_at?: Date | undefined }>
    | undefined;
}

export type CustomerPatch = Partial<Omit<CustomerInput, "id" | "contracts">>;

async function brandExists(db: DB, brand: string): Promise<boolean> {
  return Boolean(await db.selectFrom("brands").select("id").where("id", "=", brand).executeTakeFirst());
}

export async function createCustomer(
  db: DB,
  by: Actor,
  input: CustomerInput,
): Promise<Result<CustomerDetail>> {
  if (!brandInScope(by.brands, input.brand) || !(await brandExists(db, input.brand))) {
    return fail(422, `there is no brand "${input.brand}"; GET /api/v1/brands lists them`);
  }
  const created = await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("customers")
      .values({
        id: input.id,
        brand_id: input.brand,
        name: input.name,
        contact_emails: input.contact_emails,
        language: input.language ?? "nl",
        registration_number: input.registration_number ?? null,
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return false;
    for (const c of input.contracts ?? []) {
      await trx
        .insertInto("contracts")
        .values({
          customer_id: input.id,
          service: c.service,
          product: c.product ?? null,
          started_at: c.started_at ?? new Date(),
        })
        .execute();
    }
    await appendAudit(trx, {
      actor: by.name,
      action: "customer.create",
      subjectType: "customer",
      subjectId: input.id,
      details: { brand: input.brand, name: input.name, contracts: input.contracts?.length ?? 0 },
    });
    return true;
  });
  if (!created)
    return fail(
      409,
      `a customer ${input.id} exists already; change it with PATCH /api/v1/customers/${input.id}`,
    );
  return ok((await getCustomer(db, input.id))!);
}

export async function updateCustomer(
  db: DB,
  by: Actor,
  id: string,
  patch: CustomerPatch,
): Promise<Result<CustomerDetail>> {
  if (
    patch.brand !== undefined &&
    (!brandInScope(by.brands, patch.brand) || !(await brandExists(db, patch.brand)))
  ) {
    return fail(422, `there is no brand "${patch.brand}"; GET /api/v1/brands lists them`);
  }
  const changed = await db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("customers")
      .selectAll()
      .where("id", "=", id)
      .where(inBrandScope(by.brands, "customers.brand_id"))
      .forUpdate()
      .executeTakeFirst();
    if (!before) return null;
    const values = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.brand !== undefined ? { brand_id: patch.brand } : {}),
      ...(patch.contact_emails !== undefined ? { contact_emails: patch.contact_emails } : {}),
      ...(patch.language !== undefined ? { language: patch.language } : {}),
      ...(patch.registration_number !== undefined ? { registration_number: patch.registration_number } : {}),
    };
    if (Object.keys(values).length > 0) {
      await trx
        .updateTable("customers")
        .set({ ...values, updated_at: new Date() })
        .where("id", "=", id)
        .execute();
    }
    await appendAudit(trx, {
      actor: by.name,
      action: "customer.update",
      subjectType: "customer",
      subjectId: id,
      details: {
        changed: Object.keys(values),
        before: Object.fromEntries(
          Object.keys(values).map((k) => [k, (before as unknown as Record<string, unknown>)[k]]),
        ),
      },
    });
    return true;
  });
  if (!changed) return fail(404, `there is no customer ${id}`);
  return ok((await getCustomer(db, id))!);
}
