/**
 * Every Shadowserver report type mapped to our taxonomy: the types Shadowserver publishes today (their
 * report list, The-Shadowserver-Foundation/report_schema `types.md`, with the title its mails carry) and the
 * legacy names older files and IntelMQ's feed mapping still use. A type that is not in the table falls back
 * by its family: `scan*`/`population*` are open services, `event*`/`sinkhole*` are read per row from their
 * `infection`/`tag` columns, `honeypot*` by what happened (scan, brute force, DDoS). A type that fits no
 * family is read from its columns; failing that, its rows become `other` events with the type kept as
 * `details.source_category`, so that no subject is lost and a person (or a mapping rule) classifies it.
 */
import type { Category } from "../taxonomy.ts";
import { categoryOfLabel } from "./labels.ts";

interface TypeInfo {
  category: Category;
  /** The report's title in Shadowserver's list and mail subjects ("Open SNMP"). */
  title?: string;
}

const t = (category: Category, title?: string): TypeInfo => (title ? { category, title } : { category });

/** Current report types (report_schema types.md), then legacy names. Keys are lower case. */
const TYPES: ReadonlyMap<string, TypeInfo> = new Map<string, TypeInfo>([
  // Compromised systems and accounts
  ["compromised_account", t("compromised_server", "Compromised Account")],
  ["compromised_iot", t("botnet", "Compromised IoT Device")],
  ["compromised_iot6", t("botnet", "IPv6 Compromised IoT Device")],
  ["compromised_website", t("compromised_server", "Compromised Website")],
  ["compromised_website6", t("compromised_server", "IPv6 Compromised Website")],
  ["event4_initial_access_broker", t("compromised_server", "Initial Access Broker")],
  ["event6_initial_access_broker", t("compromised_server", "IPv6 Initial Access Broker")],
  ["ransomware_victim", t("compromised_server", "Ransomware victim")],
  ["scan_synfulknock", t("compromised_server", "SYNful Knock")],
  ["scan_post_exploitation_framework", t("botnet", "Post-Exploitation Framework")],
  // Sinkholes: infected hosts calling home
  ["event4_microsoft_sinkhole", t("botnet", "Microsoft Sinkhole events")],
  ["event4_microsoft_sinkhole_http", t("botnet", "Microsoft Sinkhole HTTP Events")],
  ["event4_sinkhole", t("botnet", "Sinkhole Events")],
  ["event6_sinkhole", t("botnet", "IPv6 Sinkhole Events")],
  ["event4_sinkhole_http", t("botnet", "Sinkhole HTTP Events")],
  ["event6_sinkhole_http", t("botnet", "IPv6 Sinkhole HTTP Events")],
  ["event4_sinkhole_dns", t("botnet", "Sinkhole DNS Events")],
  ["event4_sinkhole_http_referer", t("compromised_server", "Sinkhole HTTP Referer Events")],
  ["event6_sinkhole_http_referer", t("compromised_server", "IPv6 Sinkhole HTTP Referer Events")],
  ["sandbox_conn", t("botnet", "Sandbox Connections")],
  ["sandbox_url", t("malware", "Sandbox URL")],
  // Honeypots: what the host did to them
  ["event4_honeypot_brute_force", t("brute_force", "Honeypot Brute Force Events")],
  ["event4_honeypot_ddos", t("ddos", "Honeypot DDoS Events")],
  ["event4_ddos_participant", t("ddos", "DDoS Participant")],
  ["event4_honeypot_ddos_amp", t("ddos_victim", "Honeypot DDoS Amplification Events")],
  ["event4_honeypot_ddos_target", t("ddos_victim", "Honeypot DDoS Target Events")],
  ["event4_honeypot_darknet", t("port_scan", "Darknet Events")],
  ["event4_honeypot_adb_scan", t("port_scan", "Honeypot ADB Scanner Events")],
  ["event4_honeypot_http_scan", t("port_scan", "Honeypot HTTP Scanner Events")],
  ["event4_honeypot_ics_scan", t("port_scan", "Honeypot ICS Scanner Events")],
  ["event4_honeypot_ikev2_scan", t("port_scan", "Honeypot IKEv2 Scanner Events")],
  ["event4_honeypot_rdp_scan", t("port_scan", "Honeypot RDP Scanner Events")],
  ["event4_honeypot_rocketmq_scan", t("port_scan", "Honeypot RocketMQ Scanner Events")],
  ["event4_honeypot_smb_scan", t("port_scan", "Honeypot SMB Scanner Events")],
  ["event4_honeypot_snmp_scan", t("port_scan", "Honeypot SNMP Scanner Events")],
  // Content
  ["malware_url", t("malware", "Malware URL")],
  ["phish_url", t("phishing", "Phish URL")],
  ["spam_url", t("spam", "Spam URL")],
  // Reputation and victims
  ["blocklist", t("blocklist", "Block Listed IP Addresses")],
  ["targeted_host", t("ddos_victim", "Targeted Host")],
  ["targeted_host6", t("ddos_victim", "IPv6 Targeted Host")],
  ["event4_ip_spoofer", t("open_service", "IP Spoofer Events")],
  // Vulnerable services
  ["scan_exchange", t("open_service", "Vulnerable Exchange Server")],
  ["scan6_exchange", t("open_service", "IPv6 Vulnerable Exchange Server")],
  ["scan_http_vulnerable", t("open_service", "Vulnerable HTTP")],
  ["scan6_http_vulnerable", t("open_service", "IPv6 Vulnerable HTTP")],
  ["scan_smtp_vulnerable", t("open_service", "Vulnerable SMTP")],
  ["scan6_smtp_vulnerable", t("open_service", "IPv6 Vulnerable SMTP")],
  ["scan_imap_vulnerable", t("open_service", "Vulnerable IMAP")],
  ["scan6_imap_vulnerable", t("open_service", "IPv6 Vulnerable IMAP")],
  ["scan_pop3_vulnerable", t("open_service", "Vulnerable POP3")],
  ["scan6_pop3_vulnerable", t("open_service", "IPv6 Vulnerable POP3")],
  ["scan_netis_router", t("open_service", "Netcore/Netis Router Vulnerability Scan")],
  ["scan_badsecrets", t("open_service", "Badsecrets")],
  ["scan6_badsecrets", t("open_service", "IPv6 Badsecrets")],
  ["scan_ssl_freak", t("open_service", "SSL/Freak Vulnerable Servers")],
  ["scan6_ssl_freak", t("open_service", "IPv6 SSL/Freak Vulnerable Servers")],
  ["scan_ssl_poodle", t("open_service", "SSLv3/Poodle Vulnerable Servers")],
  ["scan6_ssl_poodle", t("open_service", "IPv6 SSLv3/Poodle Vulnerable Servers")],
  ["scan_ddos_middlebox", t("open_service", "Vulnerable DDoS Middlebox")],
  ["scan_loop_dos", t("open_service", "Loop DoS")],
  ["scan_nat_pmp", t("open_service", "Vulnerable NAT-PMP Systems")],
  ["scan_isakmp", t("open_service", "Vulnerable ISAKMP")],
  ["scan6_isakmp", t("open_service", "IPv6 Vulnerable ISAKMP")],
  // Open and accessible services (amplifiers, databases, remote access, ...)
  ["scan_adb", t("open_service", "Accessible Android Debug Bridge")],
  ["scan_afp", t("open_service", "Accessible Apple Filing Protocol")],
  ["scan_amqp", t("open_service", "Accessible AMQP")],
  ["scan_ard", t("open_service", "Accessible Apple Remote Desktop")],
  ["scan_activemq", t("open_service", "Accessible ActiveMQ Service")],
  ["scan6_activemq", t("open_service", "IPv6 Accessible ActiveMQ Service")],
  ["scan_bgp", t("open_service", "Open BGP")],
  ["scan6_bgp", t("open_service", "IPv6 Open BGP")],
  ["scan_chargen", t("open_service", "Open Chargen")],
  ["scan_cisco_smart_install", t("open_service", "Accessible Cisco Smart Install")],
  ["scan_coap", t("open_service", "Accessible CoAP")],
  ["scan_couchdb", t("open_service", "Accessible CouchDB Server")],
  ["scan_cwmp", t("open_service", "Accessible CWMP")],
  ["scan6_cwmp", t("open_service", "IPv6 Accessible CWMP")],
  ["scan_db2", t("open_service", "Open DB2 Discovery Service")],
  ["scan_dns", t("open_service", "DNS Open Resolvers")],
  ["scan6_dns", t("open_service", "IPv6 DNS Open Resolvers")],
  ["scan_docker", t("open_service", "Accessible Docker Service")],
  ["scan_dvr_dhcpdiscover", t("open_service", "Accessible DVR DHCPDiscover")],
  ["scan_elasticsearch", t("open_service", "Open Elasticsearch Server")],
  ["scan6_elasticsearch", t("open_service", "IPv6 Open Elasticsearch Server")],
  ["scan_epmd", t("open_service", "Accessible Erlang Port Mapper Daemon")],
  ["scan_ftp", t("open_service", "Accessible FTP Service")],
  ["scan6_ftp", t("open_service", "IPv6 Accessible FTP Service")],
  ["scan_gtp", t("open_service", "Accessible GPRS Tunneling Protocol (GTP)")],
  ["scan_hadoop", t("open_service", "Accessible Hadoop Service")],
  ["scan_http", t("open_service", "Accessible HTTP")],
  ["scan6_http", t("open_service", "IPv6 Accessible HTTP")],
  ["scan_http_proxy", t("open_service", "Open HTTP Proxy")],
  ["scan6_http_proxy", t("open_service", "IPv6 Open HTTP Proxy")],
  ["scan_ics", t("open_service", "Accessible ICS")],
  ["scan_imap", t("open_service", "Accessible IMAP")],
  ["scan6_imap", t("open_service", "IPv6 Accessible IMAP")],
  ["scan_ip_tunnel", t("open_service", "Open IP-Tunnel")],
  ["scan6_ip_tunnel", t("open_service", "IPv6 Open IP-Tunnel")],
  ["scan_ipmi", t("open_service", "Open IPMI Report")],
  ["scan_ipp", t("open_service", "Open IPP")],
  ["scan6_ipp", t("open_service", "IPv6 Open IPP")],
  ["scan_kubernetes", t("open_service", "Accessible Kubernetes API Server")],
  ["scan_ldap_tcp", t("open_service", "Open LDAP (TCP) Services")],
  ["scan6_ldap_tcp", t("open_service", "IPv6 Open LDAP (TCP) Services")],
  ["scan_ldap_udp", t("open_service", "Open LDAP Services")],
  ["scan_mdns", t("open_service", "Open mDNS Report")],
  ["scan_memcached", t("open_service", "Open Memcached Server")],
  ["scan_mikrotik_service", t("open_service", "Accessible MikroTik Service")],
  ["scan6_mikrotik_service", t("open_service", "IPv6 Accessible MikroTik Service")],
  ["scan_mongodb", t("open_service", "Open MongoDB Service")],
  ["scan6_mongodb", t("open_service", "IPv6 Open MongoDB Service")],
  ["scan_mqtt", t("open_service", "Open MQTT")],
  ["scan6_mqtt", t("open_service", "IPv6 Open MQTT")],
  ["scan_mqtt_anon", t("open_service", "Open Anonymous MQTT")],
  ["scan6_mqtt_anon", t("open_service", "IPv6 Open Anonymous MQTT")],
  ["scan_msrpc", t("open_service", "Accessible MS-RPC Service")],
  ["scan6_msrpc", t("open_service", "IPv6 Accessible MS-RPC Service")],
  ["scan_mssql", t("open_service", "Open MS-SQL Server Resolution Service")],
  ["scan_mysql", t("open_service", "Accessible MySQL Server")],
  ["scan6_mysql", t("open_service", "IPv6 Accessible MySQL Server")],
  ["scan_netbios", t("open_service", "Open Netbios")],
  ["scan_ntp", t("open_service", "NTP Version")],
  ["scan6_ntp", t("open_service", "IPv6 NTP Version")],
  ["scan_ntpmonitor", t("open_service", "NTP Monitor")],
  ["scan6_ntpmonitor", t("open_service", "IPv6 NTP Monitor")],
  ["scan_pop3", t("open_service", "Accessible POP3")],
  ["scan6_pop3", t("open_service", "IPv6 Accessible POP3")],
  ["scan_portmapper", t("open_service", "Open Portmapper Scan")],
  ["scan_postgres", t("open_service", "Accessible PostgreSQL Server")],
  ["scan6_postgres", t("open_service", "IPv6 Accessible PostgreSQL Server")],
  ["scan_qotd", t("open_service", "Open QOTD")],
  ["scan_quic", t("open_service", "Accessible QUIC Report")],
  ["scan_radmin", t("open_service", "Accessible Radmin")],
  ["scan_rdp", t("open_service", "Accessible RDP Report")],
  ["scan6_rdp", t("open_service", "IPv6 Accessible RDP Report")],
  ["scan_rdpeudp", t("open_service", "Accessible MS-RDPEUDP")],
  ["scan_redis", t("open_service", "Open Redis Server")],
  ["scan_rsync", t("open_service", "Accessible Rsync Service")],
  ["scan6_rsync", t("open_service", "IPv6 Accessible Rsync Service")],
  ["scan_sip", t("open_service", "Accessible SIP")],
  ["scan_slp", t("open_service", "Accessible SLP Service")],
  ["scan6_slp", t("open_service", "IPv6 Accessible SLP Service")],
  ["scan_smb", t("open_service", "Accessible SMB Service")],
  ["scan6_smb", t("open_service", "IPv6 Accessible SMB Service")],
  ["scan_smtp", t("open_service", "Accessible SMTP")],
  ["scan6_smtp", t("open_service", "IPv6 Accessible SMTP")],
  ["scan_snmp", t("open_service", "Open SNMP")],
  ["scan6_snmp", t("open_service", "IPv6 Open SNMP")],
  ["scan_socks", t("open_service", "Accessible SOCKS4/5 Proxy")],
  ["scan_ssdp", t("open_service", "Open SSDP")],
  ["scan_ssh", t("open_service", "Accessible SSH")],
  ["scan6_ssh", t("open_service", "IPv6 Accessible SSH")],
  ["scan_ssl", t("open_service", "Accessible SSL")],
  ["scan6_ssl", t("open_service", "IPv6 Accessible SSL")],
  ["scan_stun", t("open_service", "Accessible Session Traversal Utilities for NAT")],
  ["scan6_stun", t("open_service", "IPv6 Accessible Session Traversal Utilities for NAT")],
  ["scan_telnet", t("open_service", "Accessible Telnet Service")],
  ["scan6_telnet", t("open_service", "IPv6 Accessible Telnet Service")],
  ["scan_tftp", t("open_service", "Open TFTP Servers")],
  ["scan_ubiquiti", t("open_service", "Accessible Ubiquiti Discovery Service")],
  ["scan_vnc", t("open_service", "Accessible VNC Service")],
  ["scan6_vnc", t("open_service", "IPv6 Accessible VNC Service")],
  ["scan_ws_discovery", t("open_service", "Accessible WS-Discovery Service")],
  ["scan_xdmcp", t("open_service", "Accessible XDMCP Service")],
  ["population_bgp", t("open_service", "Accessible BGP")],
  ["population6_bgp", t("open_service", "IPv6 Accessible BGP")],
  ["population_msmq", t("open_service", "Accessible MSMQ Service")],
  ["population6_msmq", t("open_service", "IPv6 Accessible MSMQ Service")],
  ["population_http_proxy", t("open_service", "Accessible HTTP Proxy")],
  ["population6_http_proxy", t("open_service", "IPv6 Accessible HTTP Proxy")],
  ["population_isakmp", t("open_service", "Accessible ISAKMP")],
  ["population6_isakmp", t("open_service", "IPv6 Accessible ISAKMP")],
  ["population_ntrip", t("open_service", "Accessible NTRIP")],
  ["device_id", t("open_service", "Device Identification")],
  ["device_id6", t("open_service", "IPv6 Device Identification")],
  // Legacy names (older files, IntelMQ's feed mapping, AbuseIO)
  ["blacklist", t("blocklist")],
  ["event4_blocklist", t("blocklist")],
  ["event4_compromised_website", t("compromised_server")],
  ["botnet_drone", t("botnet")],
  ["drone", t("botnet")],
  ["botnet_cc", t("botnet")],
  ["cc_ip", t("botnet")],
  ["cc_irc", t("botnet")],
  ["drone_brute_force", t("brute_force")],
  ["darknet", t("port_scan")],
  ["hp_http_scan", t("port_scan")],
  ["hp_ics_scan", t("port_scan")],
  ["sinkhole_http_drone", t("botnet")],
  ["sinkhole6_http", t("botnet")],
  ["sinkhole_dns", t("botnet")],
  ["microsoft_sinkhole", t("botnet")],
  ["sinkhole_http_referer", t("compromised_server")],
  ["sinkhole6_http_referer", t("compromised_server")],
  ["ip_spoofer", t("open_service")],
  ["caida_ip_spoofer", t("open_service")],
  ["event6_ip_spoofer", t("open_service")],
  ["ddos_amplification", t("ddos_victim")],
  ["honeypot_ddos_amp", t("ddos_victim")],
  ["amplification_ddos_victim", t("ddos_victim")],
  ["ddos_participant", t("ddos")],
  ["cisco_smart_install", t("open_service")],
  ["netis_router", t("open_service")],
  ["dns_openresolver", t("open_service")],
  ["ntp_monitor", t("open_service")],
  ["ssl_scan", t("open_service")],
  ["scan_ldap", t("open_service")],
  ["scan_msrdpeudp", t("open_service")],
  ["outdated_dnssec_key", t("open_service")],
  ["outdated_dnssec_key_v6", t("open_service")],
  ["cwsandbox_url", t("malware")],
]);

