/**
 * Demo reports, so that a newcomer's desk has work in it: complaints in the formats abuse desks receive
 * (ARF, XARF, a Shadowserver feed, a free-text mail), about the demo customers, submitted through the real
 * intake. One of them is about an address that changed hands: it goes to the customer who held it then.
 * Their bytes never change, so loading them twice stores nothing twice.
 */
import { submitReport } from "./intake/ingest.ts";
import type { Services } from "./server.ts";

interface DemoReport {
  name: string;
  contentType: string;
  brand: string;
  raw: string;
  hint?: { format?: string; type?: string };
  filename?: string;
}

function arf(n: number, ip: string, date: string, to: string): string {
  return [
    "From: FBL <fbl@mailbox-provider.example>",
    `To: ${to}`,
    `Subject: FW: Earn money fast (${n})`,
    `Message-ID: <demo-arf-${n}@mailbox-provider.example>`,
    `Date: ${date}`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=feedback-report; boundary="part"',
    "",
    "--part",
    "Content-Type: text/plain",
    "",
    `This is an abuse report for a message received from IP address ${ip}.`,
    "",
    "--part",
    "Content-Type: message/feedback-report",
    "",
    "Feedback-Type: abuse",
    "User-Agent: DemoFBL/1.0",
    "Version: 1",
    `Source-IP: ${ip}`,
    `Arrival-Date: ${date}`,
    "Original-Mail-From: <offers@shop.example>",
    "Original-Rcpt-To: <someone@mailbox-provider.example>",
    "",
    "--part",
    "Content-Type: text/rfc822-headers",
    "",
    `Received: from mail.customer.example ([${ip}]) by mx.mailbox-provider.example; ${date}`,
    "From: Offers <offers@shop.example>",
    "To: someone@mailbox-provider.example",
    "Subject: Earn money fast",
    `Date: ${date}`,
    "",
    "--part--",
    "",
  ].join("\r\n");
}

function xarf(id: string, fields: Record<string, unknown>): string {
  return JSON.stringify({
    xarf_version: "4.2.0",
    report_id: id,
    reporter: {
      org: "Demo Sensor Network",
      contact: "abuse-reports@sensors.example",
      domain: "sensors.example",
    },
    sender: {
      org: "Demo Sensor Network",
      contact: "abuse-reports@sensors.example",
      domain: "sensors.example",
    },
    ...fields,
  });
}

