/** Passwords hashed with scrypt (memory-hard, in Node's own crypto), and random secrets. */
import { createHash, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } satisfies ScryptOptions;
const KEYLEN = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEYLEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url: the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64url"), key.toString("base64url")].join(
    "$",
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const key = await derive(password, Buffer.from(salt, "base64url"), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A one-time password a person can type: 4 groups of 4 from an alphabet without look-alikes. */
export function oneTimePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = randomBytes(16);
  let out = "";
  for (let i = 0; i < 16; i++) {
    if (i > 0 && i % 4 === 0) out += "-";
    out += alphabet[bytes[i]! % alphabet.length];
  }
  return out;
}

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/** Tokens and session ids are stored only as their SHA-256. */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** The shortest password a person may choose: long beats clever (a passphrase of four words is longer). */
export const MIN_PASSWORD_LENGTH = 12;
/** The longest: scrypt's input is bounded, and no one types more. */
export const MAX_PASSWORD_LENGTH = 1000;
/** A password needs at least this many different characters ("aaaaaaaaaaaa" is not one). */
export const MIN_DISTINCT_CHARACTERS = 5;

/**
 * Words that the first guesses of every attacker contain; a password that is one of them with digits or
 * signs added ("Password2026!") is refused. Short on purpose: the length rule does most of the work.
 */
const COMMON_WORDS = new Set([
  "password",
  "passw0rd",
  "wachtwoord",
  "motdepasse",
  "passwort",
  "qwerty",
  "qwertyuiop",
  "azerty",
  "azertyuiop",
  "asdfgh",
  "asdfghjkl",
  "zxcvbnm",
  "abcdef",
  "abcdefgh",
  "abcdefghijkl",
  "letmein",
  "welcome",
  "welkom",
  "bienvenue",
  "iloveyou",
  "admin",
  "administrator",
  "root",
  "changeme",
  "secret",
  "geheim",
  "abusedesk",
  "abuse",
  "monkey",
  "dragon",
  "football",
  "baseball",
  "sunshine",
  "princess",
  "master",
  "shadow",
  "superman",
  "trustno",
  "starwars",
  "whatever",
  "computer",
  "internet",
  "summer",
  "winter",
  "spring",
  "autumn",
  "zomer",
  "lente",
  "herfst",
  "hallo",
  "hello",
  "test",
  "testtest",
  "login",
  "user",
  "guest",
]);

export type Weakness = "short" | "long" | "variety" | "email" | "common";

/**
 * Why a new password is too weak, with a sentence a person can act on; undefined when it is fine. The
 * rule is kept simple and is the one the sign-in page explains: at least 12 characters, not the e-mail
 * address, not a well-known password.
 */
export function passwordWeakness(
  password: string,
  email: string,
): { code: Weakness; message: string } | undefined {
  const chars = [...password.normalize("NFKC")];
  if (chars.length < MIN_PASSWORD_LENGTH)
    return {
      code: "short",
      message: `the password has ${chars.length} characters; choose one of at least ${MIN_PASSWORD_LENGTH} (a few words in a row are easy to remember)`,
    };
  if (chars.length > MAX_PASSWORD_LENGTH)
    return {
      code: "long",
      message: `the password is longer than ${MAX_PASSWORD_LENGTH} characters; choose a shorter one`,
    };
  if (new Set(chars.map((c) => c.toLowerCase())).size < MIN_DISTINCT_CHARACTERS)
    return {
      code: "variety",
      message: "the password repeats too few characters; choose one with more variety, such as a few words",
    };
  const lower = password.toLowerCase();
  const address = email.trim().toLowerCase();
  const local = address.split("@")[0] ?? "";
  if (address && (lower.includes(address) || (local.length >= 4 && lower.includes(local))))
    return {
      code: "email",
      message: "the password contains your e-mail address or its name; choose one that does not",
    };
  const letters = lower.replace(/[^\p{L}]/gu, "");
  const digits = lower.replace(/[^0-9]/g, "");
  if (COMMON_WORDS.has(letters) || (letters.length === 0 && isRun(digits)))
    return {
      code: "common",
      message:
        "the password is a well-known one with digits or signs added; choose another, such as a few unrelated words",
    };
  return undefined;
}

/** Only digits, all the same step apart ("123456789012", "987654321098"). */
function isRun(digits: string): boolean {
  if (digits.length < 4) return false;
  const step = (digits.charCodeAt(1) - digits.charCodeAt(0) + 10) % 10;
  for (let i = 2; i < digits.length; i++)
    if ((digits.charCodeAt(i) - digits.charCodeAt(i - 1) + 10) % 10 !== step) return false;
  return true;
}
