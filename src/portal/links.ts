/**
 * Portal links: a random token of 256 bits in the URL, of which the desk keeps only the SHA-256, scoped to
 * one customer (or one report, for a reporter), expiring, and revocable. The token itself exists only in
 * the message that carried it, and is masked there once the message is sent.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.ts";
import { insertPortalToken } from "./portal.store.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** Random bytes in a link: 256 bits (at least 128 are asked for). */
export const TOKEN_BYTES = 32;
/** The path a link opens; what follows is the token. */
export const LINK_PATH = "/portal/t/";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function newToken(): { token: string; hash: string } {
  const token = randomBytes(TOKEN_BYTES).toString("base64url");
  return { token, hash: hashToken(token) };
}

/** A token as it appears in a link: base64url of TOKEN_BYTES bytes. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface LinkRequest {
  publicUrl: string;
  kind: "customer" | "reporter";
  brandId: string;
  customerId?: string | null;
  reportId?: number | null;
  /** The message the link was made for; null for one shown on a page (the notice form's answer). */
  messageId: number | null;
  language: string;
  days: number;
  now?: Date;
}

/** A new link: the URL for the message, and the row to store (the token's hash, never the token). */
export function planPortalLink(l: LinkRequest): {
  url: string;
  row: Parameters<typeof insertPortalToken>[1];
} {
  const { token, hash } = newToken();
  const now = l.now ?? new Date();
  return {
    url: `${l.publicUrl}${LINK_PATH}${token}`,
    row: {
      hash,
      kind: l.kind,
      brandId: l.brandId,
      customerId: l.customerId ?? null,
      reportId: l.reportId ?? null,
      messageId: l.messageId,
      language: l.language,
      expiresAt: new Date(now.getTime() + l.days * 24 * 3600 * 1000),
    },
  };
}

/** Makes a link and stores its hash; answers the URL to put in the message. */
export async function createPortalLink(trx: Db, l: LinkRequest): Promise<string> {
  const { url, row } = planPortalLink(l);
  await insertPortalToken(trx, row);
  return url;
}

/** Replaces the tokens of portal links in a text with "…", for what is shown or kept after sending. */
export function maskLinks(text: string): string {
  return text.replace(/(\/portal\/t\/)[A-Za-z0-9_-]{20,}/g, "$1…");
}
