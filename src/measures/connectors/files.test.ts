import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Worker } from "node:worker_threads";
import ipaddr from "ipaddr.js";
import { migratedDatabase, quietLog } from "../../../test/helpers.ts";
import type { DB } from "../../db/index.ts";
import type { CallPayload, CallSubject } from "../payload.ts";
import { type NullrouteConfig, NullrouteSchema, type RpzConfig, RpzSchema } from "./config.ts";
import {
  callFileConnector,
  MAX_ENTRIES_PER_CALL,
  nullrouteEntries,
  RPZ_END_MARK,
  renderNullroute,
  renderRpz,
  rpzEntries,
  rpzIpName,
  writeFileAtomic,
} from "./files.ts";

let env: Awaited<ReturnType<typeof migratedDatabase>>;
let db: DB;
let dir: string;
let actions: number[];

before(async () => {
  env = await migratedDatabase();
  db = env.conn.db;
  dir = mkdtempSync(path.join(tmpdir(), "abusedesk-files-"));
  await db
    .insertInto("brands")
    .values({
      id: "b",
      name: "B",
      country: "NL",
      time_zone: "Europe/Amsterdam",
      languages: ["nl"],
      policy_profile: "b",
    })
    .execute();
  const kase = await db
    .insertInto("cases")
    .values({
      brand_id: "b",
      customer_id: null,
      category: "phishing",
      kind: "abuse",
      subject_key: "*",
      facts: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const rows = await db
    .insertInto("actions")
    .values(
      [1, 2, 3].map(() => ({ case_id: kase.id, step: "block", state: "done", actor: "t", params: "{}" })),
    )
    .returning("id")
    .execute();
  actions = rows.map((r) => r.id);
});
after(async () => {
  await env.close();
  rmSync(dir, { recursive: true, force: true });
});

const rpz = (more: Record<string, unknown> = {}): RpzConfig =>
  RpzSchema.parse({
    id: "dns",
    type: "rpz",
    steps: ["block"],
    path: path.join(dir, "blocked.rpz"),
    zone: "rpz.abusedesk.test",
    ...more,
  });
const nullroute = (more: Record<string, unknown> = {}): NullrouteConfig =>
  NullrouteSchema.parse({
    id: "bh",
    type: "nullroute",
    steps: ["block"],
    path: path.join(dir, "blackhole.txt"),
    ...more,
  });

const call = (
  actionId: number,
  subjects: CallSubject[],
  undo = false,
  params: Record<string, unknown> = {},
) => {
  const payload: CallPayload = {
    id: `key-${actionId}-${undo}`,
    action_id: actionId,
    case_id: 1,
    brand: "b",
    step: "block",
    undo,
    customer: null,
    subjects,
    subjects_total: subjects.length,
    params,
    clause: null,
    requested_by: "t",
    approved_by: null,
    reason: null,
    order: null,
  };
  return { key: payload.id, body: JSON.stringify(payload), payload, attempt: 1 };
};

const checkZone = (file: string) =>
  spawnSync("named-checkzone", ["-q", "rpz.abusedesk.test", file], { encoding: "utf8" });

test("RPZ owner names: domains, URL hosts, and addresses as rpz-ip triggers", () => {
  assert.equal(rpzIpName("192.0.2.7"), "32.7.2.0.192.rpz-ip");
  assert.equal(rpzIpName("2001:db8::1"), "128.1.zz.db8.2001.rpz-ip");
  assert.equal(rpzIpName("2001:db8:0:1:0:0:0:5"), "128.5.zz.1.0.db8.2001.rpz-ip");
  assert.equal(rpzIpName("::ffff:198.51.100.3"), "32.3.100.51.198.rpz-ip");
  assert.deepEqual(
    rpzEntries([
      { kind: "url", value: "https://Phish.Example/login?x=1" },
      { kind: "domain", value: "phish.example" },
      { kind: "ip", value: "192.0.2.7" },
      { kind: "url", value: "http://[2001:db8::2]/x" },
      { kind: "email", value: "a@b.example" },
    ]),
    ["128.2.zz.db8.2001.rpz-ip", "32.7.2.0.192.rpz-ip", "phish.example"],
  );
  const many = Array.from({ length: MAX_ENTRIES_PER_CALL + 5 }, (_, i) => ({
    kind: "domain" as const,
    value: `d${i}.example`,
  }));
  assert.equal(rpzEntries(many).length, MAX_ENTRIES_PER_CALL);
});

test("null-route prefixes from addresses, URL hosts and params.prefixes, in every format", () => {
  const subjects: CallSubject[] = [
    { kind: "ip", value: "192.0.2.7" },
    { kind: "ip", value: "2001:db8::7" },
    { kind: "url", value: "http://198.51.100.4:8080/x" },
    { kind: "domain", value: "not-an-address.example" },
  ];
  assert.deepEqual(nullrouteEntries(subjects, "both", ["203.0.113.77/24", "bogus/99"]), [
    "192.0.2.7/32",
    "198.51.100.4/32",
    "2001:db8::7/128",
    "203.0.113.0/24",
  ]);
  assert.deepEqual(nullrouteEntries(subjects, "ipv6"), ["2001:db8::7/128"]);
  const list = ["192.0.2.7/32", "2001:db8::7/128"];
  assert.equal(renderNullroute(nullroute(), list), "192.0.2.7/32\n2001:db8::7/128\n");
  for (const line of renderNullroute(nullroute(), list).trim().split("\n"))
    assert.ok(ipaddr.isValidCIDR(line), line);
  assert.equal(
    renderNullroute(nullroute({ format: "exabgp", next_hop: "192.0.2.254" }), ["192.0.2.7/32"]),
    "announce route 192.0.2.7/32 next-hop 192.0.2.254 community [65535:666]\n",
  );
  assert.equal(
    renderNullroute(nullroute({ format: "bird", communities: ["65535:666", "64500:1"] }), ["192.0.2.7/32"]),
    "route 192.0.2.7/32 blackhole { bgp_community.add((65535,666)); bgp_community.add((64500,1)); };\n",
  );
  assert.equal(renderNullroute(nullroute(), []), "");
});

test("the RPZ connector keeps a valid zone: entries added, kept while another action needs them, removed on undo", async () => {
  const config = rpz({
    reload: [
      process.execPath,
      "-e",
      `require("fs").appendFileSync(${JSON.stringify(path.join(dir, "reloads"))}, "x")`,
    ],
  });
  const [a, b] = actions as [number, number];
  const first = await callFileConnector(
    config,
    call(a, [
      { kind: "url", value: "https://phish.example/login" },
      { kind: "ip", value: "192.0.2.7" },
    ]),
    { db, log: quietLog },
  );
  assert.ok(first.ok, JSON.stringify(first));
  let zone = readFileSync(config.path, "utf8");
  assert.equal(checkZone(config.path).status, 0, checkZone(config.path).stdout);
  assert.match(zone, /^phish\.example CNAME \.$/m);
  assert.match(zone, /^\*\.phish\.example CNAME \.$/m);
  assert.match(zone, /^32\.7\.2\.0\.192\.rpz-ip CNAME \.$/m);
  const serial = (z: string) => Number(/IN SOA \S+ \S+ (\d+) /.exec(z)?.[1]);
  const s1 = serial(zone);

  // The same call again (a retry) changes nothing but the serial; another action on the same name shares it.
  assert.ok(
    (
      await callFileConnector(config, call(a, [{ kind: "domain", value: "phish.example" }]), {
        db,
        log: quietLog,
      })
    ).ok,
  );
  assert.ok(
    (
      await callFileConnector(config, call(b, [{ kind: "domain", value: "phish.example" }]), {
        db,
        log: quietLog,
      })
    ).ok,
  );
  zone = readFileSync(config.path, "utf8");
  assert.equal(zone.match(/^phish\.example CNAME/gm)?.length, 1, "one record per name");
  assert.ok(serial(zone) > s1, "every write has a new, higher serial");
  assert.equal(checkZone(config.path).status, 0);

  const undoA = await callFileConnector(config, call(a, [], true), { db, log: quietLog });
  assert.ok(undoA.ok);
  zone = readFileSync(config.path, "utf8");
  assert.match(zone, /^phish\.example CNAME/m, "action b still blocks it");
  assert.doesNotMatch(zone, /rpz-ip/);
  assert.ok((await callFileConnector(config, call(b, [], true), { db, log: quietLog })).ok);
  zone = readFileSync(config.path, "utf8");
  assert.doesNotMatch(zone, /phish/);
  assert.match(zone, new RegExp(`${RPZ_END_MARK} \\(0 blocked\\)`));
  assert.equal(checkZone(config.path).status, 0);
  assert.equal(readFileSync(path.join(dir, "reloads"), "utf8"), "xxxxx", "reloaded after every write");

  const nothing = await callFileConnector(config, call(a, [{ kind: "email", value: "x@y.example" }]), {
    db,
    log: quietLog,
  });
  assert.ok(!nothing.ok && !nothing.retry);
  assert.match(nothing.error, /nothing to block in the zone/);
  const failingReload = await callFileConnector(
    rpz({ reload: [process.execPath, "-e", "process.exit(4)"] }),
    call(a, [{ kind: "domain", value: "x.example" }]),
    { db, log: quietLog },
  );
  assert.ok(!failingReload.ok && failingReload.retry);
  assert.match(
    failingReload.error,
    /added 1; 1 in the file, serial \d+, but the reload failed: .*exited with status 4/,
  );
});

test("the null-route connector writes one prefix a line and removes an action's prefixes on undo", async () => {
  const config = nullroute();
  const [, , c] = actions as [number, number, number];
  assert.ok(
    (
      await callFileConnector(
        config,
        call(c, [{ kind: "ip", value: "192.0.2.99" }], false, { prefixes: ["198.51.100.0/25"] }),
        { db, log: quietLog },
      )
    ).ok,
  );
  assert.equal(readFileSync(config.path, "utf8"), "192.0.2.99/32\n198.51.100.0/25\n");
  assert.ok((await callFileConnector(config, call(c, [], true), { db, log: quietLog })).ok);
  assert.equal(readFileSync(config.path, "utf8"), "");
  const none = await callFileConnector(config, call(c, [{ kind: "domain", value: "x.example" }]), {
    db,
    log: quietLog,
  });
  assert.ok(!none.ok && /nothing to null-route/.test(none.error));
});

test("a reader never sees half a file: a reader thread reads while the zone is rewritten 300 times", async () => {
  const file = path.join(dir, "atomic.rpz");
  const config = rpz({ path: file });
  await writeFileAtomic(file, renderRpz(config, 1, ["first.example"]));
  // A real second thread, reading the file as fast as it can, and checking every read is a whole zone.
  const reader = new Worker(
    `const { readFileSync } = require("node:fs");
     const { parentPort, workerData } = require("node:worker_threads");
     let reads = 0, torn = 0, stop = false;
     parentPort.on("message", () => { stop = true; });
     (function loop() {
       for (let i = 0; i < 200; i++) {
         const text = readFileSync(workerData.file, "utf8");
         reads++;
         const m = /; end of zone \\((\\d+) blocked\\)\\n$/.exec(text);
         const names = (text.match(/^[a-z0-9.-]+ CNAME \\.$/gm) || []).length;
         if (!m || Number(m[1]) !== names) torn++;
       }
       if (stop) parentPort.postMessage({ reads, torn }); else setImmediate(loop);
     })();`,
    { eval: true, workerData: { file } },
  );
  const result = new Promise<{ reads: number; torn: number }>((resolve) => reader.once("message", resolve));
  for (let i = 0; i < 300; i++) {
    const n = (i * 37) % 400;
    await writeFileAtomic(
      file,
      renderRpz(
        config,
        i + 2,
        Array.from({ length: n }, (_, k) => `host${k}.example`),
      ),
    );
  }
  reader.postMessage("stop");
  const { reads, torn } = await result;
  await reader.terminate();
  assert.ok(reads > 0);
  assert.equal(torn, 0, `${torn} of ${reads} reads saw a partial file`);
  assert.equal(checkZone(file).status, 0);
  assert.ok(!existsSync(`${file}.tmp`));
});

test("a broken path fails the call (to be retried) and leaves nothing behind", async () => {
  const config = rpz({ path: path.join(dir, "no-such-folder", "x.rpz") });
  const r = await callFileConnector(config, call(actions[2]!, [{ kind: "domain", value: "y.example" }]), {
    db,
    log: quietLog,
  });
  assert.ok(!r.ok && r.retry);
  assert.match(r.error, /writing .*x\.rpz failed/);
  const kept = await db
    .selectFrom("connector_entries")
    .selectAll()
    .where("entry", "=", "y.example")
    .execute();
  assert.equal(kept.length, 0, "the entry is rolled back with the failed write");
  writeFileSync(path.join(dir, "sentinel"), "");
});
