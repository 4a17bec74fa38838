/**
 * Resolution: which customer held the subject of an event at the moment of the abuse (SPEC C5).
 *
 * An in-memory, time-aware index over the inventory's assignments, built once and then kept current with
 * `add` and `close`. Pure: no database, no clock; the caller supplies assignments and times.
 *
 * - IP: the longest prefix with an assignment valid at that time (validFrom <= t < validTo), IPv4 and
 *   IPv6; IPv4-mapped IPv6 counts as IPv4. See PrefixTable for how.
 * - URL: the longest `url` resource (host + path, by whole segments), then the host by domain, or the
 *   host's address when it is an IP literal.
 * - Domain: the host or its nearest parent up to the registrable domain (tldts), longest first.
 * - E-mail: the mailbox, then the domain of the address.
 * - Phone: the E.164 number.
 *
 * Keeping several processes current (web, SMTP and worker processes each hold their own copy):
 * every inventory change (import, sync, API edit) is written in one transaction with a row per change in
 * an `inventory_change` log (version bigserial, assignment id, add|close, the assignment) and ends with
 * `NOTIFY inventory, '<version>'`; PostgreSQL delivers a NOTIFY only when that transaction commits, so a
 * listener never sees a change that is rolled back. Each process LISTENs on one connection; on a
 * notification it reads the log after the version it holds and applies each row with `add`/`close`
 * (microseconds each). Notifications are lost while a connection is down, so the process also re-reads
 * the log after reconnecting and on a slow timer (say every 30 s) as a safety net. When it is too far
 * behind (the log was pruned, or a sync closed a large share), it builds a fresh index from the
 * assignments table in the background (a few seconds per million) and swaps the reference, the old one
 * serving until then. The resolver stamps the version it used; a worker that must be exact can compare
 * it with the current version in the transaction that stores the event, and catch up first. Either way
 * an event's resolution is a snapshot, and `not_ours` events are re-resolved after an import.
 */
import { History } from "./history.ts";
import { parseIp, parseIpv4, parseIpv6, readPrefix, wordMask } from "./ip.ts";
import { domainCandidates, hostKey, mailboxKey, urlKeys } from "./names.ts";
import { type PhoneCountry, toE164 } from "./phone.ts";
import { PrefixTable } from "./prefix-table.ts";
import {
  type Assignment,
  type Matched,
  type NotOurs,
  type ProviderRange,
  RESOURCE_KINDS,
  type RejectedAssignment,
  type Resolution,
  type ResolvableSubject,
  type ResourceKind,
} from "./types.ts";

export interface ResolutionIndexOptions {
  /** The provider's own ranges, per brand, to tell "ours but unassigned" from "someone else's". */
  providerRanges?: readonly ProviderRange[];
}

export interface IndexStats {
  assignments: number;
  customers: number;
  ipv4Prefixes: number;
  ipv6Prefixes: number;
  /** Prefixes added since the last compile, searched by hash until the next one. */
  pendingPrefixes: number;
  names: number;
  rejected: number;
  /** Bytes held in typed arrays (the IP structures); strings and maps come on top. */
  typedArrayBytes: number;
}

export type AddOutcome = { ok: true } | { ok: false; problem: string };

type Time = Date | number;

const NOT_OURS: NotOurs = Object.freeze({ resolution: "not_ours" });
const FOREIGN: NotOurs = Object.freeze({ resolution: "not_ours", providerRange: false });

function millis(at: Time): number {
  return typeof at === "number" ? at : at.getTime();
}

function invalid(why: string): NotOurs {
  return { resolution: "not_ours", invalid: why };
}

/** Reads `address[/len]` into `out` without allocating: version * 256 + length, or -1 (bad or host bits). */
function readPrefixInto(value: string, out: Uint32Array): number {
  const slash = value.indexOf("/");
  const end = slash < 0 ? value.length : slash;
  let version: number;
  const v4 = parseIpv4(value, 0, end);
  if (v4 >= 0) {
    out[0] = v4;
    version = 4;
  } else if (parseIpv6(value, out, 0, end)) {
    version = 6;
  } else {
    return -1;
  }
  const max = version === 4 ? 32 : 128;
  let len = max;
  if (slash >= 0) {
    const digits = value.length - slash - 1;
    if (digits < 1 || digits > 3) return -1;
    len = 0;
    for (let i = slash + 1; i < value.length; i++) {
      const c = value.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return -1;
      len = len * 10 + c;
    }
    if (len > max) return -1;
  }
  if (version === 6 && out[0] === 0 && out[1] === 0 && out[2] === 0xffff) {
    if (len < 96) return -1;
    out[0] = out[3]!;
    version = 4;
    len -= 96;
  }
  const words = version === 4 ? 1 : 4;
  for (let k = 0; k < words; k++) if ((out[k]! & wordMask(len - 32 * k)) >>> 0 !== out[k]) return -1;
  return version * 256 + len;
}

