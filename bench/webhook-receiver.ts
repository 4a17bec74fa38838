/**
 * A connector's receiving end for `bench/measures.ts`, in a process of its own (a hosting panel is another
 * machine): answers 200, checks each signature, and on request reports what it got (action id, arrival
 * time, key, whether the signature held).
 */
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const secret = process.env.BENCH_SECRET ?? "";
const got: [number, number, string, boolean][] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const at = Date.now();
    const body = Buffer.concat(chunks).toString("utf8");
    const valid =
      req.headers["x-abusedesk-signature"] ===
      `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    got.push([
      (JSON.parse(body) as { action_id: number }).action_id,
      at,
      String(req.headers["idempotency-key"]),
      valid,
    ]);
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on("message", (m) => {
  if (m === "report") process.send?.({ got });
  if (m === "stop") server.close(() => process.exit(0));
});
