/**
 * The fuzz corpus of the parser tests: mutants of real and built-in reports, made with a fixed seed so that a
 * failure names a mutant anyone can make again (`mutants(seeds, { seed, count })[i]`). Used by tests only.
 */
import { zipSync } from "fflate";

export interface Seed {
  name: string;
  raw: Buffer;
  /** What the door would say about it (a file name gives a Shadowserver type). */
  hint: { filename?: string; contentType?: string };
}

export interface Mutant extends Seed {
  /** Which seed and which mutations, e.g. "arf-b2 ← truncate, nul". */
  recipe: string;
}

/** Largest mutant: a size budget, so that every mutant is a bounded amount of work. */
export const MUTANT_MAX_BYTES = 1024 * 1024;

/** Mulberry32: small, fast, and the same sequence on every machine for the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const int = (r: Random, n: number) => Math.floor(r() * n);
const pick = <T>(r: Random, list: readonly T[]): T => list[int(r, list.length)]!;

const HOSTILE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "__defineGetter__",
  "hasOwnProperty",
];
const CHARSETS = [
  "x-bogus",
  "utf-16",
  "utf-16be",
  "utf-7",
  "iso-2022-jp",
  "gb18030",
  "windows-1252",
  "koi8-r",
  "",
  '"utf-8',
  "__proto__",
  "constructor",
  "utf-8'en'",
  "replacement",
];

const latin1 = (b: Buffer) => b.toString("latin1");
const bytes = (s: string) => Buffer.from(s, "latin1");

/** Byte offsets of the header lines of the first header block (the whole thing for a non-mail). */
function headerLines(s: string): { start: number; end: number }[] {
  const blockEnd = s.search(/\r?\n\r?\n/);
  const limit = blockEnd < 0 ? Math.min(s.length, 64 * 1024) : blockEnd;
  const out: { start: number; end: number }[] = [];
  let start = 0;
  while (start < limit && out.length < 500) {
    const nl = s.indexOf("\n", start);
    const end = nl < 0 || nl > limit ? limit : nl;
    out.push({ start, end });
    start = end + 1;
  }
  return out;
}

const insertAt = (s: string, at: number, what: string) => s.slice(0, at) + what + s.slice(at);

type Mutation = (s: string, r: Random, seeds: readonly Seed[]) => string;

