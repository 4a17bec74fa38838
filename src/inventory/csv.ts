/**
 * The inventory CSV (ARCHITECTURE.md): reading and checking a whole file, pure.
 *
 *   customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to
 *
 * A file is taken whole or not at all: every problem in it is reported at once, each naming the row
 * (the line in the file, the header being row 1), the column, what is wrong and what is allowed, so that
 * an operator fixes the file in one pass. Values come out normalised (CIDR with its length, lower-case
 * domains and mailboxes, url as host + path, phone in E.164) so that the same resource written two ways
 * is recognised as one.
 */
import { parse } from "csv-parse/sync";
import { DateTime } from "luxon";
import type { Result } from "../errors.ts";
import { readPrefix } from "../resolution/ip.ts";
import { readDomain, readMailbox, readUrlResource } from "../resolution/names.ts";
import { type PhoneCountry, toE164 } from "../resolution/phone.ts";
import { RESOURCE_KINDS, type ResourceKind } from "../resolution/types.ts";

export const INVENTORY_COLUMNS = [
  "customer_id",
  "customer_name",
  "brand",
  "contact_email",
  "kind",
  "value",
  "valid_from",
  "valid_to",
] as const;
export type InventoryColumn = (typeof INVENTORY_COLUMNS)[number];

/** One checked row: one resource held by one customer for one period. */
export interface InventoryRow {
  /** Line in the file (header = 1), for messages. */
  row: number;
  customerId: string;
  customerName: string;
  brand: string;
  /** One or more, separated by `;` in the file. */
  contactEmails: string[];
  kind: ResourceKind;
  /** Normalised: `192.0.2.0/25`, `example.nl`, `shop.example.nl/cart`, `info@example.nl`, `+31201234567`. */
  value: string;
  validFrom: Date;
  /** null: still assigned. Exclusive: the resource is no longer the customer's from this moment. */
  validTo: Date | null;
}

export interface InventoryError {
  row: number;
  column: InventoryColumn | null;
  /** The whole sentence: "row 12, column kind: `ipv4` is not a kind; use one of ip, domain, url, email, phone". */
  message: string;
}

/** A brand the file may name; a plain id means an NL brand in Europe/Amsterdam. */
export type InventoryBrand = string | { id: string; country?: PhoneCountry; timeZone?: string };

export interface InventoryCsvOptions {
  /** The brand ids the desk knows; any other is refused. */
  brands: readonly InventoryBrand[];
}

const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,99}$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function brandInfo(brand: InventoryBrand): { id: string; country: PhoneCountry; timeZone: string } {
  if (typeof brand === "string") return { id: brand, country: "NL", timeZone: "Europe/Amsterdam" };
  return { id: brand.id, country: brand.country ?? "NL", timeZone: brand.timeZone ?? "Europe/Amsterdam" };
}

/**
 * A date or date-time. A date alone means midnight at the start of that day in the brand's time zone
 * (an operator who writes valid_to 2026-06-01 means "until June"), a date-time without offset is read
 * in that zone too.
 */
export function readInventoryDate(text: string, timeZone = "Europe/Amsterdam"): Date | null {
  if (!DATE.test(text)) return null;
  const dt = DateTime.fromISO(text.replace(" ", "T"), { zone: timeZone });
  return dt.isValid ? dt.toJSDate() : null;
}

function formatDate(d: Date | null): string {
  return d === null
    ? "open"
    : d
        .toISOString()
        .replace(/T00:00:00\.000Z$/, "")
        .replace(/\.000Z$/, "Z");
}

