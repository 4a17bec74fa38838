/**
 * Subjects, not references. A complaint's text holds two kinds of links and addresses: what it is about,
 * and what the reporter points at to explain it (its how-to pages, bcp38.info, an RFC, a lookup site, its
 * own portal, its signature). The second kind are never subjects. This file names the places in a text
 * (zones) and the sites that are references; freetext.ts leaves out what they exclude, and each event says
 * where its subject was found (`details.found_in`).
 */
import { getDomain } from "tldts";

/**
 * Sites of the abuse-handling ecosystem, documentation, standards and lookups (curated; operators add more
 * with ABUSEDESK_REFERENCE_DOMAINS). An entry covers the host and its subdomains, so `support.google.com`
 * leaves the rest of google.com alone.
 */
export const REFERENCE_DOMAINS: readonly string[] = [
  // reporters' portals and feeds
  "abuse.ch",
  "abusix.com",
  "abusehub.nl",
  "abuseinformationexchange.nl",
  "abuseipdb.com",
  "spamhaus.org",
  "spamcop.net",
  "shadowserver.org",
  "projecthoneypot.org",
  "blocklist.de",
  "phishtank.com",
  "phishtank.org",
  "openphish.com",
  "netcraft.com",
  "iwf.org.uk",
  "c-sirt.org",
  "unspam.com",
  "stopbadware.org",
  "surbl.org",
  "uribl.com",
  "sorbs.net",
  "barracudacentral.org",
  "uceprotect.net",
  "senderscore.org",
  "dnsbl.info",
  "mxtoolbox.com",
  "multirbl.valli.org",
  // national CERTs and agencies
  "bsi.bund.de",
  "cert-bund.de",
  "cert.at",
  "cert.pl",
  "cert.be",
  "ccb.belgium.be",
  "ncsc.nl",
  "ncsc.gov.uk",
  "cisa.gov",
  "us-cert.gov",
  "cert.org",
  "first.org",
  "enisa.europa.eu",
  "circl.lu",
  "govcert.ch",
  "ncsc.admin.ch",
  // standards and documentation
  "bcp38.info",
  "rfc-editor.org",
  "ietf.org",
  "iana.org",
  "w3.org",
  "x-arf.org",
  "mipassoc.org",
  "m3aawg.org",
  "owasp.org",
  "mitre.org",
  "cve.org",
  "nvd.nist.gov",
  "wikipedia.org",
  "schema.org",
  "support.google.com",
  "postmaster.google.com",
  "transparencyreport.google.com",
  "safebrowsing.google.com",
  "learn.microsoft.com",
  "docs.microsoft.com",
  "sendersupport.olc.protection.outlook.com",
  "postmaster.live.com",
  // registries and lookups
  "ripe.net",
  "arin.net",
  "apnic.net",
  "lacnic.net",
  "afrinic.net",
  "icann.org",
  "whois.domaintools.com",
  "domaintools.com",
  "ipinfo.io",
  "bgp.he.net",
  "robtex.com",
  "virustotal.com",
  "urlscan.io",
  "talosintelligence.com",
  "greynoise.io",
  "shodan.io",
  "censys.io",
];

/** Whether a host is a reference site: in the curated list or the operator's, itself or below it. */
export function isReferenceHost(host: string, extra: Iterable<string> = []): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  const covers = (entry: string) => h === entry || h.endsWith(`.${entry}`);
  if (REFERENCE_DOMAINS.some(covers)) return true;
  for (const e of extra) if (covers(e.toLowerCase())) return true;
  return false;
}

/** The registrable domain of a host, or the host. */
export function registrable(host: string): string {
  return getDomain(host) ?? host.toLowerCase();
}

/**
 * Where a line stands in a complaint:
 * - `opening`: the first sentences, where a complaint says what it is about;
 * - `body`: the rest of what the reporter wrote;
 * - `references`: a "References:" / "More information:" block, or a line that points at documentation;
 * - `signature`: after the closing ("Regards", "-- ");
 * - `footer`: a disclaimer or "you receive this because" block.
 * Links in references and footers are never subjects; those in the signature only when nothing else is.
 */
