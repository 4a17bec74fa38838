/**
 * Fast, allocation-free reading of IP addresses, and strict reading of CIDR prefixes.
 *
 * Addresses are 32-bit words: IPv4 is one word, IPv6 four (most significant first). The lookup path
 * parses several million addresses a second, so `parseIp` writes into a caller's buffer and never
 * creates strings, arrays or exceptions. IPv4-mapped IPv6 (::ffff:a.b.c.d) is read as the IPv4 address
 * it carries: a dual-stack socket reports IPv4 peers that way, and the inventory holds them as IPv4.
 */

/** One buffer for callers that do not bring their own; JavaScript runs one lookup at a time. */
const groups = new Uint16Array(8);

/** Reads dotted-quad IPv4 (no leading zeros: `010` is octal to some tools) in s[start, end); -1 if not. */
export function parseIpv4(s: string, start = 0, end = s.length): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  let leadingZero = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (leadingZero) return -1;
      if (digits === 0 && c === 48) leadingZero = true;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || parts === 3) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
      leadingZero = false;
    } else {
      return -1;
    }
  }
  if (digits === 0 || parts !== 3) return -1;
  return value * 256 + part;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Reads IPv6 text (RFC 4291 §2.2, with `::` and a dotted IPv4 tail) in s[start, end) into four words. */
export function parseIpv6(s: string, out: Uint32Array, start = 0, end = s.length): boolean {
  let count = 0; // groups written
  let gap = -1; // index in `groups` where `::` stands
  let i = start;
  if (end - start < 2) return false;
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return false;
    gap = 0;
    i += 2;
    if (i === end) {
      out.fill(0);
      return true;
    }
  }
  while (i < end) {
    if (count === 8) return false;
    let j = i;
    let value = 0;
    while (j < end && j - i < 5) {
      const h = hexValue(s.charCodeAt(j));
      if (h < 0) break;
      value = value * 16 + h;
      j++;
    }
    if (j < end && s.charCodeAt(j) === 46) {
      // dotted IPv4 in the last 32 bits
      if (count > 6) return false;
      const v4 = parseIpv4(s, i, end);
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      i = end;
      break;
    }
    const digits = j - i;
    if (digits === 0 || digits > 4) return false;
    groups[count++] = value;
    if (j === end) {
      i = j;
      break;
    }
    if (s.charCodeAt(j) !== 58) return false;
    if (j + 1 < end && s.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i = j + 2;
    } else {
      i = j + 1;
      if (i === end) return false; // trailing single colon
    }
  }
  if (gap >= 0) {
    if (count === 8) return false; // `::` must stand for at least one group
    const move = count - gap;
    for (let k = 0; k < move; k++) groups[7 - k] = groups[count - 1 - k]!;
    for (let k = gap; k < 8 - move; k++) groups[k] = 0;
  } else if (count !== 8) {
    return false;
  }
  for (let w = 0; w < 4; w++) out[w] = ((groups[2 * w]! << 16) | groups[2 * w + 1]!) >>> 0;
  return true;
}

/**
 * Reads an IPv4 or IPv6 address. Returns 4 (address in out[0]), 6 (out[0..3]) or 0 (not an address).
 * IPv4-mapped IPv6 returns 4.
 */
export function parseIp(s: string, out: Uint32Array): 0 | 4 | 6 {
  const v4 = parseIpv4(s);
  if (v4 >= 0) {
    out[0] = v4;
    return 4;
  }
  if (!parseIpv6(s, out)) return 0;
  if (out[0] === 0 && out[1] === 0 && out[2] === 0xffff) {
    out[0] = out[3]!;
    return 4;
  }
  return 6;
}

/** The network mask of a prefix length within one 32-bit word (bits 0..32). */
export function wordMask(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** RFC 5952 text: lower case, longest run of two or more zero groups written `::`. */
export function formatIpv6(words: ArrayLike<number>): string {
  const g: number[] = [];
  for (let w = 0; w < 4; w++) g.push(words[w]! >>> 16, words[w]! & 0xffff);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** A prefix read from the inventory: network words with the host bits zero. */
export interface Prefix {
  version: 4 | 6;
  /** One word for IPv4, four for IPv6. */
  words: number[];
  length: number;
  /** Canonical text, always with the length: `192.0.2.0/25`, `2001:db8::/32`, `192.0.2.10/32`. */
  text: string;
}

export type PrefixReading = { ok: true; prefix: Prefix } | { ok: false; problem: string };

/**
 * Reads `address` or `address/length` strictly. A prefix with host bits set is refused, naming the
 * network the writer probably meant: `192.0.2.10/24` may be a typo for `192.0.2.0/24` or for
 * `192.0.2.10/32`, and silently picking one would hand a whole range to the wrong customer.
 * IPv4-mapped IPv6 (`::ffff:192.0.2.0/120`) is read as IPv4 unless `strictMapped` asks to refuse it.
 */
export function readPrefix(value: string, options: { strictMapped?: boolean } = {}): PrefixReading {
  const slash = value.indexOf("/");
  const address = slash < 0 ? value : value.slice(0, slash);
  const lengthText = slash < 0 ? null : value.slice(slash + 1);
  const buf = new Uint32Array(4);
  let version: 4 | 6;
  let words: number[];
  const v4 = parseIpv4(address);
  if (v4 >= 0) {
    version = 4;
    words = [v4];
  } else if (parseIpv6(address, buf)) {
    version = 6;
    words = Array.from(buf);
  } else {
    return { ok: false, problem: `\`${address}\` is not an IPv4 or IPv6 address` };
  }
  const maxLength = version === 4 ? 32 : 128;
  let length = maxLength;
  if (lengthText !== null) {
    if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > maxLength) {
      return { ok: false, problem: `\`/${lengthText}\` is not a prefix length; use /0 to /${maxLength}` };
    }
    length = Number(lengthText);
  }
  if (version === 6 && words[0] === 0 && words[1] === 0 && words[2] === 0xffff) {
    if (options.strictMapped || length < 96) {
      return {
        ok: false,
        problem: `\`${value}\` is an IPv4-mapped IPv6 prefix; write it as IPv4 (${formatIpv4(words[3]!)}/${Math.max(length - 96, 0)})`,
      };
    }
    version = 4;
    words = [words[3]!];
    length -= 96;
  }
  const network = words.map((w, i) => (w & wordMask(length - 32 * i)) >>> 0);
  const format = (ws: number[]) => (version === 4 ? formatIpv4(ws[0]!) : formatIpv6(ws));
  if (network.some((w, i) => w !== words[i])) {
    const full = version === 4 ? 32 : 128;
    return {
      ok: false,
      problem:
        `\`${value}\` has host bits set; the network is ${format(network)}/${length}` +
        ` (or write ${format(words)}/${full} for the single address)`,
    };
  }
  return { ok: true, prefix: { version, words: network, length, text: `${format(network)}/${length}` } };
}
