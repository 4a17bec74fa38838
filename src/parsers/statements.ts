/**
 * Provider-specific free text: the source IP stated in a sentence ("This is an abuse report for a message
 * received from IP 192.0.2.7", "Source IP: 192.0.2.7", "afkomstig van IP-adres 192.0.2.7", "von der
 * IP-Adresse 192.0.2.7") and the headers of the offending message forwarded in the body (quoted with "> ",
 * indented, or after "---------- Forwarded message ----------"). A stated address outranks every other
 * address in the text; forwarded headers give the sending host through their Received chain.
 */
import { isNonRoutable, normalizeIp } from "./common.ts";
import { Headers, parseHeaderBlock } from "./mime.ts";

/** Stated addresses taken from one text. */
export const MAX_STATED_IPS = 50;

const IP = "(\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7})";
const STATEMENTS: readonly RegExp[] = [
  // English: labelled ("Source IP: x", "Offending IP address - x")
  new RegExp(
    `\\b(?:source|sending|sender|originating|origin|offending|attacking|attacker|abusive|reported|malicious|infected|compromised|connecting|spamming|scanning|scanner)[ -]?(?:ip|host|ip[ -]?address|address)\\s*(?:is|was|:|=|-)?\\s*\\[?${IP}`,
    "gi",
  ),
  // English: in a sentence ("received from IP 192.0.2.7", "attacks from 192.0.2.7", "complaint about message from x")
  new RegExp(
    `\\b(?:received|sent|coming|originating|connections?|attacks?|traffic|messages?|e-?mails?|mail|spam|requests?|login attempts?|scans?|probes?)\\s+from\\s+(?:the\\s+)?(?:ip\\s*(?:address)?\\s*:?\\s*)?\\[?${IP}`,
    "gi",
  ),
  // Dutch
  new RegExp(
    `\\b(?:afkomstig|verzonden|verstuurd|aanvallen|verkeer)\\s+(?:van|vanaf|uit)\\s+(?:het\\s+)?(?:ip[- ]?adres\\s*)?\\[?${IP}`,
    "gi",
  ),
  new RegExp(`\\b(?:bron|afzender|aanvaller)[- ]?(?:ip|ip[- ]?adres)\\s*:?\\s*\\[?${IP}`, "gi"),
  // German
  new RegExp(
    `\\b(?:von|vom|aus)\\s+(?:der\\s+|dem\\s+)?(?:ip[- ]?adresse|ip|host|rechner)\\s*:?\\s*\\[?${IP}`,
    "gi",
  ),
  new RegExp(`\\b(?:absender|quell|angreifer)[- ]?(?:ip|ip[- ]?adresse)\\s*:?\\s*\\[?${IP}`, "gi"),
  // French
  new RegExp(
    `\\b(?:depuis|provenant de|en provenance de)\\s+(?:l'|l’)?(?:adresse\\s+)?(?:ip\\s*)?:?\\s*${IP}`,
    "gi",
  ),
  new RegExp(`\\badresse ip (?:source|de l'exp[ée]diteur|de l'attaquant)\\s*:?\\s*${IP}`, "gi"),
];

/** The addresses a text states as the source, in the order they appear. */
export function statedSourceIps(text: string): string[] {
  const bounded = text.slice(0, 512 * 1024);
  const found: { at: number; ip: string }[] = [];
  for (const re of STATEMENTS) {
    re.lastIndex = 0;
    for (const m of bounded.matchAll(re)) {
      const ip = normalizeIp(m[1]);
      if (ip && !isNonRoutable(ip)) found.push({ at: m.index ?? 0, ip });
      if (found.length > MAX_STATED_IPS * 4) break;
    }
  }
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.ip))].slice(0, MAX_STATED_IPS);
}

const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]{0,60}:\s/;
/** Lines a header block may run (a pasted header of a spam is rarely longer). */
const MAX_BLOCK_LINES = 400;

/**
 * The headers of a message forwarded or pasted in a body, when they include its Received chain: the longest
 * run of header lines (quoted with ">" or indented alike) that has a Received line.
 */
export function forwardedHeaders(
  text: string,
): { headers: Headers; complete: boolean; headerText: string } | undefined {
  const lines = text.slice(0, 1024 * 1024).split(/\r?\n/);
  let best: string[] | undefined;
  let bestReceived = 0;
  for (let i = 0; i < lines.length; i++) {
    // A block is quoted (">", "> >") and/or indented alike on every line; continuation lines go deeper.
    const first = /^((?:>\s?)*)([ \t]*)(.*)$/s.exec(lines[i]!)!;
    const quote = first[1]!.replace(/\s/g, "");
    const indent = first[2]!.length;
    if (!HEADER_LINE.test(first[3]!)) continue;
    const block: string[] = [];
    let received = 0;
    let j = i;
    for (; j < lines.length && block.length < MAX_BLOCK_LINES; j++) {
      const m = /^((?:>\s?)*)([ \t]*)(.*)$/s.exec(lines[j]!)!;
      if (m[1]!.replace(/\s/g, "") !== quote) break;
      // "> Received:" and ">\tby ..." differ only in the whitespace after the quote marks.
      const space = (m[1]!.match(/\s/g)?.length ?? 0) - (first[1]!.match(/\s/g)?.length ?? 0) + m[2]!.length;
      const rest = m[3]!;
      if (space <= indent && HEADER_LINE.test(rest)) {
        block.push(rest);
        if (/^received:/i.test(rest)) received++;
      } else if ((space > indent || /\t/.test(m[1]! + m[2]!)) && rest && block.length > 0)
        block.push(` ${rest}`);
      else break;
    }
    if (received > bestReceived) {
      best = block;
      bestReceived = received;
    }
    i = Math.max(i, j - 1);
  }
  if (!best) return undefined;
  const headerText = best.join("\n");
  const headers = new Headers(parseHeaderBlock(headerText));
  return { headers, complete: /^(from|subject|date|message-id):/im.test(headerText), headerText };
}