export type Zone = "opening" | "body" | "references" | "signature" | "footer";

/** Where in a text (as a share of its lines) a footer may begin. */
export const FOOTER_FROM = 0.6;

/** Lines of prose that count as the opening. */
export const OPENING_LINES = 12;

const REFERENCE_HEADING =
  /^\s*(\[?\d+\]?\s*)?(references?|reference links?|more (information|info|details)|further (information|reading|details)|additional (information|resources)|for (more )?(information|details)|useful links|links|resources|see also|background( information)?|documentation|help|faq|how to (fix|solve|resolve) (this|it)|remediation( advice)?|mitigation|weitere informationen|hintergrund(informationen)?|meer informatie|achtergrond(informatie)?|plus d'informations|informations compl[ée]mentaires|r[ée]f[ée]rences?)\s*:?\s*(https?:\/\/\S+)?\s*$/i;
const REFERENCE_LINE =
  /\b(more (information|info|details)|further information|for (more )?(information|details)|documentation|how ?to|instructions|guidance|advisory|advice|learn more|see also|explained|explanation|faq|mitigat\w*|remediat\w*|weitere informationen|meer informatie|zie ook|siehe)\b[^\n]{0,120}(https?:\/\/|www\.)/i;
const FOOTER_START =
  /^\s*(this (e-?mail|message|report|notification) (was|is|has been) (sent|generated|created|automatically)|you (are )?receiv(e|ed|ing) this|to unsubscribe|unsubscribe|disclaimer|confidentiality notice|the information (contained )?in this|privacy (policy|notice|statement)|dit bericht is|deze e-?mail is|diese e-?mail|if you (believe|feel|think) (you|this) (received|was sent)|please do not reply)/i;
const SIGNATURE =
  /^\s*(--\s*|signed,?|regards,?|best regards,?|kind regards,?|warm regards,?|sincerely,?|cheers,?|yours (faithfully|sincerely|truly),?|very truly yours,?|thank you,?|thanks,?|met vriendelijke groet(en)?,?|vriendelijke groet(en)?,?|mit freundlichen gr(ü|ue)(ß|ss)en,?|viele gr(ü|ue)(ß|ss)e,?|cordialement,?|bien cordialement,?)\s*$/i;
const URLISH = /(https?:\/\/|www\.)/i;
/** A forwarded or quoted original starts: what follows is content again, whatever came before. */
const FORWARD_MARK =
  /^\s*(-{2,}\s*(original message|forwarded message|weitergeleitete nachricht|doorgestuurd bericht|message transf[ée]r[ée]|urspr(ü|ue)ngliche nachricht|oorspronkelijk bericht)\s*-{2,}|begin forwarded message:)/i;

/** The zone of every line of a text (the same length as `lines`). */
export function lineZones(lines: readonly string[]): Zone[] {
  const zones: Zone[] = new Array(lines.length);
  let prose = 0;
  let mode: Zone | "content" = "content";
  let referenceBlankSeen = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const blank = line.trim() === "";
    if (FORWARD_MARK.test(line)) mode = "content";
    else if (mode === "content" || mode === "references") {
      if (SIGNATURE.test(line)) mode = "signature";
      // A footer closes a text: "you receive this because" at the top is the reporter's introduction.
      else if (FOOTER_START.test(line) && i >= lines.length * FOOTER_FROM) mode = "footer";
      else if (REFERENCE_HEADING.test(line)) {
        mode = "references";
        referenceBlankSeen = false;
      } else if (mode === "references") {
        // A references block ends at a paragraph of prose that points at nothing.
        if (blank) referenceBlankSeen = true;
        else if (referenceBlankSeen && !URLISH.test(line) && !/^\s*(\[\d+\]|[-*•]|\d+[.)])\s/.test(line))
          mode = "content";
      }
    } else if (mode === "signature" && FOOTER_START.test(line)) mode = "footer";
    if (mode === "content") {
      if (REFERENCE_LINE.test(line)) zones[i] = "references";
      else {
        zones[i] = prose < OPENING_LINES ? "opening" : "body";
        if (!blank) prose++;
      }
    } else zones[i] = mode;
  }
  return zones;
}