/** Each mutation works on latin1 text (one char per byte), so every byte value survives. */
export const MUTATIONS: Record<string, Mutation> = {
  truncate: (s, r) => s.slice(0, int(r, s.length + 1)),
  bitflips: (s, r) => {
    const chars = [...s.slice(0, MUTANT_MAX_BYTES)];
    if (chars.length === 0) return s;
    for (let i = 1 + int(r, 16); i > 0; i--) {
      const at = int(r, chars.length);
      chars[at] = String.fromCharCode(chars[at]!.charCodeAt(0) ^ (1 << int(r, 8)));
    }
    return chars.join("");
  },
  duplicateHeader: (s, r) => {
    const lines = headerLines(s);
    if (lines.length === 0) return s;
    const { start, end } = pick(r, lines);
    const line = `${s.slice(start, end).replace(/\r$/, "")}\r\n`;
    return insertAt(s, start, line.repeat(1 + int(r, 60)));
  },
  foldHeaders: (s, r) => {
    let out = s;
    for (const { start, end } of headerLines(s).reverse()) {
      if (r() < 0.5) continue;
      const at = start + 1 + int(r, Math.max(1, end - start - 1));
      out = insertAt(out, at, pick(r, ["\r\n ", "\r\n\t", "\n ", "\r\n \r\n ", `\r\n${" ".repeat(200)}`]));
    }
    return out;
  },
  deepNesting: (s, r) => {
    const depth = 1 + int(r, 40);
    let body = s;
    for (let i = 0; i < depth; i++) {
      const b = pick(r, [`n${i}`, `=_${i}`, "same", ""]);
      body = `Content-Type: ${pick(r, ["multipart/mixed", "multipart/alternative", "message/rfc822", "multipart/report"])}; boundary="${b}"\r\n\r\n--${b}\r\n${body}\r\n--${b}--\r\n`;
    }
    return `From: fuzz@example.org\r\nSubject: nested\r\n${body}`;
  },
  charsets: (s, r) => {
    let out = s.replace(/charset="?[^";\s]*"?/gi, () => `charset=${pick(r, CHARSETS)}`);
    out = out.replace(
      /^(Subject|From):/im,
      (m) => `${m} =?${pick(r, CHARSETS)}?${pick(r, ["B", "Q", "X"])}?w6k=?=`,
    );
    const at = int(r, out.length + 1);
    const junk = Array.from({ length: 1 + int(r, 64) }, () => String.fromCharCode(0x80 + int(r, 128))).join(
      "",
    );
    return insertAt(out, at, junk);
  },
  hugeParameter: (s, r) => {
    const kind = int(r, 4);
    const param =
      kind === 0
        ? `; name="${"A".repeat(10_000 + int(r, 200_000))}"`
        : kind === 1
          ? `; ${Array.from({ length: 1 + int(r, 3000) }, (_, i) => `filename*${i}*=utf-8''%41`).join("; ")}`
          : kind === 2
            ? `; name*${pick(r, ["100000000", "4000000000", "99999999999999999999", "-1", "1e9", "0x10"])}=x`
            : `; boundary="${"b".repeat(1000 + int(r, 100_000))}"`;
    const m = /^Content-(Type|Disposition):[^\r\n]*/im.exec(s);
    if (m) return insertAt(s, m.index + m[0].length, param);
    return `Content-Type: text/plain${param}\r\n${s}`;
  },
  hostileKeys: (s, r) => {
    const key = pick(r, HOSTILE_KEYS);
    const t = s.trimStart();
    if (t.startsWith("{")) {
      // JSON: the keys at the top and inside the first object.
      return t.replace(
        "{",
        `{"${key}": {"polluted": "yes", "prototype": {"polluted": "yes"}}, "${pick(r, HOSTILE_KEYS)}": "x", `,
      );
    }
    if (t.startsWith("<")) return s.replace(/<([A-Za-z][\w:-]*)/, `<${key} polluted="yes"/><$1 ${key}="x"`);
    if (/^"?timestamp"?,/i.test(t)) return s.replace(/^([^\n]*)/, `$1,"${key}","${pick(r, HOSTILE_KEYS)}"`);
    const where = int(r, 4);
    if (where === 0) return `${key}: polluted\r\n${s}`;
    if (where === 1)
      return s.replace(/^(Content-Type:[^\r\n]*)/im, `$1; ${key}*0=polluted; ${key}*1=more; ${key}=x`);
    if (where === 2) return s.replace(/^(Content-Disposition:[^\r\n]*)/im, `$1; ${key}*=utf-8''polluted`);
    // YAML-ish key-value lines (X-ARF report.txt, robots' attachments)
    return s.replace(/^(Report-Type:|Source:)/im, `${key}: polluted\n${key}:\n  polluted: yes\n$1`);
  },
  nul: (s, r) => {
    let out = s;
    for (let i = 1 + int(r, 20); i > 0; i--)
      out = insertAt(out, int(r, out.length + 1), "\0".repeat(1 + int(r, 4)));
    return out;
  },
  overlongLine: (s, r) => {
    const len = pick(r, [1000, 10_000, 100_000, 600_000]);
    const fill = pick(r, ["a", " ", "=?", "(", '"', "<", "[", "@", "1.", "\t", "%", "-"]);
    const line = fill.repeat(Math.ceil(len / fill.length)).slice(0, len);
    const lines = headerLines(s);
    if (lines.length > 0 && r() < 0.6) {
      const { end } = pick(r, lines);
      return insertAt(s, end, line);
    }
    return insertAt(s, int(r, s.length + 1), line);
  },
  boundaries: (s, r) => {
    const m = /boundary="?([^";\r\n]+)"?/i.exec(s);
    if (!m) return s;
    const b = m[1]!;
    const choice = int(r, 4);
    if (choice === 0) return s.replaceAll(`--${b}--`, "");
    if (choice === 1) return s.replaceAll(`--${b}`, `--${b}\r\n--${b}`);
    if (choice === 2) return s.replace(`--${b}`, `--${b}${"-".repeat(int(r, 5000))}`);
    return s.replaceAll(`\n--${b}`, ` --${b}`);
  },
  splice: (s, r, seeds) => {
    const other = latin1(pick(r, seeds).raw);
    return s.slice(0, int(r, s.length + 1)) + other.slice(int(r, other.length + 1));
  },
};

const NAMES = Object.keys(MUTATIONS);