export const DEMO_REPORTS: DemoReport[] = [
  {
    name: "ARF spam complaint about Bakkerij De Korenschoof",
    contentType: "message/rfc822",
    brand: "x2com-nl",
    raw: arf(1, "192.0.2.10", "Mon, 16 Nov 2026 09:12:00 +0100", "abuse@x2com.nl"),
  },
  {
    // 192.0.2.96/27 was Jansen's until 1 June 2026, then Studio Vermeulen's: this May complaint is Jansen's.
    name: "ARF spam complaint from May about an address that has changed hands since",
    contentType: "message/rfc822",
    brand: "x2com-nl",
    raw: arf(2, "192.0.2.100", "Fri, 15 May 2026 14:30:00 +0200", "abuse@x2com.nl"),
  },
  {
    name: "XARF port scan by Webwinkel Tulp's server",
    contentType: "application/json",
    brand: "extin",
    raw: xarf("6a1d8f3e-0c2b-4c55-9d0e-1f6f0e9c2a01", {
      timestamp: "2026-11-18T03:14:00Z",
      source_identifier: "198.51.100.20",
      source_port: 51234,
      category: "connection",
      type: "port_scan",
      protocol: "tcp",
      destination_ip: "192.0.2.250",
    }),
  },
  {
    name: "XARF open mail relay at Nieuwsbrief Centrale",
    contentType: "application/json",
    brand: "extin",
    raw: xarf("6a1d8f3e-0c2b-4c55-9d0e-1f6f0e9c2a02", {
      timestamp: "2026-11-19T11:00:00Z",
      source_identifier: "198.51.100.130",
      source_port: 25,
      category: "vulnerability",
      type: "open_service",
      service: "smtp-open-relay",
    }),
  },
  {
    name: "XARF phishing page on Fotografie Lens' site",
    contentType: "application/json",
    brand: "webxtra",
    raw: xarf("6a1d8f3e-0c2b-4c55-9d0e-1f6f0e9c2a03", {
      timestamp: "2026-11-20T08:45:00Z",
      source_identifier: "203.0.113.5",
      category: "content",
      type: "phishing",
      url: "https://fotografielens.example/portfolio/bank-login/",
    }),
  },
  {
    name: "XARF copyright notice about a download at Vereniging De Zeilvogels",
    contentType: "application/json",
    brand: "webxtra",
    raw: xarf("6a1d8f3e-0c2b-4c55-9d0e-1f6f0e9c2a04", {
      timestamp: "2026-11-21T16:20:00Z",
      source_identifier: "203.0.113.70",
      category: "copyright",
      type: "copyright",
      infringing_url: "https://zeilvogels.example/downloads/film-2026.mkv",
    }),
  },
  {
    name: "Shadowserver open SNMP scan of the provider's network",
    contentType: "text/csv",
    brand: "x2com-be",
    filename: "2026-11-22-scan_snmp-demo.csv",
    hint: { format: "shadowserver", type: "scan_snmp" },
    raw: [
      '"timestamp","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","sector","sysdesc","sysname","version"',
      '"2026-11-22 02:10:11","192.0.2.140","udp",161,,"snmp",64500,"BE","BRUSSELS","BRUSSELS",517311,,"Linux router","gw-anker","2"',
      '"2026-11-22 02:10:15","192.0.2.141","udp",161,,"snmp",64500,"BE","BRUSSELS","BRUSSELS",517311,,"Printer","printer-1","2"',
      '"2026-11-22 02:11:02","192.0.2.200","udp",161,,"snmp",64500,"BE","ANTWERPEN","ANTWERPEN",517311,,"Switch","core-sw","2"',
      '"2026-11-22 02:12:40","2001:db8:300::5","udp",161,,"snmp",64500,"NL","","",517311,,"NAS","nas","2"',
      '"2026-11-22 02:13:09","203.0.113.250","udp",161,,"snmp",64500,"NL","","",517311,,"Camera","cam","2"',
      "",
    ].join("\n"),
  },
  {
    name: "A complaint without any technical data (goes to triage)",
    contentType: "message/rfc822",
    brand: "webxtra",
    raw: [
      "From: Piet Jansen <piet@example.org>",
      "To: support@webxtra.nl",
      "Subject: klacht",
      "Message-ID: <demo-freetext-1@example.org>",
      "Date: Sat, 21 Nov 2026 20:02:00 +0100",
      "",
      "Hallo, een van jullie klanten doet vervelend. Kunnen jullie daar iets aan doen?",
      "",
      "Groet, Piet",
      "",
    ].join("\r\n"),
  },
];

/** Submits the demo reports through the intake; returns what became of them. */
export async function loadDemoReports(
  services: Services,
): Promise<{ stored: number; cases: number; triage: number }> {
  let stored = 0;
  let triage = 0;
  const cases = new Set<number>();
  for (const r of DEMO_REPORTS) {
    const detail = await submitReport(services, {
      raw: Buffer.from(r.raw),
      channel: "file",
      contentType: r.contentType,
      filename: r.filename ?? `demo: ${r.name}`,
      brandId: r.brand,
      ...(r.hint ? { hint: r.hint } : {}),
    });
    if (!detail.duplicate) stored++;
    if (detail.row.state === "triage") triage++;
    for (const c of detail.cases) cases.add(c);
  }
  return { stored, cases: cases.size, triage };
}