class Collected {
  count = 0;
  words: Uint32Array;
  lens: Uint8Array;
  slots: Int32Array;
  constructor(
    private readonly W: number,
    capacity = 1024,
  ) {
    this.words = new Uint32Array(capacity * W);
    this.lens = new Uint8Array(capacity);
    this.slots = new Int32Array(capacity);
  }
  push(words: Uint32Array, len: number, slot: number): void {
    if (this.count === this.lens.length) {
      const size = this.count * 2;
      const w = new Uint32Array(size * this.W);
      w.set(this.words);
      this.words = w;
      const l = new Uint8Array(size);
      l.set(this.lens);
      this.lens = l;
      const s = new Int32Array(size);
      s.set(this.slots);
      this.slots = s;
    }
    for (let k = 0; k < this.W; k++) this.words[this.count * this.W + k] = words[k]!;
    this.lens[this.count] = len;
    this.slots[this.count++] = slot;
  }
}

/** The in-memory resolution index. Make one with `buildResolutionIndex`. */
export class ResolutionIndex {
  private readonly history = new History();
  private readonly v4 = new PrefixTable(this.history, 4);
  private readonly v6 = new PrefixTable(this.history, 6);
  private readonly domains = new Map<string, number>();
  private readonly urls = new Map<string, number>();
  private readonly mailboxes = new Map<string, number>();
  private readonly phones = new Map<string, number>();

  private readonly ranges = new History();
  private readonly ranges4 = new PrefixTable(this.ranges, 4);
  private readonly ranges6 = new PrefixTable(this.ranges, 6);
  private readonly hasRanges: boolean;
  private readonly inRange = new Map<string, NotOurs>();

  private readonly buf = new Uint32Array(4);
  private lastVersion = 0;
  private readonly rejectedList: RejectedAssignment[] = [];

  /** @internal use buildResolutionIndex */
  constructor(assignments: Iterable<Assignment>, options: ResolutionIndexOptions) {
    const ranges = options.providerRanges ?? [];
    this.hasRanges = ranges.length > 0;
    for (const range of ranges) {
      const code = readPrefixInto(range.cidr.trim(), this.buf);
      if (code < 0)
        throw new TypeError(`provider range \`${range.cidr}\` of ${range.brand} is not a CIDR network`);
      const slot = this.ranges.push(range.cidr, range.brand, range.cidr, -Infinity, Infinity);
      (code >> 8 === 4 ? this.ranges4 : this.ranges6).add(this.buf, code & 255, slot);
      if (!this.inRange.has(range.brand)) {
        this.inRange.set(
          range.brand,
          Object.freeze({ resolution: "not_ours", providerRange: true, brand: range.brand }),
        );
      }
    }
    this.ranges4.compile();
    this.ranges6.compile();

    const c4 = new Collected(1);
    const c6 = new Collected(4);
    for (const a of assignments) {
      const slot = this.take(a);
      if (slot < 0) continue;
      if (a.kind === "ip") {
        const code = readPrefixInto(a.value.trim(), this.buf);
        (code >> 8 === 4 ? c4 : c6).push(this.buf, code & 255, slot);
      } else {
        this.linkName(a.kind, this.history.values[slot]!, slot);
      }
    }
    this.v4.bulkLoad(c4.words, c4.lens, c4.slots, c4.count);
    this.v6.bulkLoad(c6.words, c6.lens, c6.slots, c6.count);
  }

  /** Assignments the index could not take (a bad value or date), with the reason. */
  get rejected(): readonly RejectedAssignment[] {
    return this.rejectedList;
  }

  /** Adds one assignment: a new customer of a prefix, a re-assignment, a new domain... */
  add(assignment: Assignment): AddOutcome {
    if (this.history.slotOf(assignment.id) >= 0) {
      return { ok: false, problem: `assignment ${assignment.id} is in the index already; close it instead` };
    }
    const before = this.rejectedList.length;
    const slot = this.take(assignment);
    if (slot < 0) {
      const problem = this.rejectedList[before]?.problem ?? "rejected";
      this.rejectedList.length = before;
      return { ok: false, problem };
    }
    if (assignment.kind === "ip") {
      const code = readPrefixInto(assignment.value.trim(), this.buf);
      (code >> 8 === 4 ? this.v4 : this.v6).add(this.buf, code & 255, slot);
    } else {
      this.linkName(assignment.kind, this.history.values[slot]!, slot);
    }
    return { ok: true };
  }

