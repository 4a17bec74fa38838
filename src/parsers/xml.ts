/**
 * XML reading for IODEF and ACNS: fast-xml-parser with namespaces stripped, attributes kept, and no
 * document type declarations at all (entity expansion and external entities are refused before parsing).
 */
import { XMLParser } from "fast-xml-parser";
import { ReportFormatError } from "./common.ts";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  textNodeName: "#text",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  isArray: (name) =>
    ["Incident", "System", "Address", "Contact", "Item", "Service", "Flow", "Node"].includes(name),
});

/** Entity expansion ("billion laughs") and external entities are refused outright: no report needs them. */
export function assertPlainXml(text: string): void {
  if (text.length > 16 * 1024 * 1024) throw new ReportFormatError("XML document larger than 16 MB");
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    throw new ReportFormatError("XML with a DOCTYPE or entity declarations is refused");
}

export function readXml(text: string): Record<string, unknown> {
  assertPlainXml(text);
  try {
    return parser.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ReportFormatError(`XML is not well-formed: ${(e as Error).message.slice(0, 120)}`);
  }
}

/** Text of an element that may be a string, {#text}, or absent. */
export function textOf(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node === "string" || typeof node === "number") {
    const s = String(node).trim();
    return s || undefined;
  }
  if (typeof node === "object" && "#text" in (node as object))
    return textOf((node as Record<string, unknown>)["#text"]);
  return undefined;
}

export function child(node: unknown, name: string): unknown {
  return node && typeof node === "object" ? (node as Record<string, unknown>)[name] : undefined;
}

export function list(node: unknown): unknown[] {
  if (node === undefined || node === null) return [];
  return Array.isArray(node) ? node : [node];
}

export function attr(node: unknown, name: string): string | undefined {
  const v = child(node, `@${name}`);
  return typeof v === "string" ? v : undefined;
}
