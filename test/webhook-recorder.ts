/**
 * A real HTTP server on loopback that plays a connector's receiving end: it records every request it
 * gets, checks the signature itself (HMAC-SHA256 of the body with the shared secret, computed here with
 * node:crypto, not with abusedesk's code), and answers as the test tells it: a status, or never (the
 * request hangs, as a slow panel would). A key counts as delivered when a 2xx answer was sent for it.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  path: string;
  key: string | undefined;
  signature: string | undefined;
  signatureValid: boolean;
  attempt: string | undefined;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: the test asserts on the shape at run time
  json: any;
  status: number | "hang";
  at: number;
}

/** How to answer the n-th request (1-based) for this key on this path. */
export type Answer = (req: { path: string; key: string | undefined; nth: number }) => number | "hang";

export interface Recorder {
  url(path: string): string;
  requests: Recorded[];
  /** Keys answered with a 2xx at least once. */
  delivered(): Set<string>;
  /** Requests on one path. */
  on(path: string): Recorded[];
  answer: Answer;
  /** Resolves when `n` requests (on `path`, if given) have arrived. */
  waitFor(n: number, path?: string, ms?: number): Promise<Recorded[]>;
  close(): Promise<void>;
}

export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(body).digest("hex"));
  const got = Buffer.from(header.slice("sha256=".length));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export async function startRecorder(secret: string, answer: Answer = () => 200): Promise<Recorder> {
  const requests: Recorded[] = [];
  const hanging = new Set<ServerResponse>();
  const waiters = new Set<() => boolean>();
  const seen = new Map<string, number>();
  const recorder: Recorder = {
    url: (path) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    requests,
    delivered: () =>
      new Set(
        requests
          .filter((r) => typeof r.status === "number" && r.status >= 200 && r.status < 300)
          .map((r) => r.key ?? ""),
      ),
    on: (path) => requests.filter((r) => r.path === path),
    answer,
    waitFor(n, path, ms = 30_000) {
      const count = () => (path ? recorder.on(path) : requests).length;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the recorder got ${count()} of ${n} requests${path ? ` on ${path}` : ""}`)),
          ms,
        );
        const check = () => {
          if (count() >= n) {
            clearTimeout(timer);
            resolve(path ? recorder.on(path) : [...requests]);
            return true;
          }
          return false;
        };
        if (!check()) waiters.add(check);
      });
    },
    async close() {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      const key = req.headers["idempotency-key"] as string | undefined;
      const signature = req.headers["x-abusedesk-signature"] as string | undefined;
      const slot = `${path} ${key}`;
      const nth = (seen.get(slot) ?? 0) + 1;
      seen.set(slot, nth);
      const status = recorder.answer({ path, key, nth });
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      requests.push({
        path,
        key,
        signature,
        signatureValid: verifySignature(secret, body, signature),
        attempt: req.headers["x-abusedesk-attempt"] as string | undefined,
        body,
        json,
        status,
        at: Date.now(),
      });
      for (const w of [...waiters]) if (w()) waiters.delete(w);
      if (status === "hang") {
        hanging.add(res);
        return;
      }
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: status < 300, seen: nth }));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return recorder;
}