  /**
   * Ends an assignment at `validTo` (exclusive), or re-opens it with null (a sync that extends a period).
   * False when the id is not in the index.
   */
  close(assignmentId: string, validTo: Date | null): boolean {
    const slot = this.history.slotOf(assignmentId);
    if (slot < 0) return false;
    this.history.setTo(slot, validTo === null ? Number.POSITIVE_INFINITY : validTo.getTime());
    if (RESOURCE_KINDS[this.history.tag[slot]!] === "ip") {
      const code = readPrefixInto(this.history.values[slot]!, this.buf);
      (code >> 8 === 4 ? this.v4 : this.v6).refresh(slot);
    }
    return true;
  }

  /** Folds prefixes added since the build into the compiled structure (add does this by itself, too). */
  compact(): void {
    if (this.v4.pendingCount > 0) this.v4.compile();
    if (this.v6.pendingCount > 0) this.v6.compile();
  }

  /**
   * Resolves an event's subject: url, then ip, then domain, then e-mail, then phone; the first that
   * matches wins (a phishing URL names the site's customer even when its IP is a shared web server).
   * When none matches, the IP's answer is returned, so that "in our range" is not lost.
   */
  resolve(subject: ResolvableSubject, at: Time, options: { phoneCountry?: PhoneCountry } = {}): Resolution {
    // An address alone (every row of a feed): its own answer, without the bookkeeping below.
    if (subject.ip && !subject.url && !subject.domain && !subject.email && !subject.phone)
      return this.resolveIp(subject.ip, at);
    const answers: Resolution[] = [];
    const attempt = (r: Resolution) => {
      answers.push(r);
      return r.resolution === "matched";
    };
    if (subject.url && attempt(this.resolveUrl(subject.url, at))) return answers.at(-1)!;
    if (subject.ip && attempt(this.resolveIp(subject.ip, at))) return answers.at(-1)!;
    if (subject.domain && attempt(this.resolveDomain(subject.domain, at))) return answers.at(-1)!;
    if (subject.email && attempt(this.resolveEmail(subject.email, at))) return answers.at(-1)!;
    if (subject.phone && attempt(this.resolvePhone(subject.phone, at, options.phoneCountry)))
      return answers.at(-1)!;
    return (
      answers.find((r) => r.resolution === "not_ours" && r.providerRange !== undefined) ??
      answers[0] ??
      invalid("the event names no ip, url, domain, e-mail address or phone number")
    );
  }

  resolveIp(ip: string, at: Time): Resolution {
    const slot = this.ipSlot(ip, millis(at));
    if (slot >= 0) return this.matched(slot, "ip");
    if (slot === -2) return invalid(`\`${ip}\` is not an IP address`);
    return this.notOursIp();
  }

  /**
   * The id of the IP assignment valid at `atMillis`, or null; no allocation, for hot loops that only
   * need to know whose it is (the bench measures this and `resolveIp`).
   */
  ipAssignmentAt(ip: string, atMillis: number): string | null {
    const slot = this.ipSlot(ip, atMillis);
    return slot >= 0 ? this.history.ids[slot]! : null;
  }

  resolveUrl(url: string, at: Time): Resolution {
    const parsed = urlKeys(url);
    if (parsed === null) return invalid(`\`${url}\` is not an http(s) URL`);
    const t = millis(at);
    if (this.urls.size > 0) {
      for (const key of parsed.keys) {
        const slot = this.validIn(this.urls, key, t);
        if (slot >= 0) return this.matched(slot);
      }
    }
    const host = parsed.host;
    if (host.startsWith("[")) return this.resolveIp(host.slice(1, -1), t);
    if (parseIpv4(host) >= 0) return this.resolveIp(host, t);
    return this.resolveHost(host, t);
  }

  resolveDomain(domain: string, at: Time): Resolution {
    const host = hostKey(domain);
    if (host === null) return invalid(`\`${domain}\` is not a domain name`);
    return this.resolveHost(host, millis(at));
  }

  resolveEmail(address: string, at: Time): Resolution {
    const key = mailboxKey(address);
    if (key === null) return invalid(`\`${address}\` is not an e-mail address`);
    const t = millis(at);
    const slot = this.validIn(this.mailboxes, key.mailbox, t);
    if (slot >= 0) return this.matched(slot);
    return this.resolveHost(key.domain, t);
  }

