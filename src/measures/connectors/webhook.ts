/**
 * The webhook connector: POSTs the call's JSON with `Idempotency-Key: <id>` and
 * `X-Abusedesk-Signature: sha256=<hex HMAC-SHA256 of the body>`. A 2xx answer is done; anything else
 * (another status, a timeout, no connection, a redirect) is a failure that is retried.
 */
import { signatureOf } from "../payload.ts";
import type { WebhookConfig } from "./config.ts";
import type { CallOutcome, CallRequest } from "./types.ts";

/** At most this much of an answer is kept on the call (the rest is dropped unread). */
export const MAX_ANSWER_BYTES = 4096;

export async function callWebhook(config: WebhookConfig, request: CallRequest): Promise<CallOutcome> {
  const headers: Record<string, string> = {
    ...config.headers,
    "content-type": "application/json",
    "user-agent": "abusedesk",
    "idempotency-key": request.key,
    "x-abusedesk-signature": signatureOf(config.secret, request.body),
    "x-abusedesk-attempt": String(request.attempt),
  };
  let res: Response;
  try {
    res = await fetch(config.url, {
      method: "POST",
      headers,
      body: request.body,
      // A redirect of a POST becomes a GET elsewhere: never followed, counted as a failure.
      redirect: "manual",
      signal: AbortSignal.timeout(config.timeout_seconds * 1000),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === "TimeoutError"
        ? `no answer within ${config.timeout_seconds} s`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, retry: true, error: `the webhook ${config.url} could not be reached: ${why}` };
  }
  const answer = await readCapped(res, MAX_ANSWER_BYTES).catch(() => "");
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, answer };
  return {
    ok: false,
    retry: true,
    status: res.status,
    error: `the webhook answered ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`,
    answer,
  };
}

/** The first `max` bytes of the answer, as text; the rest is not read. */
export async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, max).toString("utf8");
}
