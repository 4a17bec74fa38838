/**
 * The console's client of the public API: the same routes a script uses (no private back door), typed from
 * the API's OpenAPI document (api.gen.ts). Signed in by the session cookie; every change carries the
 * session's CSRF token in X-CSRF-Token, read from the cookie the sign-in set.
 */
import { QueryClient } from "@tanstack/react-query";
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./api.gen.ts";

export type { components, paths };
export type CaseListItem =
  paths["/api/v1/cases"]["get"]["responses"]["200"]["content"]["application/json"]["items"][number];
export type CaseView = paths["/api/v1/cases/{id}"]["get"]["responses"]["200"]["content"]["application/json"];
export type Me = paths["/api/v1/me"]["get"]["responses"]["200"]["content"]["application/json"];
export type CaseQuery = NonNullable<paths["/api/v1/cases"]["get"]["parameters"]["query"]>;

/** The session's CSRF token, from the cookie the sign-in set (sent back in X-CSRF-Token or a form field). */
export function csrfToken(): string {
  const m = /(?:^|;\s*)abusedesk_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : "";
}

/** An answer of the API that was not 2xx: its status and the message the API gave (shown as it is). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const session: Middleware = {
  onRequest({ request }) {
    // The API asks the console's every request, reads too, for the session's CSRF token.
    request.headers.set("x-csrf-token", csrfToken());
    return request;
  },
  async onResponse({ response }) {
    // The session ended (signed out elsewhere, expired): back to the sign-in page, then here again.
    if (response.status === 401) window.location.assign("/login");
    if (!response.ok) {
      const body = (await response
        .clone()
        .json()
        .catch(() => null)) as { message?: string } | null;
      throw new ApiError(response.status, body?.message ?? `${response.status} ${response.statusText}`);
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(session);

export const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: true } },
});

/**
 * POSTs a file as the body (an inventory CSV): routes that take a file declare no JSON body, so the typed
 * client does not send one. Answers the JSON, or throws the API's message with its `problems` listed.
 */
export async function postFile<T>(path: string, body: Blob | string, contentType: string): Promise<T> {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": contentType, "x-csrf-token": csrfToken() },
    body,
  });
  const answer = (await res.json().catch(() => null)) as
    | (T & { message?: string; problems?: { message: string }[] })
    | null;
  if (!res.ok) {
    const problems = answer?.problems?.map((p) => p.message) ?? [];
    throw new ApiError(
      res.status,
      [answer?.message ?? `${res.status} ${res.statusText}`, ...problems].join("\n"),
    );
  }
  return answer as T;
}

/** Downloads a file of the API (a raw report) as an attachment: fetched with the CSRF header, then saved. */
export async function downloadFromApi(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { "x-csrf-token": csrfToken() } });
  if (!res.ok) throw new ApiError(res.status, `${res.status} ${res.statusText}`);
  saveBlob(await res.blob(), filename);
}

/** Hands a blob to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Text of an error for a person: the API's own message where there is one. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
