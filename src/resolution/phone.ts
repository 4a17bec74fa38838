/**
 * Phone numbers to E.164 (`+31201234567`) for the Netherlands and Belgium, the countries the desk serves.
 * A national number (`020-1234567`, `02 123 45 67`) needs the country it was written in: the brand's.
 * Foreign numbers in international form are accepted on the E.164 length rule alone; a full numbering
 * plan (libphonenumber) would be needed to check those, and the desk never owns them anyway.
 */
export type PhoneCountry = "NL" | "BE";

const COUNTRY_CODE: Record<PhoneCountry, string> = { NL: "31", BE: "32" };

/** Digits after the country code: NL always 9, BE 8 (fixed lines) or 9 (mobile, 4xx). */
function nationalLengthOk(cc: string, national: string): boolean {
  if (cc === "31") return national.length === 9;
  if (cc === "32") return national.length === 8 || (national.length === 9 && national.startsWith("4"));
  return true;
}

/** The E.164 form of a number written in `country` or internationally, or null when it is not one. */
export function toE164(input: string, country: PhoneCountry = "NL"): string | null {
  let s = input.trim();
  if (s.toLowerCase().startsWith("tel:")) s = s.slice(4);
  // "+31 (0)20 ..." : the trunk zero in brackets is for callers inside the country
  s = s.replace(/\(0\)/g, "");
  s = s.replace(/[\s\-./()]/g, "");
  let digits: string;
  if (s.startsWith("+")) digits = s.slice(1);
  else if (s.startsWith("00")) digits = s.slice(2);
  else if (s.startsWith("0")) digits = COUNTRY_CODE[country] + s.slice(1);
  else return null;
  if (!/^[1-9]\d{6,14}$/.test(digits)) return null;
  for (const cc of ["31", "32"]) {
    if (!digits.startsWith(cc)) continue;
    let national = digits.slice(2);
    // "+31 020 ..." keeps the trunk zero by mistake; it is never part of the number
    if (national.startsWith("0")) national = national.slice(1);
    if (!nationalLengthOk(cc, national)) return null;
    return `+${cc}${national}`;
  }
  return `+${digits}`;
}
