/**
 * Time-based one-time passwords (RFC 6238) for the console's sign-in, through `otpauth`: 6 digits, 30 s,
 * SHA-1 (what every authenticator app reads from an otpauth:// URI), one step of clock drift either way,
 * and each code accepted once.
 */
import { Secret, TOTP } from "otpauth";

export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** Steps of clock drift accepted either side of now (one step: 30 s). */
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = "abusedesk";

function totpOf(secret: string, account = ""): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: account,
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

/** A new secret (160 bits, as RFC 4226 recommends), in base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app reads (from a QR code or pasted). */
export function totpUri(secret: string, account: string): string {
  return totpOf(secret, account).toString();
}

/** The code for a moment: for tests and for an operator checking a clock. */
export function totpCode(secret: string, at = Date.now()): string {
  return totpOf(secret).generate({ timestamp: at });
}

/**
 * Whether `code` is the secret's code now (within the window), and not a step already used. Answers the
 * step it matched, which the caller stores as the last one used.
 */
export function checkTotp(
  secret: string,
  code: string,
  lastStep: number | null,
  at = Date.now(),
): { ok: true; step: number } | { ok: false } {
  const token = code.replace(/\s+/g, "");
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(token)) return { ok: false };
  const delta = totpOf(secret).validate({ token, timestamp: at, window: TOTP_WINDOW });
  if (delta === null) return { ok: false };
  const step = Math.floor(at / 1000 / TOTP_PERIOD_SECONDS) + delta;
  if (lastStep !== null && step <= lastStep) return { ok: false };
  return { ok: true, step };
}
