/** The RDAP cache and the abuse contacts written onto not-ours events. */
import { sql } from "kysely";
import type { DB } from "../db/index.ts";
import type { RdapNetwork } from "./rdap.ts";

const PENDING = sql`e.resolution = 'not_ours' and (e.resolution_detail ->> 'abuse_contact_pending') = 'true'`;

/** Addresses of not-ours events still waiting for their abuse contact. */
export async function addressesAwaitingContact(db: DB, limit: number): Promise<string[]> {
  const { rows } = await sql<{ ip: string }>`
    select distinct host(e.subject_ip) as ip from events e
     where ${PENDING} and e.subject_ip is not null limit ${limit}`.execute(db);
  return rows.map((r) => r.ip);
}

export interface CachedNetwork {
  network: RdapNetwork | null;
  error: string | null;
}

/** The most specific unexpired cached network (or failure) holding `ip`. */
export async function cachedNetwork(db: DB, ip: string): Promise<CachedNetwork | null> {
  const row = await db
    .selectFrom("rdap_networks")
    .select([
      sql<string>`host(first_ip)`.as("first"),
      sql<string>`host(last_ip)`.as("last"),
      "handle",
      "name",
      "abuse_email",
      "error",
    ])
    .where(sql<boolean>`family(first_ip) = family(${ip}::inet)`)
    .where(sql<boolean>`first_ip <= ${ip}::inet and last_ip >= ${ip}::inet`)
    .where("expires_at", ">", new Date())
    .orderBy("first_ip", "desc")
    .orderBy("last_ip", "asc")
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  return {
    network:
      row.error === null
        ? {
            first: row.first,
            last: row.last,
            handle: row.handle,
            name: row.name,
            abuseEmail: row.abuse_email,
          }
        : null,
    error: row.error,
  };
}

export async function saveNetwork(db: DB, network: RdapNetwork, expiresAt: Date): Promise<void> {
  await db
    .insertInto("rdap_networks")
    .values({
      first_ip: network.first,
      last_ip: network.last,
      handle: network.handle,
      name: network.name,
      abuse_email: network.abuseEmail,
      error: null,
      expires_at: expiresAt,
    })
    .execute();
}

/** A failed lookup for one address, remembered until `expiresAt` so it is not asked again at once. */
export async function saveFailure(db: DB, ip: string, error: string, expiresAt: Date): Promise<void> {
  await db
    .insertInto("rdap_networks")
    .values({
      first_ip: ip,
      last_ip: ip,
      handle: null,
      name: null,
      abuse_email: null,
      error,
      expires_at: expiresAt,
    })
    .execute();
}

/** Writes each address's contact (or why there is none) onto its waiting events, in one statement. */
export async function writeContacts(
  db: DB,
  contacts: ReadonlyArray<{ ip: string; info: Record<string, unknown> }>,
): Promise<number> {
  if (contacts.length === 0) return 0;
  const ips = contacts.map((c) => c.ip);
  const infos = contacts.map((c) => JSON.stringify(c.info));
  const result = await sql`
    update events e set resolution_detail = ((e.resolution_detail::jsonb - 'abuse_contact_pending') || v.info)::json
      from unnest(${ips}::inet[], ${infos}::jsonb[]) as v(ip, info)
     where ${PENDING} and e.subject_ip = v.ip`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
