/**
 * The file connectors: a DNS response policy zone of blocked names (`rpz`, for BIND, Unbound, Knot) and a
 * list of blackholed prefixes (`nullroute`: one a line, ExaBGP `announce route` lines, or BIRD static
 * routes). The entries live in `connector_entries`, tagged with the action that put them there; each
 * change rewrites the whole file from them under a per-connector lock, atomically (a new file renamed over
 * the old one), so a reader sees the old file or the new one, never half of one. Undo removes the
 * action's entries. Doing a call twice changes nothing (the entries are a set).
 */
import { randomBytes } from "node:crypto";
import { open, rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import ipaddr from "ipaddr.js";
import { sql } from "kysely";
import { type CallSubject, normaliseDomain } from "../payload.ts";
import { runCommand } from "./command.ts";
import type { NullrouteConfig, RpzConfig } from "./config.ts";
import type { CallOutcome, CallRequest, ConnectorContext } from "./types.ts";

/** One call adds at most this many entries (a case's subjects are capped at MAX_CALL_SUBJECTS anyway). */
export const MAX_ENTRIES_PER_CALL = 10_000;

// ---------------------------------------------------------------------------------------------------
// Entries from a call's subjects (pure)

/** The RPZ owner name of an address: `32.7.2.0.192.rpz-ip`, `128.1.zz.db8.2001.rpz-ip`. */
export function rpzIpName(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (ip.kind() === "ipv4") return `32.${[...(ip as ipaddr.IPv4).octets].reverse().join(".")}.rpz-ip`;
  const groups = (ip as ipaddr.IPv6).parts.map((p) => p.toString(16));
  // The longest run of two or more zero groups is written "zz" (as "::" in the address).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === "0") j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j > i ? j : i + 1;
  }
  const labels = best >= 0 ? [...groups.slice(0, best), "zz", ...groups.slice(best + bestLen)] : groups;
  return `128.${labels.reverse().join(".")}.rpz-ip`;
}

/** The names an RPZ blocks for these subjects: domains and URL hosts, addresses as rpz-ip triggers. */
export function rpzEntries(subjects: readonly CallSubject[]): string[] {
  const out = new Set<string>();
  for (const s of subjects.slice(0, MAX_ENTRIES_PER_CALL)) {
    let host: string | undefined;
    if (s.kind === "domain") host = s.value;
    else if (s.kind === "url") {
      try {
        host = new URL(s.value).hostname.replace(/^\[|\]$/g, "");
      } catch {
        host = undefined;
      }
    } else if (s.kind === "ip") host = s.value;
    if (!host) continue;
    const name = ipaddr.isValid(host) ? rpzIpName(host) : normaliseDomain(host);
    if (name) out.add(name);
  }
  return [...out].sort();
}

/** The prefixes a null route blackholes for these subjects (addresses as /32 or /128, URL hosts that are addresses). */
export function nullrouteEntries(
  subjects: readonly CallSubject[],
  family: NullrouteConfig["family"],
  extra: readonly unknown[] = [],
): string[] {
  const out = new Set<string>();
  const add = (text: string) => {
    const prefix = normalisePrefix(text);
    if (!prefix) return;
    const v6 = prefix.includes(":");
    if ((family === "ipv4" && v6) || (family === "ipv6" && !v6)) return;
    out.add(prefix);
  };
  for (const s of subjects.slice(0, MAX_ENTRIES_PER_CALL)) {
    if (s.kind === "ip") add(s.value);
    else if (s.kind === "url")
      try {
        add(new URL(s.value).hostname.replace(/^\[|\]$/g, ""));
      } catch {}
  }
  for (const p of extra.slice(0, MAX_ENTRIES_PER_CALL)) if (typeof p === "string") add(p);
  return [...out].sort();
}

