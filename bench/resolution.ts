/**
 * Resolution benchmark (issue 4): 1,000,000 IP assignments, IPv4 and IPv6 mixed, some prefixes
 * re-assigned over time and nested inside the provider's ranges; then millions of lookups at random
 * times. Prints build time, memory, resolutions/s and latency per batch.
 *
 *   node --import tsx bench/resolution.ts [--assignments N] [--lookups N]
 *   node --expose-gc --import tsx bench/resolution.ts     (more exact memory figures)
 */
import { pathToFileURL } from "node:url";
import { buildResolutionIndex } from "../src/resolution/match.ts";
import type { Assignment } from "../src/resolution/types.ts";

export interface ResolutionBenchOptions {
  assignments?: number;
  lookups?: number;
  batch?: number;
  log?: (line: string) => void;
}

export interface ResolutionBenchResult {
  assignments: number;
  ipv4Prefixes: number;
  ipv6Prefixes: number;
  generateMs: number;
  buildMs: number;
  /** Heap and array buffers the index holds once the input assignments are dropped. */
  indexBytes: number;
  indexTypedArrayBytes: number;
  rssBytes: number;
  /** The allocation-free lookup (`ipAssignmentAt`) and the full answer object (`resolveIp`). */
  lookupsPerSecond: number;
  resolvesPerSecond: number;
  /** Lookups per second of CPU time the process got: the figure to read on a shared, busy machine. */
  lookupsPerCpuSecond: number;
  batches: Array<{
    lookups: number;
    perSecond: number;
    perCpuSecond: number;
    p50Micros: number;
    p99Micros: number;
  }>;
  matchedShare: number;
}

/** A small, fast, seeded generator, so every run measures the same inventory. */
function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const START = Date.UTC(2020, 0, 1);
const SPAN_DAYS = 6 * 365;