/** Every report type in the table (tests walk it; the docs list it). */
export function knownShadowserverTypes(): string[] {
  return [...TYPES.keys()];
}

/** What a report type is: from the table, else by its family. `perRow` reads each row (sinkhole families). */
export interface TypeClassification {
  category: Category;
  /** How the category was decided, for the event's details and the docs. */
  basis: "table" | "family" | "columns" | "unknown";
  /** For `event*`/`sinkhole*` types we do not know: the category of each row from its columns. */
  perRow?: (row: readonly string[]) => Category;
}

/** A row of an infection report: what its `infection`/`tag`/`family` columns say happened. */
function infectionReader(columns: readonly string[]): (row: readonly string[]) => Category {
  const cols = ["infection", "tag", "family", "type"].map((c) => columns.indexOf(c)).filter((i) => i >= 0);
  return (row) => {
    let text = "";
    for (const i of cols) text += ` ${row[i] ?? ""}`;
    return categoryOfLabel(text) ?? "botnet";
  };
}

/**
 * The category of a report type: the table first; then the family (a future `scan_newthing` is an open
 * service); then what the columns say (an `infection` column is a sinkhole report). `unknown`: nothing
 * tells; its rows become `other` events that keep the type as their source category.
 */
export function classifyShadowserverType(type: string, columns: readonly string[] = []): TypeClassification {
  const name = type.trim().toLowerCase();
  const known = TYPES.get(name);
  if (known) return { category: known.category, basis: "table" };
  if (/^(scan6?|population6?|open|accessible|vulnerable)_/.test(name))
    return { category: "open_service", basis: "family" };
  if (/^(event[46]_)?honeypot/.test(name))
    return { category: categoryOfLabel(name) ?? "port_scan", basis: "family" };
  if (/^(event[46]|sinkhole6?)(_|$)|sinkhole/.test(name))
    return { category: "botnet", basis: "family", perRow: infectionReader(columns) };
  if (columns.includes("infection"))
    return { category: "botnet", basis: "columns", perRow: infectionReader(columns) };
  return { category: "other", basis: "unknown" };
}