/** `192.0.2.7` → `192.0.2.7/32`; `192.0.2.9/24` → `192.0.2.0/24`; undefined when it is not an address. */
export function normalisePrefix(text: string): string | undefined {
  const s = text.trim();
  try {
    if (s.includes("/")) {
      const [addr, len] = ipaddr.parseCIDR(s);
      const ip =
        addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()
          ? (addr as ipaddr.IPv6).toIPv4Address()
          : addr;
      const bits = ip === addr ? len : len - 96;
      if (bits < 0) return undefined;
      const network =
        ip.kind() === "ipv4"
          ? ipaddr.IPv4.networkAddressFromCIDR(`${ip.toString()}/${bits}`)
          : ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/${bits}`);
      return `${network.toString()}/${bits}`;
    }
    if (!ipaddr.isValid(s)) return undefined;
    let ip = ipaddr.parse(s);
    if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress())
      ip = (ip as ipaddr.IPv6).toIPv4Address();
    return ip.kind() === "ipv4" ? `${ip.toString()}/32` : `${ip.toString()}/128`;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// The files (pure)

const RPZ_POLICY: Readonly<Record<RpzConfig["policy"], string>> = {
  nxdomain: "CNAME .",
  nodata: "CNAME *.",
  drop: "CNAME rpz-drop.",
};

export const RPZ_END_MARK = "; end of zone";

/** The zone file: SOA with `serial`, NS, and one policy record per blocked name (and its subdomains). */
export function renderRpz(config: RpzConfig, serial: number, names: readonly string[]): string {
  const zone = `${normaliseDomain(config.zone)}.`;
  const fqdn = (n: string) => (n.endsWith(".") ? n : `${n}.`);
  const lines = [
    `; Response policy zone ${zone} written by abusedesk (connector ${config.id}).`,
    "; Do not edit: abusedesk rewrites this file whenever a block is added or undone.",
    `$ORIGIN ${zone}`,
    `$TTL ${config.ttl}`,
    `@ IN SOA ${fqdn(config.soa.mname)} ${fqdn(config.soa.rname)} ${serial} 3600 600 604800 ${config.ttl}`,
    `@ IN NS ${fqdn(config.soa.mname)}`,
  ];
  const rhs = RPZ_POLICY[config.policy];
  for (const name of new Set(names)) {
    lines.push(`${name} ${rhs}`);
    if (config.wildcard && !name.endsWith(".rpz-ip")) lines.push(`*.${name} ${rhs}`);
  }
  lines.push(`${RPZ_END_MARK} (${new Set(names).size} blocked)`, "");
  return lines.join("\n");
}

/** The null-route file in the configured format. */
export function renderNullroute(config: NullrouteConfig, prefixes: readonly string[]): string {
  const unique = [...new Set(prefixes)];
  const communities = config.communities;
  const line = (p: string) => {
    switch (config.format) {
      case "plain":
        return p;
      case "exabgp":
        return `announce route ${p} next-hop ${config.next_hop}${communities.length ? ` community [${communities.join(" ")}]` : ""}`;
      case "bird":
        return communities.length
          ? `route ${p} blackhole { ${communities.map((c) => `bgp_community.add((${c.replace(":", ",")}));`).join(" ")} };`
          : `route ${p} blackhole;`;
    }
  };
  return unique.map(line).join("\n") + (unique.length ? "\n" : "");
}

/**
 * Writes `text` to `path` so that a reader sees the old file or the new one: a new file beside it,
 * flushed to disk, renamed over the old one, and the folder flushed.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const handle = await open(tmp, "w", 0o644);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// The call

/** Adds (or, for an undo, removes) the action's entries and rewrites the file. */
export async function callFileConnector(
  config: RpzConfig | NullrouteConfig,
  request: CallRequest,
  ctx: ConnectorContext,
): Promise<CallOutcome> {
  const p = request.payload;
  const entries =
    config.type === "rpz"
      ? rpzEntries(p.subjects)
      : nullrouteEntries(
          p.subjects,
          config.family,
          Array.isArray(p.params.prefixes) ? p.params.prefixes : [],
        );
  if (!p.undo && entries.length === 0)
    return {
      ok: false,
      retry: false,
      error:
        config.type === "rpz"
          ? `nothing to block in the zone: case ${p.case_id} has no domain, URL or address among the call's subjects`
          : `nothing to null-route: case ${p.case_id} has no ${config.family === "both" ? "IP" : config.family} address among the call's subjects (or params.prefixes)`,
    };
  let written: { serial: number; count: number };
  try {
    written = await ctx.db.transaction().execute(async (trx) => {
      // One writer per connector at a time, across every worker process.
      await sql`select pg_advisory_xact_lock(hashtext(${`abusedesk-connector:${config.id}`}))`.execute(trx);
      if (p.undo)
        await trx
          .deleteFrom("connector_entries")
          .where("connector", "=", config.id)
          .where("action_id", "=", p.action_id)
          .execute();
      else
        await trx
          .insertInto("connector_entries")
          .values(entries.map((entry) => ({ connector: config.id, action_id: p.action_id, entry })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      const rows = await trx
        .selectFrom("connector_entries")
        .select("entry")
        .distinct()
        .where("connector", "=", config.id)
        .orderBy("entry")
        .execute();
      // A serial that only grows: the time in seconds, or one more than the last when that is later.
      const { rows: serialRows } = await sql<{ serial: number }>`
        insert into connector_files as f (connector, serial) values (${config.id}, extract(epoch from now())::bigint)
        on conflict (connector) do update set
          serial = greatest(f.serial + 1, extract(epoch from now())::bigint), written_at = now()
        returning serial`.execute(trx);
      const serial = Number(serialRows[0]!.serial) % 4_294_967_296 || 1;
      const list = rows.map((r) => r.entry);
      await writeFileAtomic(
        config.path,
        config.type === "rpz" ? renderRpz(config, serial, list) : renderNullroute(config, list),
      );
      return { serial, count: list.length };
    });
  } catch (err) {
    return {
      ok: false,
      retry: true,
      error: `writing ${config.path} failed: ${(err as Error).message}`,
    };
  }
  const summary = `${p.undo ? "removed" : `added ${entries.length}`}; ${written.count} in the file${config.type === "rpz" ? `, serial ${written.serial}` : ""}`;
  if (config.reload) {
    const reloaded = await runCommand(
      {
        type: "command",
        id: config.id,
        steps: config.steps,
        timeout_seconds: config.timeout_seconds,
        retry: config.retry,
        command: config.reload,
        env: {},
      },
      request,
    );
    if (!reloaded.ok) return { ...reloaded, error: `${summary}, but the reload failed: ${reloaded.error}` };
  }
  return { ok: true, answer: summary };
}
