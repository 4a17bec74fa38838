/** Shared by the inventory and resolution tests: brands, CSV imports, reports and events put in directly. */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { SEED_BRANDS, saveBrand } from "../src/brands.ts";
import type { DB } from "../src/db/index.ts";
import { writeEventOutcomes } from "../src/events/event.store.ts";
import { type ImportCounts, type ImportOptions, importInventory } from "../src/inventory/inventory.store.ts";
import type { ResolvedEvent, StoredEvent } from "../src/pipeline.ts";
import type { Resolver } from "../src/resolution/resolver.ts";

export const HEADER = "customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to";

export async function seedBrands(db: DB): Promise<void> {
  for (const b of SEED_BRANDS) await saveBrand(db, SYSTEM, b);
}

export function csv(...lines: string[]): string {
  return `${[HEADER, ...lines].join("\n")}\n`;
}

export async function importOk(db: DB, lines: string[], opts: ImportOptions = {}): Promise<ImportCounts> {
  const r = await importInventory(db, SYSTEM, csv(...lines), opts);
  assert.ok(r.ok, r.ok ? "" : `${r.error.message}\n${r.error.problems.map((p) => p.message).join("\n")}`);
  return r.value;
}

let reportSeq = 0;
export async function insertReport(db: DB, brand: string | null = null): Promise<number> {
  const sha = `${Date.now().toString(16)}${(++reportSeq).toString(16)}${Math.random().toString(16).slice(2)}`
    .padEnd(64, "0")
    .slice(0, 64);
  const row = await db
    .insertInto("reports")
    .values({
      channel: "api",
      sha256: sha,
      raw: Buffer.from("test"),
      size: 4,
      brand_id: brand,
      state: "parsed",
      parse_hint: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface EventSpec {
  ip?: string;
  url?: string;
  domain?: string;
  email?: string;
  phone?: string;
  at?: string | null;
  brand?: string | null;
  receivedAt?: string;
}

export async function insertEvents(db: DB, report: number, specs: EventSpec[]): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for (let i = 0; i < specs.length; i += 5_000) {
    const chunk = specs.slice(i, i + 5_000);
    const rows = await db
      .insertInto("events")
      .values(
        chunk.map((s) => ({
          report_id: report,
          brand_id: s.brand ?? null,
          category: "spam",
          kind: "abuse" as const,
          subject_ip: s.ip ?? null,
          subject_url: s.url ?? null,
          subject_domain: s.domain ?? null,
          subject_email: s.email ?? null,
          subject_phone: s.phone ?? null,
          occurred_at:
            s.at === undefined ? new Date("2026-03-01T12:00:00Z") : s.at === null ? null : new Date(s.at),
          received_at: new Date(s.receivedAt ?? "2026-03-02T08:00:00Z"),
          details: "{}",
        })),
      )
      .returning(["id", "report_id", "brand_id", "occurred_at", "received_at"])
      .execute();
    rows.forEach((r, k) => {
      const s = chunk[k]!;
      const subject: StoredEvent["subject"] = {};
      if (s.ip) subject.ip = s.ip;
      if (s.url) subject.url = s.url;
      if (s.domain) subject.domain = s.domain;
      if (s.email) subject.email = s.email;
      if (s.phone) subject.phone = s.phone;
      out.push({
        id: r.id,
        report_id: r.report_id,
        brand_id: r.brand_id,
        category: "spam",
        kind: "abuse",
        subject,
        occurred_at: r.occurred_at,
        received_at: r.received_at,
      });
    });
  }
  return out;
}

export async function resolveAll(
  db: DB,
  resolver: Resolver,
  events: StoredEvent[],
): Promise<ResolvedEvent[]> {
  return db.transaction().execute(async (trx) => {
    const resolved = await resolver.resolve(trx, events);
    await writeEventOutcomes(trx, resolved, []);
    return resolved;
  });
}

export interface EventState {
  customer_id: string | null;
  resolution: string;
  brand_id: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on the snapshot's shape
  detail: any;
}

export async function eventState(db: DB, id: number): Promise<EventState> {
  const { rows } = await sql<EventState>`
    select customer_id, resolution, brand_id, resolution_detail as detail from events where id = ${id}`.execute(
    db,
  );
  return rows[0]!;
}