/**
 * The report type a mail subject names: "[Shadowserver] Open SNMP Report: 2026-03-04" → scan_snmp. The
 * longest title that the subject contains wins ("IPv6 Open SNMP" over "Open SNMP").
 */
export function reportTypeFromSubject(subject: string | undefined): string | undefined {
  if (!subject) return undefined;
  const normal = (s: string) =>
    ` ${s
      .toLowerCase()
      .replace(/[^a-z0-9/]+/g, " ")
      .trim()} `;
  const text = normal(subject.slice(0, 500));
  let best: { type: string; length: number } | undefined;
  for (const [type, info] of TYPES) {
    if (!info.title) continue;
    const title = normal(info.title);
    if (text.includes(title) && (!best || title.length > best.length)) best = { type, length: title.length };
  }
  return best?.type;
}

/**
 * A report type from a CSV's columns when neither the file name nor the subject names one (a file renamed
 * on the way): the shape of the big families. Undefined when the columns do not look like Shadowserver's.
 */
export function reportTypeFromColumns(columns: readonly string[]): string | undefined {
  const has = (c: string) => columns.includes(c);
  if (!has("timestamp") || !(has("ip") || has("src_ip"))) return undefined;
  if (has("http_referer")) return "event4_sinkhole_http_referer";
  if (has("infection") && has("src_ip")) return "event4_sinkhole";
  if (has("infection")) return "botnet_drone";
  if (has("ip") && has("port") && has("tag")) return "scan_unknown";
  return undefined;
}
