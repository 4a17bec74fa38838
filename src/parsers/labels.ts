/**
 * The short labels structured reports put in a column or field ("ssh-bruteforce", "scanner", "C2",
 * "phishing", "open resolver") read as one of our categories. Undefined when the words say nothing: the
 * caller then keeps the label as the event's `source_category` and the event's category is `other`.
 */
import type { Category } from "../taxonomy.ts";

const LABEL_WORDS: ReadonlyArray<readonly [RegExp, Category]> = [
  [/\b(csam|csem|child.?abuse)/, "csam"],
  [/phish/, "phishing"],
  [
    /brute.?force|bruteforce|login.?(attack|attempt|fail)|password.?(guess|spray)|credential.?stuff|auth(entication)?.?fail|ssh.?attack|\bsasl\b/,
    "brute_force",
  ],
  [/ddos.?(amp|target|victim|reflect)|amplification.?victim|reflect(ion|ed).?(victim|target)/, "ddos_victim"],
  [/\bd?dos\b|ddos|flood|denial.?of.?service/, "ddos"],
  [/spam|\buce\b|\bubce?\b|bulk.?mail/, "spam"],
  [/ransom|trojan|malware|virus|dropper|stealer|\brat\b|malicious.?(file|url|download)/, "malware"],
  [/botnet|\bbot\b|\bc2\b|\bcnc\b|c&c|command.?and.?control|sinkhole|infect|drone/, "botnet"],
  [/compromis|hacked|defac|webshell|backdoor/, "compromised_server"],
  [
    /port.?scan|scann?(er|ing)?\b|\bscan|probe|recon|darknet|exploit|intrusion|sql.?inj|\bxss\b|web.?attack|hack.?attempt/,
    "port_scan",
  ],
  [/open.?relay/, "open_relay"],
  [/open.?(resolver|service|proxy)|vulnerab|exposed|amplifier|misconfig|accessible|\bcve-\d/, "open_service"],
  [/copyright|dmca|pira(cy|te)|infring/, "copyright"],
  [/block.?list|black.?list|\bdnsbl\b|\brbl\b/, "blocklist"],
  [/fraud|scam/, "fraud"],
  [/dmarc|dkim|\bspf\b/, "email_auth_failure"],
];

export function categoryOfLabel(label: string | undefined): Category | undefined {
  if (!label) return undefined;
  const s = label.toLowerCase().replace(/[_-]+/g, " ").slice(0, 300);
  for (const [re, category] of LABEL_WORDS) if (re.test(s)) return category;
  return undefined;
}