  /** `country` reads national numbers (020-1234567 is NL, 02 123 45 67 is BE); default NL. */
  resolvePhone(number: string, at: Time, country: PhoneCountry = "NL"): Resolution {
    const e164 = toE164(number, country);
    if (e164 === null) return invalid(`\`${number}\` is not a phone number`);
    const slot = this.validIn(this.phones, e164, millis(at));
    return slot >= 0 ? this.matched(slot) : NOT_OURS;
  }

  stats(): IndexStats {
    return {
      assignments: this.history.count,
      customers: this.history.customers.length,
      ipv4Prefixes: this.v4.nodeCount,
      ipv6Prefixes: this.v6.nodeCount,
      pendingPrefixes: this.v4.pendingCount + this.v6.pendingCount,
      names: this.domains.size + this.urls.size + this.mailboxes.size + this.phones.size,
      rejected: this.rejectedList.length,
      typedArrayBytes: this.history.bytes() + this.v4.bytes() + this.v6.bytes(),
    };
  }

  /** Slot of the IP assignment, -1 none, -2 not an address. */
  private ipSlot(ip: string, t: number): number {
    const version = parseIp(ip, this.buf);
    this.lastVersion = version;
    if (version === 4) return this.v4.lookup4(this.buf[0]!, t);
    if (version === 6) return this.v6.lookup6(this.buf, t);
    return -2;
  }

  /** The not-ours answer for the address `ipSlot` left in this.buf: in one of our ranges, or not. */
  private notOursIp(): NotOurs {
    if (!this.hasRanges) return NOT_OURS;
    const slot =
      this.lastVersion === 4 ? this.ranges4.lookup4(this.buf[0]!, 0) : this.ranges6.lookup6(this.buf, 0);
    if (slot < 0) return FOREIGN;
    return this.inRange.get(this.ranges.customers[this.ranges.customer[slot]!]!) ?? FOREIGN;
  }

  private resolveHost(host: string, t: number): Resolution {
    if (this.domains.size > 0) {
      for (const candidate of domainCandidates(host)) {
        const slot = this.validIn(this.domains, candidate, t);
        if (slot >= 0) return this.matched(slot);
      }
    }
    return NOT_OURS;
  }

  private validIn(map: Map<string, number>, key: string, t: number): number {
    const head = map.get(key);
    return head === undefined ? -1 : this.history.validAt(head, t);
  }

  private matched(slot: number, kind?: ResourceKind): Matched {
    return {
      resolution: "matched",
      customerId: this.history.customers[this.history.customer[slot]!]!,
      assignmentId: this.history.ids[slot]!,
      matchedBy: kind ?? RESOURCE_KINDS[this.history.tag[slot]!]!,
      value: this.history.values[slot]!,
    };
  }

  /** Checks an assignment and gives it a slot; -1 (and a rejected entry) when it cannot be taken. */
  private take(a: Assignment): number {
    const reject = (problem: string) => {
      this.rejectedList.push({ assignment: a, problem });
      return -1;
    };
    const from = a.validFrom instanceof Date ? a.validFrom.getTime() : Number.NaN;
    const to = a.validTo === null ? Number.POSITIVE_INFINITY : a.validTo.getTime();
    if (Number.isNaN(from) || Number.isNaN(to)) return reject("validFrom or validTo is not a date");
    let value = a.value.trim();
    if (a.kind === "ip") {
      if (readPrefixInto(value, this.buf) < 0) {
        const reading = readPrefix(value);
        return reject(reading.ok ? `\`${value}\` is not a CIDR network` : reading.problem);
      }
    } else {
      const key = this.nameKey(a);
      if (key === null) return reject(`\`${value}\` is not a valid ${a.kind}`);
      value = key;
    }
    return this.history.push(a.id, a.customerId, value, from, to, RESOURCE_KINDS.indexOf(a.kind));
  }

  private nameKey(a: Assignment): string | null {
    switch (a.kind) {
      case "domain":
        return hostKey(a.value);
      case "url":
        return urlKeys(a.value)?.keys[0] ?? null;
      case "email":
        return mailboxKey(a.value)?.mailbox ?? null;
      case "phone":
        return toE164(a.value);
      case "ip":
        return null;
    }
  }

  private linkName(kind: Exclude<ResourceKind, "ip">, key: string, slot: number): void {
    const map =
      kind === "domain"
        ? this.domains
        : kind === "url"
          ? this.urls
          : kind === "email"
            ? this.mailboxes
            : this.phones;
    map.set(key, this.history.link(map.get(key) ?? -1, slot));
  }
}

/** Builds the index from all assignments (current and past) and, optionally, the provider's own ranges. */
export function buildResolutionIndex(
  assignments: Iterable<Assignment>,
  options: ResolutionIndexOptions = {},
): ResolutionIndex {
  return new ResolutionIndex(assignments, options);
}