/** `count` mutants of the seeds, the same for the same `seed`: each gets one to three mutations. */
export function mutants(seeds: readonly Seed[], opts: { seed: number; count: number }): Mutant[] {
  const r = prng(opts.seed);
  const out: Mutant[] = [];
  for (let i = 0; i < opts.count; i++) {
    const base = seeds[i % seeds.length]!;
    const applied: string[] = [];
    let s = latin1(base.raw);
    for (let n = 1 + int(r, 3); n > 0; n--) {
      const name = pick(r, NAMES);
      applied.push(name);
      s = MUTATIONS[name]!(s, r, seeds);
      if (s.length > MUTANT_MAX_BYTES) s = s.slice(0, MUTANT_MAX_BYTES);
    }
    out.push({ ...base, raw: bytes(s), recipe: `${base.name} ← ${applied.join(", ")}` });
  }
  return out;
}

const mail = (lines: string[], body: string) => bytes(`${lines.join("\r\n")}\r\n\r\n${body}`);

/**
 * Seeds that exist whatever test/fixtures holds: one of each shape the parsers read (ARF, X-ARF 0.2,
 * XARF v4, a forwarded complaint with HTML, Shadowserver CSV and zip, IODEF, RFC 2231 and encoded words).
 */
export function builtInSeeds(): Seed[] {
  const csv =
    '"timestamp","ip","protocol","port","hostname","tag","asn"\n"2024-04-14 00:14:34","198.51.100.179","udp",53,"h.example","openresolver",64496\n"2024-04-14 00:15:00","198.51.100.180","udp",53,"","openresolver",64496\n';
  const zip = Buffer.from(zipSync({ "2024-04-14-scan_dns-example-asn.csv": Buffer.from(csv) })).toString(
    "base64",
  );
  const original =
    "Received: from mail.spammer.example (mail.spammer.example [192.0.2.25])\r\n\tby mx.example.net with ESMTP id 1; Thu, 8 Mar 2024 14:00:00 -0400\r\nFrom: <somespammer@example.net>\r\nTo: <user@example.com>\r\nSubject: Earn money\r\nDate: Thu, 8 Mar 2024 14:00:00 -0400\r\nMessage-ID: <8787KJKJ3K4J3K4J3K4J3.mail@example.net>\r\n\r\nSpam Spam Spam http://example.net/earn_money.html\r\n";
  return [
    {
      name: "built-in arf",
      hint: {},
      raw: mail(
        [
          "From: <abusedesk@example.com>",
          "Date: Thu, 8 Mar 2024 17:40:36 EDT",
          "Subject: FW: Earn money",
          "To: <abuse@example.net>",
          "MIME-Version: 1.0",
          'Content-Type: multipart/report; report-type=feedback-report; boundary="part1_13d.2e68ed54_boundary"',
        ],
        `--part1_13d.2e68ed54_boundary\r\nContent-Type: text/plain; charset="US-ASCII"\r\nContent-Transfer-Encoding: 7bit\r\n\r\nThis is an email abuse report for an email message received from IP 192.0.2.25.\r\n\r\n--part1_13d.2e68ed54_boundary\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: SomeGenerator/1.0\r\nVersion: 1\r\nSource-IP: 192.0.2.25\r\nArrival-Date: Thu, 8 Mar 2024 14:00:00 EDT\r\nReported-Uri: http://example.net/earn_money.html\r\n\r\n--part1_13d.2e68ed54_boundary\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n${original}\r\n--part1_13d.2e68ed54_boundary--\r\n`,
      ),
    },
    {
      name: "built-in x-arf 0.2",
      hint: {},
      raw: mail(
        [
          "From: abuse-team@blocklist.example",
          "To: abuse@example.net",
          "Subject: abuse report about 192.0.2.150",
          "X-XARF: PLAIN",
          'Content-Type: multipart/mixed; boundary="xarf"',
        ],
        `--xarf\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nDear abuse team, this host attacks us. Caf=C3=A9 =\r\nowners beware.\r\n--xarf\r\nContent-Type: text/plain; charset=utf-8; name="report.txt"\r\n\r\n---\r\nReported-From: abuse-team@blocklist.example\r\nCategory: abuse\r\nReport-Type: login-attack\r\nService: ssh\r\nVersion: 0.2\r\nUser-Agent: fail2ban\r\nDate: Fri, 31 Jan 2024 07:19:02 +0100\r\nSource-Type: ip-address\r\nSource: 192.0.2.150\r\nPort: 22\r\nReport-ID: 123456789@blocklist.example\r\nAttachment: text/plain\r\nSchema-URL: http://www.x-arf.org/schema/abuse_login-attack_0.1.2.json\r\n--xarf\r\nContent-Type: text/plain; name="logfile.log"\r\n\r\nJan 31 07:19:02 sshd[1]: Failed password for root from 192.0.2.150 port 4711 ssh2\r\n--xarf--\r\n`,
      ),
    },
    {
      name: "built-in xarf v4",
      hint: { contentType: "application/json" },
      raw: bytes(
        JSON.stringify({
          reporter: { org: "ACME Brand Protection", contact: "reports@acme.example", domain: "acme.example" },
          sender: { org: "ACME", contact: "reports@acme.example", domain: "acme.example" },
          report_id: "f0e1d2c3",
          report_type: "phishing",
          xarf_version: "4.0.0",
          category: "fraud",
          type: "phishing",
          timestamp: "2024-02-05T14:17:10Z",
          source_identifier: "192.0.2.55",
          source_port: 80,
          url: "http://phish.example.org/index.html",
          evidence: [{ content_type: "text/html", description: "the page", payload: "PGh0bWw+" }],
        }),
      ),
    },
    {
      name: "built-in forwarded complaint",
      hint: {},
      raw: mail(
        [
          'From: "Jérôme" <=?utf-8?q?j=C3=A9r=C3=B4me?=@example.org>',
          "To: abuse@example.net",
          "Subject: =?utf-8?b?UGhpc2hpbmcgb3AgdXcgbmV0d2Vyaw==?=",
          "Message-ID: <complaint-1@example.org>",
          "MIME-Version: 1.0",
          'Content-Type: multipart/mixed; boundary="outer"',
        ],
        `--outer\r\nContent-Type: multipart/alternative; boundary="alt"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nPhishing site at http://bank-login.example.nl/secure on 192.0.2.200, r=E9ported today.\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Phishing at <a href="http://bank-login.example.nl/secure">the bank</a></p><script>alert(1)</script></body></html>\r\n--alt--\r\n--outer\r\nContent-Type: application/octet-stream; name*0*=utf-8''%E2%82%AC%20screen; name*1="shot.png"\r\nContent-Disposition: attachment; filename*0*=utf-8''%E2%82%AC%20screen; filename*1="shot.png"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\r\n--outer\r\nContent-Type: message/rfc822\r\n\r\n${original}\r\n--outer--\r\n`,
      ),
    },
    {
      name: "built-in shadowserver csv",
      hint: { filename: "2024-04-14-scan_dns-example-asn.csv" },
      raw: bytes(csv),
    },
    {
      name: "built-in shadowserver zip mail",
      hint: {},
      raw: mail(
        [
          "From: Shadowserver <autoreports@shadowserver.org>",
          "To: abuse@example.net",
          "Subject: [example] Shadowserver Open-DNS Report: 2024-04-14",
          'Content-Type: multipart/mixed; boundary="ss"',
        ],
        `--ss\r\nContent-Type: text/plain\r\n\r\nAttached is the report.\r\n--ss\r\nContent-Type: application/zip; name="2024-04-14-scan_dns-example-asn.csv.zip"\r\nContent-Disposition: attachment; filename="2024-04-14-scan_dns-example-asn.csv.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n${zip.replace(/.{76}/g, "$&\r\n")}\r\n--ss--\r\n`,
      ),
    },
    {
      name: "built-in iodef",
      hint: { contentType: "application/xml" },
      raw: bytes(
        `<?xml version="1.0" encoding="UTF-8"?>\n<IODEF-Document version="2.00" xmlns="urn:ietf:params:xml:ns:iodef-2.0"><Incident purpose="reporting"><IncidentID name="csirt.example">189493</IncidentID><GenerationTime>2024-02-05T14:17:10Z</GenerationTime><Contact role="creator" type="organization"><ContactName>CSIRT Example</ContactName><Email><EmailTo>contact@csirt.example</EmailTo></Email></Contact><EventData><Flow><System category="source"><Node><Address category="ipv4-addr">192.0.2.16</Address></Node><Service ip-protocol="6"><Port>445</Port></Service></System></Flow><Record><RecordData><RecordItem dtype="string">infected with malware</RecordItem></RecordData></Record></EventData><Assessment><Impact type="ext-compromise"/></Assessment></Incident></IODEF-Document>\n`,
      ),
    },
  ];
}