/** Reads and checks a whole inventory file: all its rows, or all its problems. */
export function parseInventoryCsv(
  text: string | Uint8Array,
  options: InventoryCsvOptions,
): Result<InventoryRow[], InventoryError[]> {
  const errors: InventoryError[] = [];
  const problem = (row: number, column: InventoryColumn | null, what: string) => {
    errors.push({
      row,
      column,
      message: column ? `row ${row}, column ${column}: ${what}` : `row ${row}: ${what}`,
    });
  };
  const brands = new Map(options.brands.map((b) => [brandInfo(b).id, brandInfo(b)]));
  const brandList = [...brands.keys()].join(", ");

  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(typeof text === "string" ? text : Buffer.from(text), {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    problem(e.lines ?? 1, null, `the file is not valid CSV: ${e.message ?? String(err)}`);
    return { ok: false, error: errors };
  }
  const header = records[0];
  if (header === undefined) {
    problem(1, null, `the file is empty; it needs the header ${INVENTORY_COLUMNS.join(",")}`);
    return { ok: false, error: errors };
  }

  // The header: every column once, any order, nothing else.
  const position = new Map<InventoryColumn, number>();
  header.record.forEach((name, i) => {
    const column = name.toLowerCase() as InventoryColumn;
    if (!(INVENTORY_COLUMNS as readonly string[]).includes(column)) {
      problem(1, null, `\`${name}\` is not a column; the columns are ${INVENTORY_COLUMNS.join(", ")}`);
    } else if (position.has(column)) {
      problem(1, null, `the column ${column} appears twice`);
    } else {
      position.set(column, i);
    }
  });
  const missing = INVENTORY_COLUMNS.filter((c) => !position.has(c));
  if (missing.length > 0) problem(1, null, `the header lacks ${missing.join(", ")}`);
  if (errors.length > 0) return { ok: false, error: errors };

  const rows: InventoryRow[] = [];
  const customers = new Map<string, { row: number; name: string; brand: string; contacts: string }>();
  for (const { record, info } of records.slice(1)) {
    const row = info.lines;
    if (record.length !== header.record.length) {
      problem(
        row,
        null,
        `has ${record.length} fields where the header has ${header.record.length}; check commas and quotes`,
      );
      continue;
    }
    const field = (c: InventoryColumn) => record[position.get(c)!] ?? "";
    const before = errors.length;

    const customerId = field("customer_id");
    if (customerId === "") problem(row, "customer_id", "is empty; every row names its customer");
    else if (!CUSTOMER_ID.test(customerId)) {
      problem(
        row,
        "customer_id",
        `\`${customerId}\` is not a customer id; use up to 100 letters, digits and . _ : / @ -`,
      );
    }
    const customerName = field("customer_name");
    if (customerName === "") problem(row, "customer_name", "is empty; write the customer's name");
    else if (customerName.length > 200) problem(row, "customer_name", "is longer than 200 characters");

    const brandId = field("brand");
    const brand = brands.get(brandId);
    if (brand === undefined) {
      problem(
        row,
        "brand",
        brandId === ""
          ? `is empty; use one of ${brandList}`
          : `\`${brandId}\` is not a brand; use one of ${brandList}`,
      );
    }

    const contactEmails: string[] = [];
    const contactText = field("contact_email");
    if (contactText === "")
      problem(row, "contact_email", "is empty; write the address where the customer receives notices");
    for (const part of contactText
      .split(/[;,]/)
      .map((s) => s.trim())
      .filter(Boolean)) {
      const read = readMailbox(part);
      if (read.ok) contactEmails.push(read.value);
      else problem(row, "contact_email", `${read.problem} (separate several addresses with ;)`);
    }

    const kindText = field("kind");
    const kind = (RESOURCE_KINDS as readonly string[]).includes(kindText.toLowerCase())
      ? (kindText.toLowerCase() as ResourceKind)
      : null;
    if (kind === null) {
      problem(
        row,
        "kind",
        kindText === ""
          ? `is empty; use one of ${RESOURCE_KINDS.join(", ")}`
          : `\`${kindText}\` is not a kind; use one of ${RESOURCE_KINDS.join(", ")}`,
      );
    }

    const valueText = field("value");
    let value = "";
    if (valueText === "")
      problem(row, "value", "is empty; write the address, prefix, domain, url, mailbox or number");
    else if (kind !== null) {
      const read = readValue(kind, valueText, brand?.country ?? "NL");
      if (read.ok) value = read.value;
      else problem(row, "value", read.problem);
    }

    const zone = brand?.timeZone ?? "Europe/Amsterdam";
    const fromText = field("valid_from");
    const validFrom = fromText === "" ? null : readInventoryDate(fromText, zone);
    if (fromText === "")
      problem(row, "valid_from", "is empty; write the day the customer got the resource, e.g. 2026-01-01");
    else if (validFrom === null)
      problem(
        row,
        "valid_from",
        `\`${fromText}\` is not a date; write 2026-01-01 or 2026-01-01T14:30:00+01:00`,
      );
    const toText = field("valid_to");
    const validTo = toText === "" ? null : readInventoryDate(toText, zone);
    if (toText !== "" && validTo === null) {
      problem(
        row,
        "valid_to",
        `\`${toText}\` is not a date; write 2026-06-01 or 2026-06-01T14:30:00+02:00, or leave it empty while still assigned`,
      );
    } else if (validFrom && validTo && validTo.getTime() <= validFrom.getTime()) {
      problem(
        row,
        "valid_to",
        `${toText} is not after valid_from ${fromText}; a period ends after it begins (leave valid_to empty while still assigned)`,
      );
    }

    if (customerId !== "" && customerName !== "" && brand !== undefined) {
      const contacts = contactEmails.join(";");
      const seen = customers.get(customerId);
      if (seen === undefined)
        customers.set(customerId, { row, name: customerName, brand: brandId, contacts });
      else if (seen.name !== customerName) {
        problem(
          row,
          "customer_name",
          `customer ${customerId} is called \`${seen.name}\` on row ${seen.row} and \`${customerName}\` here; use one name`,
        );
      } else if (seen.brand !== brandId) {
        problem(
          row,
          "brand",
          `customer ${customerId} is with ${seen.brand} on row ${seen.row} and ${brandId} here; a customer belongs to one brand`,
        );
      } else if (seen.contacts !== contacts && contactEmails.length > 0) {
        problem(
          row,
          "contact_email",
          `customer ${customerId} has contact ${seen.contacts} on row ${seen.row} and ${contacts} here; use the same on every row`,
        );
      }
    }

    if (errors.length === before && kind !== null && validFrom !== null && brand !== undefined) {
      rows.push({
        row,
        customerId,
        customerName,
        brand: brandId,
        contactEmails,
        kind,
        value,
        validFrom,
        validTo,
      });
    }
  }

  for (const [a, b] of findOverlaps(rows)) {
    const [first, second] = a.row < b.row ? [a, b] : [b, a];
    const periods = `(${formatDate(first.validFrom)} – ${formatDate(first.validTo)} and ${formatDate(second.validFrom)} – ${formatDate(second.validTo)})`;
    problem(
      second.row,
      "value",
      first.customerId === second.customerId
        ? `rows ${first.row} and ${second.row} both assign ${second.value} to ${second.customerId} for overlapping periods ${periods}; merge them into one row`
        : `rows ${first.row} and ${second.row} assign ${second.value} to ${first.customerId} and to ${second.customerId} for overlapping periods ${periods}; a resource has one holder at a time: end the first period where the second begins`,
    );
  }

  if (errors.length > 0) {
    errors.sort((x, y) => x.row - y.row);
    return { ok: false, error: errors };
  }
  return { ok: true, value: rows };
}

/** Reads a value of `kind`; `country` reads national phone numbers. */
export function readValue(
  kind: ResourceKind,
  text: string,
  country: PhoneCountry = "NL",
): { ok: true; value: string } | { ok: false; problem: string } {
  switch (kind) {
    case "ip": {
      const read = readPrefix(text, { strictMapped: true });
      return read.ok ? { ok: true, value: read.prefix.text } : { ok: false, problem: read.problem };
    }
    case "domain":
      return readDomain(text);
    case "url":
      return readUrlResource(text);
    case "email":
      return readMailbox(text);
    case "phone": {
      const e164 = toE164(text, country);
      return e164 !== null
        ? { ok: true, value: e164 }
        : {
            ok: false,
            problem: `\`${text}\` is not a phone number; write +31201234567, or ${country === "BE" ? "02 123 45 67" : "020-1234567"} for a number in ${country} (the brand's country)`,
          };
    }
  }
}

/** What the overlap check needs of a row or a stored resource. */
export interface ResourcePeriod {
  customerId: string;
  kind: ResourceKind;
  /** Normalised, so that equal resources have equal values. */
  value: string;
  validFrom: Date;
  validTo: Date | null;
}

/**
 * Pairs that hold the same resource (same kind and value) for overlapping periods. Nested prefixes are
 * different values and never overlap here: 192.0.2.8/29 inside 192.0.2.0/24 is normal.
 */
export function findOverlaps<T extends ResourcePeriod>(items: readonly T[]): Array<[T, T]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = `${item.kind}\u0000${item.value}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const pairs: Array<[T, T]> = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime());
    const open: T[] = [];
    for (const item of group) {
      const start = item.validFrom.getTime();
      for (let i = open.length - 1; i >= 0; i--) {
        const end = open[i]!.validTo;
        if (end !== null && end.getTime() <= start) open.splice(i, 1);
      }
      for (const other of open) pairs.push([other, item]);
      open.push(item);
    }
  }
  return pairs;
}