function v4text(n: number, len: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${len}`;
}

/**
 * The inventory: 70% IPv4 (customer /24../32 inside 512 provider /16s, each provider /16 itself
 * assigned to the provider), 30% IPv6 (/48 and /56 inside provider /32s); about 20% of the customer
 * prefixes were re-assigned once or twice, so they carry history.
 */
function generate(total: number, random: () => number): { list: Assignment[]; v4: number[]; v6: string[] } {
  const list: Assignment[] = [];
  const v4Bases: number[] = [];
  const v6Bases: number[] = [];
  for (let i = 0; i < 512; i++) {
    const base = ((16 + Math.floor(random() * 200)) * 16777216 + Math.floor(random() * 256) * 65536) >>> 0;
    v4Bases.push(base);
    list.push(assignment(list.length, "provider", v4text(base, 16), START, null));
  }
  for (let i = 0; i < 64; i++) {
    const base = 0x20010000 + Math.floor(random() * 0xffff);
    v6Bases.push(base);
    list.push(
      assignment(
        list.length,
        "provider",
        `${(base >>> 16).toString(16)}:${(base & 0xffff).toString(16)}::/32`,
        START,
        null,
      ),
    );
  }
  const v4Samples: number[] = [];
  const v6Samples: string[] = [];
  // about four resources per customer
  const customers = Math.max(1, Math.floor(total / 4));
  while (list.length < total) {
    const history = random() < 0.2 ? 1 + Math.floor(random() * 2) : 0;
    let value: string;
    if (random() < 0.7) {
      const len = 24 + Math.floor(random() * 9);
      const base = v4Bases[Math.floor(random() * v4Bases.length)]!;
      const net = (base + ((Math.floor(random() * 65536) >> (32 - len)) << (32 - len))) >>> 0;
      value = v4text(net, len);
      v4Samples.push(net + Math.floor(random() * 2 ** (32 - len)));
    } else {
      const base = v6Bases[Math.floor(random() * v6Bases.length)]!;
      const site = Math.floor(random() * 0xffff);
      const long = random() < 0.5;
      const sub = long ? Math.floor(random() * 256) * 256 : 0;
      const head = `${(base >>> 16).toString(16)}:${(base & 0xffff).toString(16)}:${site.toString(16)}`;
      value = long ? `${head}:${sub.toString(16)}::/56` : `${head}::/48`;
      v6Samples.push(
        `${head}:${(sub + Math.floor(random() * 256)).toString(16)}:${Math.floor(random() * 0xffff).toString(16)}::1`,
      );
    }
    // a prefix passes from customer to customer: consecutive periods, the last one open
    let from = START + Math.floor(random() * 365) * DAY;
    for (let h = 0; h <= history && list.length < total; h++) {
      const last = h === history;
      const to = last ? null : from + (30 + Math.floor(random() * 700)) * DAY;
      list.push(assignment(list.length, `cust-${Math.floor(random() * customers)}`, value, from, to));
      if (to !== null) from = to;
    }
  }
  return { list, v4: v4Samples, v6: v6Samples };
}

function assignment(
  i: number,
  customerId: string,
  value: string,
  from: number,
  to: number | null,
): Assignment {
  return {
    id: String(i),
    customerId,
    kind: "ip",
    value,
    validFrom: new Date(from),
    validTo: to === null ? null : new Date(to),
  };
}

function memory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

export async function main(options: ResolutionBenchOptions = {}): Promise<ResolutionBenchResult> {
  const total = options.assignments ?? 1_000_000;
  const lookups = options.lookups ?? 5_000_000;
  const batch = options.batch ?? 1_000_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const SEED = 20260601;

  // The queries: 80% inside assigned prefixes (v4:v6 = 7:3), 20% anywhere (mostly not ours); times
  // spread over six years so that history decides. Drawn from a first run of the generator, so that the
  // inventory itself can be measured alone below (the generator is seeded: the second run is the same).
  let t0 = performance.now();
  const pool = 1 << 20;
  const queries: string[] = new Array(pool);
  const times = new Float64Array(pool);
  {
    const { v4, v6 } = generate(total, makeRandom(SEED));
    const random = makeRandom(SEED + 1);
    for (let i = 0; i < pool; i++) {
      const r = random();
      if (r < 0.56) queries[i] = v4text(v4[Math.floor(random() * v4.length)]!, 32).slice(0, -3);
      else if (r < 0.8) queries[i] = v6[Math.floor(random() * v6.length)]!;
      else if (r < 0.95) queries[i] = v4text(Math.floor(random() * 4294967296), 32).slice(0, -3);
      else
        queries[i] =
          `2001:${Math.floor(random() * 0xffff).toString(16)}::${Math.floor(random() * 0xffff).toString(16)}`;
      times[i] = START + random() * SPAN_DAYS * DAY;
    }
  }
  const m0 = memory();
  let list: Assignment[] = generate(total, makeRandom(SEED)).list;
  const generateMs = performance.now() - t0;
  const m1 = memory();

  t0 = performance.now();
  const index = buildResolutionIndex(list);
  const buildMs = performance.now() - t0;
  const m2 = memory();
  list = [];
  const m3 = memory();
  const used = (m: NodeJS.MemoryUsage) => m.heapUsed + m.arrayBuffers;
  const stats = index.stats();
  log(
    `resolution: ${stats.assignments.toLocaleString("en")} assignments (${stats.ipv4Prefixes.toLocaleString("en")} IPv4 + ` +
      `${stats.ipv6Prefixes.toLocaleString("en")} IPv6 prefixes, ${stats.customers.toLocaleString("en")} customers), ` +
      `generated in ${generateMs.toFixed(0)} ms; the input objects take ${mb(used(m1) - used(m0))}`,
  );
  log(
    `resolution: index built in ${buildMs.toFixed(0)} ms; it holds ${mb(used(m3) - used(m0))} once the input is ` +
      `dropped (typed arrays ${mb(stats.typedArrayBytes)}, the rest ids, values and customer ids); ` +
      `peak while building with the input held +${mb(used(m2) - used(m1))}; RSS ${mb(m3.rss)}`,
  );

  // warm up, so that the optimising compiler has seen the lookup path
  let matched = 0;
  for (let i = 0; i < 200_000; i++)
    if (index.ipAssignmentAt(queries[i & (pool - 1)]!, times[i & (pool - 1)]!) !== null) matched++;

  const batches: ResolutionBenchResult["batches"] = [];
  let done = 0;
  let elapsed = 0;
  let cpuElapsed = 0;
  matched = 0;
  const latency = new Float64Array(100_000);
  while (done < lookups) {
    const n = Math.min(batch, lookups - done);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const k = (done + i) & (pool - 1);
      if (index.ipAssignmentAt(queries[k]!, times[k]!) !== null) matched++;
    }
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    elapsed += ms;
    cpuElapsed += cpuMs;
    // latency of single lookups, timed one by one on a sample (includes ~0.05 µs of timer overhead)
    for (let i = 0; i < latency.length; i++) {
      const k = (done + i * 7) & (pool - 1);
      const s = performance.now();
      index.ipAssignmentAt(queries[k]!, times[k]!);
      latency[i] = (performance.now() - s) * 1000;
    }
    latency.sort();
    const row = {
      lookups: n,
      perSecond: (n / ms) * 1000,
      perCpuSecond: (n / cpuMs) * 1000,
      p50Micros: quantile(latency, 0.5),
      p99Micros: quantile(latency, 0.99),
    };
    batches.push(row);
    log(
      `resolution: batch ${batches.length}: ${n.toLocaleString("en")} lookups, ${Math.round(row.perSecond).toLocaleString("en")}/s ` +
        `(${Math.round(row.perCpuSecond).toLocaleString("en")} per CPU-second), ` +
        `p50 ${row.p50Micros.toFixed(2)} µs, p99 ${row.p99Micros.toFixed(2)} µs`,
    );
    done += n;
  }
  const lookupsPerSecond = (done / elapsed) * 1000;
  const lookupsPerCpuSecond = (done / cpuElapsed) * 1000;

  // the same with the full answer object, as the intake pipeline uses it
  const resolveCount = Math.min(lookups, 2_000_000);
  const start = performance.now();
  let objects = 0;
  for (let i = 0; i < resolveCount; i++) {
    const k = i & (pool - 1);
    if (index.resolveIp(queries[k]!, times[k]!).resolution === "matched") objects++;
  }
  const resolvesPerSecond = (resolveCount / (performance.now() - start)) * 1000;
  log(
    `resolution: total ${Math.round(lookupsPerSecond).toLocaleString("en")} lookups/s (id only; ` +
      `${Math.round(lookupsPerCpuSecond).toLocaleString("en")} per CPU-second), ` +
      `${Math.round(resolvesPerSecond).toLocaleString("en")} resolutions/s (answer object); ` +
      `${((matched / done) * 100).toFixed(1)}% matched; RSS ${mb(process.memoryUsage().rss)}`,
  );
  void objects;
  return {
    assignments: stats.assignments,
    ipv4Prefixes: stats.ipv4Prefixes,
    ipv6Prefixes: stats.ipv6Prefixes,
    generateMs,
    buildMs,
    indexBytes: used(m3) - used(m0),
    indexTypedArrayBytes: stats.typedArrayBytes,
    rssBytes: process.memoryUsage().rss,
    lookupsPerSecond,
    lookupsPerCpuSecond,
    resolvesPerSecond,
    batches,
    matchedShare: matched / done,
  };
}

function flag(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main({ assignments: flag("--assignments"), lookups: flag("--lookups") });
}
