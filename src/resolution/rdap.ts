/**
 * RDAP (RFC 9082/9083): the network an address that is not ours belongs to, and its abuse contact, so
 * the reporter can be pointed there. `GET {base}/ip/{address}` answers the smallest registered network
 * holding the address; the abuse contact is an entity with the role "abuse", possibly nested inside the
 * registrant's entity, with an e-mail address in its jCard (RFC 7095).
 */

export interface RdapNetwork {
  /** First and last address of the network (RDAP startAddress and endAddress). */
  first: string;
  last: string;
  handle: string | null;
  name: string | null;
  abuseEmail: string | null;
}

export type RdapAnswer = { ok: true; network: RdapNetwork } | { ok: false; error: string };

interface Entity {
  roles?: unknown;
  vcardArray?: unknown;
  entities?: unknown;
}

function emailOf(entity: Entity): string | null {
  const card = entity.vcardArray;
  if (!Array.isArray(card) || !Array.isArray(card[1])) return null;
  for (const prop of card[1] as unknown[]) {
    if (Array.isArray(prop) && prop[0] === "email" && typeof prop[3] === "string" && prop[3].includes("@")) {
      return prop[3].trim().toLowerCase();
    }
  }
  return null;
}

/** Entities read per level of an RDAP answer: a registry's answer names a handful; a huge one is cut. */
export const RDAP_MAX_ENTITIES_PER_LEVEL = 1000;

/** The first abuse e-mail address among the entities, searched breadth-first (the nearest wins). */
export function findAbuseEmail(entities: unknown): string | null {
  let level: unknown[] = Array.isArray(entities) ? entities : [];
  for (let depth = 0; depth < 5 && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const e of level.slice(0, RDAP_MAX_ENTITIES_PER_LEVEL)) {
      if (typeof e !== "object" || e === null) continue;
      const entity = e as Entity;
      if (Array.isArray(entity.roles) && entity.roles.includes("abuse")) {
        const email = emailOf(entity);
        if (email) return email;
      }
      if (Array.isArray(entity.entities) && next.length < RDAP_MAX_ENTITIES_PER_LEVEL)
        next.push(...entity.entities.slice(0, RDAP_MAX_ENTITIES_PER_LEVEL));
    }
    level = next;
  }
  return null;
}

/** Reads an RDAP ip network object; null when it is not one. */
export function readRdapNetwork(body: unknown, address: string): RdapNetwork | null {
  if (typeof body !== "object" || body === null) return null;
  const o = body as Record<string, unknown>;
  if (o.objectClassName !== undefined && o.objectClassName !== "ip network") return null;
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
  return {
    first: text(o.startAddress) ?? address,
    last: text(o.endAddress) ?? address,
    handle: text(o.handle),
    name: text(o.name),
    abuseEmail: findAbuseEmail(o.entities),
  };
}

/** Asks `baseUrl` about one address, within `timeoutMs`; never throws. */
export async function lookupIpNetwork(
  baseUrl: string,
  address: string,
  opts: { timeoutMs?: number } = {},
): Promise<RdapAnswer> {
  const url = `${baseUrl.replace(/\/+$/, "")}/ip/${encodeURIComponent(address)}`;
  try {
    const res = await fetch(url, {
      headers: { accept: "application/rdap+json, application/json" },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
      redirect: "follow",
    });
    if (res.status === 404) return { ok: false, error: "RDAP knows no network for this address" };
    if (!res.ok) return { ok: false, error: `RDAP answered ${res.status}` };
    const network = readRdapNetwork(await res.json(), address);
    return network
      ? { ok: true, network }
      : { ok: false, error: "RDAP answered something other than a network" };
  } catch (err) {
    const e = err as Error;
    if (e.name === "TimeoutError" || e.name === "AbortError") {
      return { ok: false, error: `RDAP did not answer within ${opts.timeoutMs ?? 5_000} ms` };
    }
    return { ok: false, error: `RDAP lookup failed: ${e.message}` };
  }
}
