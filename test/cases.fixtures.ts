/**
 * Test data for the cases tests: reports and resolved events written straight into the database, then
 * grouped as the pipeline would. `openCaseFor` is the one door the scenario tests use, so that they can be
 * switched to real reports (POST /api/v1/reports) once intake and resolution are in place.
 */
import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import { createCaseGrouper } from "../src/cases/grouping.ts";
import type { DB } from "../src/db/index.ts";
import { writeEventOutcomes } from "../src/events/event.store.ts";
import type { ResolvedEvent } from "../src/pipeline.ts";
import type { PolicyProfile } from "../src/policy/schema.ts";
import { CATEGORIES, type Category, type Kind } from "../src/taxonomy.ts";
import { quietLog } from "./helpers.ts";

export async function insertReport(
  db: DB,
  opts: { format?: string; receivedAt?: Date; brand?: string } = {},
): Promise<number> {
  const raw = randomBytes(16);
  const row = await db
    .insertInto("reports")
    .values({
      channel: "api",
      received_at: opts.receivedAt ?? new Date(),
      sha256: createHash("sha256").update(raw).digest("hex"),
      raw,
      size: raw.length,
      format: opts.format ?? "arf",
      state: "parsed",
      brand_id: opts.brand ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface EventSpec {
  brand: string;
  customer: string;
  category: Category;
  kind?: Kind;
  ip?: string;
  url?: string;
  domain?: string;
  email?: string;
  occurredAt?: Date;
}

/** Events of one report, stored as resolution leaves them ("matched" to the customer). */
export async function insertEvents(
  db: DB,
  reportId: number,
  specs: readonly EventSpec[],
  receivedAt = new Date(),
): Promise<ResolvedEvent[]> {
  const out: ResolvedEvent[] = [];
  for (let i = 0; i < specs.length; i += 5000) {
    const chunk = specs.slice(i, i + 5000);
    const rows = await db
      .insertInto("events")
      .values(
        chunk.map((s) => ({
          report_id: reportId,
          brand_id: s.brand,
          category: s.category,
          kind: s.kind ?? CATEGORIES[s.category].kind,
          subject_ip: s.ip ?? null,
          subject_url: s.url ?? null,
          subject_domain: s.domain ?? null,
          subject_email: s.email ?? null,
          occurred_at: s.occurredAt ?? receivedAt,
          received_at: receivedAt,
          customer_id: s.customer,
          resolution: "matched" as const,
          details: "{}",
        })),
      )
      .returning(["id"])
      .execute();
    rows.forEach((r, j) => {
      const s = chunk[j]!;
      out.push({
        id: r.id,
        report_id: reportId,
        brand_id: s.brand,
        category: s.category,
        kind: s.kind ?? CATEGORIES[s.category].kind,
        subject: {
          ...(s.ip ? { ip: s.ip } : {}),
          ...(s.url ? { url: s.url } : {}),
          ...(s.domain ? { domain: s.domain } : {}),
          ...(s.email ? { email: s.email } : {}),
        },
        occurred_at: s.occurredAt ?? receivedAt,
        received_at: receivedAt,
        customer_id: s.customer,
        resolution: "matched",
        resolution_detail: {},
      });
    });
  }
  return out;
}

/** Groups stored events in a transaction of their own and links them to their cases; the case ids touched. */
export async function group(
  db: DB,
  policies: ReadonlyMap<string, PolicyProfile>,
  events: ResolvedEvent[],
): Promise<number[]> {
  const grouper = createCaseGrouper(db, policies, quietLog);
  const caseIds = await db.transaction().execute(async (trx) => {
    const ids = await grouper.group(trx, events);
    await writeEventOutcomes(trx, events, ids);
    return ids;
  });
  return [...new Set(caseIds.filter((c): c is number => c !== null))];
}

/** A report with `count` events about one customer, grouped: the case it opened or joined. */
export async function openCaseFor(
  db: DB,
  policies: ReadonlyMap<string, PolicyProfile>,
  spec: EventSpec & { count?: number; format?: string; receivedAt?: Date },
): Promise<number> {
  const receivedAt = spec.receivedAt ?? new Date();
  const report = await insertReport(db, {
    receivedAt,
    brand: spec.brand,
    ...(spec.format ? { format: spec.format } : {}),
  });
  const n = spec.count ?? 1;
  const events = await insertEvents(
    db,
    report,
    Array.from({ length: n }, () => spec),
    receivedAt,
  );
  const ids = await group(db, policies, events);
  if (ids.length !== 1) throw new Error(`expected one case, got ${ids.length}`);
  return ids[0]!;
}

/** A customer of a brand, with nothing else. */
export async function insertCustomer(db: DB, id: string, brand: string, name = `Customer ${id}`) {
  await db
    .insertInto("customers")
    .values({ id, brand_id: brand, name, contact_emails: [`info@${id}.example`] })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

export async function caseRow(db: DB, id: number) {
  return db.selectFrom("cases").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

export async function countOpenCases(db: DB, customer: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from cases
    where customer_id = ${customer} and state not in ('resolved', 'rejected', 'closed')`.execute(db);
  return r.rows[0]!.n;
}
