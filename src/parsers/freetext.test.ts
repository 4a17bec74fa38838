import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyText, extractIndicators, refang } from "./freetext.ts";

test("defanged URLs and addresses are re-fanged", () => {
  assert.equal(
    refang("hxxp://evil[.]example/a hXXps://b(.)example admin[at]abuse{dot}ch"),
    "http://evil.example/a https://b.example admin@abuse.ch",
  );
  const found = extractIndicators("URL: hxxps://bad[.]example/x.php\nIP: 192.0.2[.]5\n");
  assert.deepEqual(found.urls, ["https://bad.example/x.php"]);
  assert.deepEqual([...found.ips.keys()], ["192.0.2.5"]);
});

test("IPv4, IPv6, CIDR /32, domains and e-mail; no partial IP out of a.b.c.d.e; no times as IPv6", () => {
  const f = extractIndicators(
    "hosts 2001:db8::1 and 198.51.100.7/32 and 1.2.3.4.5 at 14:09:00, domain shop-bad.example.com, mail x@spam.example",
  );
  assert.deepEqual([...f.ips.keys()].sort(), ["198.51.100.7", "2001:db8::1"]);
  assert.deepEqual(f.domains, ["shop-bad.example.com"]);
  assert.deepEqual(f.emails, ["x@spam.example"]);
  const g = extractIndicators("the domain fraude-bank.nl is hosted at 192.0.2.8");
  assert.deepEqual(g.domains, ["fraude-bank.nl"]);
});

test("the reporter's own domains, signatures, traceroutes and footnotes are left out", () => {
  const text = [
    "Phishing at http://login-bank.nl/x",
    " 3  138.197.251.52 (138.197.251.52)",
    "[1] https://docs.vendor.com/faq",
    "Regards,",
    "Reporter Inc. https://reporter.com",
  ].join("\n");
  const f = extractIndicators(text, { exclude: ["reporter.com"] });
  assert.deepEqual(f.urls, ["http://login-bank.nl/x"]);
  assert.equal(f.ips.size, 0);
  const g = extractIndicators("see https://www.reporter.com/x and https://mail.reporter.com", {
    exclude: ["reporter.com"],
  });
  assert.deepEqual(g.urls, []);
});

test("a labelled date and a date on the same line as an IP are read in the brand's zone (Amsterdam)", () => {
  const f = extractIndicators("Date/time Assessed: 02-Nov-2021 14:09\n20.03.2021 08:47\t192.0.2.9\t80\n");
  assert.equal(f.labelledDate?.toISOString(), "2021-11-02T13:09:00.000Z");
  assert.equal(f.ips.get("192.0.2.9")?.toISOString(), "2021-03-20T07:47:00.000Z");
  const london = extractIndicators("20.03.2021 08:47\t192.0.2.9\t80\n", {
    times: { reference: null, timeZone: "Europe/London" },
  });
  assert.equal(london.ips.get("192.0.2.9")?.toISOString(), "2021-03-20T08:47:00.000Z");
});

test("each subject takes the time written nearest to it, relative times counting from the mail", () => {
  const text = [
    "Geachte heer/mevrouw,",
    "Wij zagen gisteren om 23:10 phishing op http://bank-login.example/inloggen.",
    "Sinds vanochtend 07:45 staat er ook malware op 192.0.2.77.",
    "Met vriendelijke groet,",
  ].join("\n");
  const f = extractIndicators(text, { times: { reference: new Date("2026-12-03T10:15:00+01:00") } });
  assert.equal(f.times.get("http://bank-login.example/inloggen")?.toISOString(), "2026-12-02T22:10:00.000Z");
  assert.equal(f.times.get("192.0.2.77")?.toISOString(), "2026-12-03T06:45:00.000Z");
});

test("category from words: urgent ones first, then the subject line, then the body", () => {
  assert.equal(classifyText("Copyright notice", "child sexual abuse material at ..."), "csam");
  assert.equal(classifyText("SBL Notify: added to Spamhaus Block List", "spam spam"), "blocklist");
  assert.equal(classifyText("", "Verwundbare FortiGate Server"), "open_service");
  assert.equal(classifyText("", "Wij ontvingen een melding van phishing"), "phishing");
  assert.equal(classifyText("Hello", "nice weather"), undefined);
});
