/**
 * Domain names, site URLs and mailboxes: the strict readers the inventory import uses, and the lenient
 * key makers the lookups use, kept in one file so both sides normalise the same way.
 */
import { domainToASCII } from "node:url";
import { getDomain, getPublicSuffix } from "tldts";
import { parseIpv4, parseIpv6 } from "./ip.ts";

export type NameReading = { ok: true; value: string } | { ok: false; problem: string };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const scratch = new Uint32Array(4);

/** Lower case, no trailing dot, IDN as punycode (`münchen.de` → `xn--mnchen-3ya.de`); null if not a name. */
export function hostKey(host: string): string | null {
  let h = host.trim().toLowerCase();
  if (h.endsWith(".")) h = h.slice(0, -1);
  if (h === "") return null;
  if (/^[\x00-\x7f]*$/.test(h)) return h;
  const ascii = domainToASCII(h);
  return ascii === "" ? null : ascii;
}

function isIpLiteral(host: string): boolean {
  if (host.startsWith("[")) return true;
  return parseIpv4(host) >= 0 || parseIpv6(host, scratch);
}

function checkHostname(host: string): string | null {
  if (host.length > 253) return "is longer than 253 characters";
  const labels = host.split(".");
  if (labels.length < 2) return "has no dot; write the full domain, e.g. example.nl";
  for (const label of labels) {
    if (!LABEL.test(label)) return `has the label \`${label}\`; labels are letters, digits and inner hyphens`;
  }
  return null;
}

/** Reads a `domain` resource: `example.nl` (which covers its subdomains). */
export function readDomain(input: string): NameReading {
  const raw = input.trim();
  if (raw.startsWith("*.")) {
    return {
      ok: false,
      problem: `\`${raw}\`: a domain covers its subdomains already; write ${raw.slice(2)}`,
    };
  }
  if (/[/:@\s]/.test(raw)) {
    return {
      ok: false,
      problem: `\`${raw}\` is not a domain name; write only the name, e.g. example.nl (kind url for a site path, email for a mailbox)`,
    };
  }
  const host = hostKey(raw);
  if (host === null) return { ok: false, problem: `\`${raw}\` is not a domain name` };
  if (isIpLiteral(host)) return { ok: false, problem: `\`${raw}\` is an IP address; use kind ip` };
  const wrong = checkHostname(host);
  if (wrong) return { ok: false, problem: `\`${raw}\` ${wrong}` };
  if (getPublicSuffix(host) === host) {
    return {
      ok: false,
      problem: `\`${raw}\` is a public suffix (like nl or co.uk), nobody's domain; assign a domain under it`,
    };
  }
  return { ok: true, value: host };
}

/**
 * The domain keys to try for a host, most specific first: the host itself, then each parent up to and
 * including its registrable domain (`a.shop.example.nl` → a.shop.example.nl, shop.example.nl,
 * example.nl). Never above it: `example.nl.evil.example` stops at evil.example and so never reaches a
 * customer's example.nl.
 */
export function domainCandidates(host: string): string[] {
  const registrable = getDomain(host);
  if (registrable === null || !host.endsWith(registrable)) return [host];
  const out = [host];
  let h = host;
  while (h.length > registrable.length) {
    h = h.slice(h.indexOf(".") + 1);
    out.push(h);
  }
  return out;
}

interface SiteUrl {
  /** hostname: lower-case domain (punycode), dotted IPv4, or `[v6]` */
  host: string;
  /** path without trailing slash, "" for the root */
  path: string;
}

function readUrl(input: string): SiteUrl | string {
  const raw = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `has scheme ${url.protocol}; use http or https`;
  if (url.hostname === "") return "has no host";
  let path = url.pathname;
  while (path.endsWith("/")) path = path.slice(0, -1);
  // a fully qualified `example.nl.` is the same host
  const host = url.hostname.endsWith(".") ? url.hostname.slice(0, -1) : url.hostname;
  return { host, path };
}

/**
 * Reads a `url` resource: a hosted site or a path on one, stored as host + path without scheme, query
 * or trailing slash (`https://Shop.example.nl/cart/` → `shop.example.nl/cart`). It matches that path and
 * everything under it, by whole segments: `/shop` covers `/shop/a`, not `/shopping`.
 */
export function readUrlResource(input: string): NameReading {
  const raw = input.trim();
  if (/[?#]/.test(raw)) {
    return {
      ok: false,
      problem: `\`${raw}\` has a query or fragment; a url resource is a site or path, leave out ? and #`,
    };
  }
  if (/^([a-z][a-z0-9+.-]*:\/\/)?[^/]*@/i.test(raw)) {
    return { ok: false, problem: `\`${raw}\` holds a user name; leave it out` };
  }
  const url = readUrl(raw);
  if (typeof url === "string") return { ok: false, problem: `\`${raw}\` ${url}` };
  if (/^([a-z][a-z0-9+.-]*:\/\/)?(\[[^\]]*\]|[^/:]*):\d+/i.test(raw)) {
    return { ok: false, problem: `\`${raw}\` has a port; leave it out (a site matches on every port)` };
  }
  if (!isIpLiteral(url.host)) {
    const wrong = checkHostname(url.host);
    if (wrong) return { ok: false, problem: `\`${raw}\`: the host ${wrong}` };
  }
  return { ok: true, value: url.host + url.path };
}

/**
 * For a lookup: the host of a URL and the url-resource keys to try, longest path first
 * (`https://a.nl/x/y?q` → a.nl/x/y, a.nl/x, a.nl). Null when it is not an http(s) URL.
 */
export function urlKeys(input: string): { host: string; keys: string[] } | null {
  const url = readUrl(input);
  if (typeof url === "string") return null;
  const keys = [];
  let path = url.path;
  for (;;) {
    keys.push(url.host + path);
    if (path === "") break;
    path = path.slice(0, path.lastIndexOf("/"));
  }
  return { host: url.host, keys };
}

/** Reads an `email` resource (a mailbox) or a contact address: `local@domain`, stored in lower case. */
export function readMailbox(input: string): NameReading {
  const raw = input.trim();
  const at = raw.lastIndexOf("@");
  if (at <= 0 || at === raw.length - 1) {
    return { ok: false, problem: `\`${raw}\` is not an e-mail address; write it like info@example.nl` };
  }
  const local = raw.slice(0, at).toLowerCase();
  if (local.length > 64 || !LOCAL_PART.test(local)) {
    return { ok: false, problem: `\`${raw}\` is not an e-mail address: the part before @ is not valid` };
  }
  const host = hostKey(raw.slice(at + 1));
  const wrong = host === null ? "is not a domain name" : checkHostname(host);
  if (wrong || host === null) {
    return { ok: false, problem: `\`${raw}\` is not an e-mail address: the domain ${wrong}` };
  }
  return { ok: true, value: `${local}@${host}` };
}

/** For a lookup: the mailbox key and its domain; tolerates `mailto:` and `<...>`. Null if not an address. */
export function mailboxKey(input: string): { mailbox: string; domain: string } | null {
  let s = input.trim();
  if (s.toLowerCase().startsWith("mailto:")) s = s.slice(7);
  const bracketed = /<([^<>]*)>\s*$/.exec(s); // `Jan <jan@example.nl>`
  if (bracketed) s = bracketed[1]!.trim();
  const at = s.lastIndexOf("@");
  if (at <= 0) return null;
  const domain = hostKey(s.slice(at + 1));
  if (domain === null) return null;
  return { mailbox: `${s.slice(0, at).toLowerCase()}@${domain}`, domain };
}
