import type { History } from "./history.ts";
import { wordMask } from "./ip.ts";

/** Fan-out of the search tree: 16 IPv4 starts are one 64-byte cache line. */
const F = 16;

/**
 * A time-aware longest-prefix table for one address family: W = 1 word (IPv4) or 4 words (IPv6).
 *
 * Every distinct prefix is a *node* with the list of its assignments over time (see History). Prefixes
 * are either nested or disjoint, so the nodes that contain an address form one chain, from the longest to
 * the shortest; each node points at the next shorter one containing it (its parent).
 *
 * `compile` cuts the address space into intervals at every prefix start and end+1 and records, per
 * interval, the longest node covering it. A lookup finds the interval in a static search tree over the
 * interval starts (fan-out 16, the upper levels stay in the CPU cache, about one cache miss for the
 * bottom), then walks up the chain until a node has an assignment valid at the time asked. Each node
 * caches its newest assignment's period next to its parent link, so the common case (the newest
 * assignment of the longest prefix) costs one more cache miss. No hashing, no allocation. The walk is
 * what makes nesting and history work together: a /29 with nobody on it at that time falls back to the
 * provider's /24.
 *
 * Prefixes added after `compile` wait in a hash map keyed by (length, network) and are probed by length;
 * when that overlay grows past a share of the table it is compiled in.
 */
export class PrefixTable {
  private readonly W: number;
  private readonly bits: number;
  nodeCount = 0;
  private nodeWords: Uint32Array;
  private nodeLen: Uint8Array;
  /** Per node: [newest slot's validFrom, its validTo, newest slot, parent node or -1]. */
  private rec: Float64Array;

  /** Bottom level: per interval its start words and its node + 1 (0: no prefix covers it). */
  private iv = new Uint32Array(0);
  private ivCount = 0;
  /** Upper levels, bottom-up: every F-th start of the level below. */
  private levels: Uint32Array[] = [];
  private levelCounts: number[] = [];

  /** Nodes not yet compiled in: key (see `deltaKey`) → node, and their lengths, longest first. */
  private readonly delta = new Map<number | string, number>();
  private inOrder = true;
  private deltaLens: number[] = [];

  private readonly scratch: Uint32Array;
  private readonly scratch2: Uint32Array;

  constructor(
    private readonly history: History,
    version: 4 | 6,
  ) {
    this.W = version === 4 ? 1 : 4;
    this.bits = this.W * 32;
    this.nodeWords = new Uint32Array(256 * this.W);
    this.nodeLen = new Uint8Array(256);
    this.rec = new Float64Array(256 * 4);
    this.scratch = new Uint32Array(4);
    this.scratch2 = new Uint32Array(4);
  }

  get pendingCount(): number {
    return this.delta.size;
  }

  /**
   * Loads many assignments at once and compiles: `words` holds W words per entry, `lens` the prefix
   * length and `slots` the History slot of each entry. The table must be empty.
   */
  bulkLoad(words: Uint32Array, lens: Uint8Array, slots: Int32Array, count: number): void {
    const W = this.W;
    const period = this.history.period;
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    order.sort((a, b) => {
      for (let k = 0; k < W; k++) {
        const d = words[a * W + k]! - words[b * W + k]!;
        if (d !== 0) return d;
      }
      return lens[a]! - lens[b]! || period[2 * slots[b]!]! - period[2 * slots[a]!]!;
    });
    this.ensureNodes(count);
    const next = this.history.next;
    let tail = -1;
    for (let i = 0; i < count; i++) {
      const e = order[i]!;
      const slot = slots[e]!;
      const last = this.nodeCount - 1;
      if (last >= 0 && this.nodeLen[last] === lens[e] && this.sameWords(last, words, e * W)) {
        // same prefix, older assignment: sorted newest first, so it goes at the tail
        next[tail] = slot;
        next[slot] = -1;
        this.history.owner[slot] = last;
      } else {
        const n = this.nodeCount++;
        for (let k = 0; k < W; k++) this.nodeWords[n * W + k] = words[e * W + k]!;
        this.nodeLen[n] = lens[e]!;
        next[slot] = -1;
        this.setHead(n, slot);
      }
      tail = slot;
    }
    this.compile();
  }

  /** Adds one assignment of `words/len`, held in History slot `slot`. */
  add(words: ArrayLike<number>, len: number, slot: number): void {
    const existing = this.findNode(words, len);
    if (existing >= 0) {
      this.history.owner[slot] = existing;
      this.setHead(existing, this.history.link(this.rec[existing * 4 + 2]!, slot));
      return;
    }
    this.ensureNodes(this.nodeCount + 1);
    const n = this.nodeCount++;
    for (let k = 0; k < this.W; k++) this.nodeWords[n * this.W + k] = words[k]!;
    this.nodeLen[n] = len;
    this.history.next[slot] = -1;
    this.setHead(n, slot);
    this.rec[n * 4 + 3] = -1;
    this.delta.set(this.deltaKey(words, len), n);
    this.inOrder = false;
    if (!this.deltaLens.includes(len)) this.deltaLens = [...this.deltaLens, len].sort((a, b) => b - a);
    // Probing the overlay costs one hash lookup per length; fold it in before that adds up.
    if (this.delta.size > 4096 && this.delta.size * 32 > this.nodeCount) this.compile();
  }

  /** After a slot's validTo changed: keeps its node's cached period current. */
  refresh(slot: number): void {
    const node = this.history.owner[slot]!;
    if (node >= 0 && this.rec[node * 4 + 2] === slot) this.setHead(node, slot);
  }

  /** The slot valid at `at` of the longest IPv4 prefix holding `addr` (uint32), or -1. */
  lookup4(addr: number, at: number): number {
    const found = this.search4(addr);
    const node = found < 0 ? -1 : this.iv[found * 2 + 1]! - 1;
    const slot = this.walk(node, at);
    if (this.delta.size > 0) {
      this.scratch[0] = addr;
      return this.lookupDelta(this.scratch, at, slot);
    }
    return slot;
  }

  /** The slot valid at `at` of the longest IPv6 prefix holding the four words `addr`, or -1. */
  lookup6(addr: Uint32Array, at: number): number {
    const found = this.search6(addr[0]!, addr[1]!, addr[2]!, addr[3]!);
    const node = found < 0 ? -1 : this.iv[found * 5 + 4]! - 1;
    const slot = this.walk(node, at);
    if (this.delta.size > 0) return this.lookupDelta(addr, at, slot);
    return slot;
  }

  bytes(): number {
    let levels = 0;
    for (const level of this.levels) levels += level.byteLength;
    return (
      this.nodeWords.byteLength + this.nodeLen.byteLength + this.rec.byteLength + this.iv.byteLength + levels
    );
  }

  /**
   * Rebuilds parents and intervals from all nodes (including the overlay). Nodes sorted by network, then
   * shorter first, are walked with a stack of the prefixes that contain the current one.
   */
  compile(): void {
    const W = this.W;
    const n = this.nodeCount;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    // bulkLoad makes nodes in address order; once `add` has appended one, they must be sorted
    if (!this.inOrder) order.sort((a, b) => this.compareNodes(a, b));
    this.delta.clear();
    this.deltaLens = [];

    this.iv = new Uint32Array((2 * n + 1) * (W + 1));
    this.ivCount = 0;
    const stack = new Int32Array(this.bits + 2);
    let depth = 0;
    const next = this.scratch2;
    for (let i = 0; i < n; i++) {
      const node = order[i]!;
      while (depth > 0 && !this.contains(stack[depth - 1]!, node)) {
        const popped = stack[--depth]!;
        if (this.endPlusOne(popped, next)) this.emit(next, 0, depth > 0 ? stack[depth - 1]! : -1);
      }
      this.rec[node * 4 + 3] = depth > 0 ? stack[depth - 1]! : -1;
      this.emit(this.nodeWords, node * W, node);
      stack[depth++] = node;
    }
    while (depth > 0) {
      const popped = stack[--depth]!;
      if (this.endPlusOne(popped, next)) this.emit(next, 0, depth > 0 ? stack[depth - 1]! : -1);
    }

    this.levels = [];
    this.levelCounts = [];
    let below = this.iv;
    let stride = W + 1;
    let count = this.ivCount;
    while (count > F) {
      const m = Math.ceil(count / F);
      const level = new Uint32Array(m * W);
      for (let i = 0; i < m; i++) for (let k = 0; k < W; k++) level[i * W + k] = below[i * F * stride + k]!;
      this.levels.push(level);
      this.levelCounts.push(m);
      below = level;
      stride = W;
      count = m;
    }
  }

  /** Index of the last interval starting at or before `addr`, or -1. */
  private search4(addr: number): number {
    const pos = this.upper4(addr);
    return pos < 0 ? -1 : this.bottom4(pos, addr);
  }

  private search6(a0: number, a1: number, a2: number, a3: number): number {
    const pos = this.upper6(a0, a1, a2, a3);
    return pos < 0 ? -1 : this.bottom6(pos, a0, a1, a2, a3);
  }

  /** Through the upper levels: the first interval of the bottom block to search, or -1. */
  private upper4(addr: number): number {
    let pos = 0;
    for (let k = this.levels.length - 1; k >= 0; k--) {
      const level = this.levels[k]!;
      const end = Math.min(pos + F, this.levelCounts[k]!);
      let j = pos;
      if (level[j]! > addr) return -1;
      while (j + 1 < end && level[j + 1]! <= addr) j++;
      pos = j * F;
    }
    return pos < this.ivCount ? pos : -1;
  }

  private bottom4(pos: number, addr: number): number {
    const iv = this.iv;
    const end = Math.min(pos + F, this.ivCount);
    let j = pos;
    if (iv[j * 2]! > addr) return -1;
    while (j + 1 < end && iv[(j + 1) * 2]! <= addr) j++;
    return j;
  }

  private upper6(a0: number, a1: number, a2: number, a3: number): number {
    let pos = 0;
    for (let k = this.levels.length - 1; k >= 0; k--) {
      const level = this.levels[k]!;
      const end = Math.min(pos + F, this.levelCounts[k]!);
      let j = pos;
      if (!atOrBefore(level, j * 4, a0, a1, a2, a3)) return -1;
      while (j + 1 < end && atOrBefore(level, (j + 1) * 4, a0, a1, a2, a3)) j++;
      pos = j * F;
    }
    return pos < this.ivCount ? pos : -1;
  }

  private bottom6(pos: number, a0: number, a1: number, a2: number, a3: number): number {
    const iv = this.iv;
    const end = Math.min(pos + F, this.ivCount);
    let j = pos;
    if (!atOrBefore(iv, j * 5, a0, a1, a2, a3)) return -1;
    while (j + 1 < end && atOrBefore(iv, (j + 1) * 5, a0, a1, a2, a3)) j++;
    return j;
  }

  /** From the longest node up its chain: the first slot valid at `at`, or -1. */
  private walk(node: number, at: number): number {
    const rec = this.rec;
    while (node >= 0) {
      const r = node * 4;
      if (rec[r]! <= at && at < rec[r + 1]!) return rec[r + 2]!;
      const older = this.history.next[rec[r + 2]!]!;
      if (older >= 0) {
        const slot = this.history.validAt(older, at);
        if (slot >= 0) return slot;
      }
      node = rec[r + 3]!;
    }
    return -1;
  }

  private setHead(node: number, slot: number): void {
    const r = node * 4;
    this.rec[r] = this.history.from(slot);
    this.rec[r + 1] = this.history.to(slot);
    this.rec[r + 2] = slot;
    this.history.owner[slot] = node;
  }

  private emit(words: Uint32Array, offset: number, node: number): void {
    const W = this.W;
    const S = W + 1;
    const last = this.ivCount - 1;
    if (last >= 0) {
      let same = true;
      for (let k = 0; k < W; k++) {
        if (this.iv[last * S + k] !== words[offset + k]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.iv[last * S + W] = node + 1;
        return;
      }
    }
    for (let k = 0; k < W; k++) this.iv[this.ivCount * S + k] = words[offset + k]!;
    this.iv[this.ivCount++ * S + W] = node + 1;
  }

  /** Whether node `a`'s prefix contains node `b`'s network address. */
  private contains(a: number, b: number): boolean {
    const W = this.W;
    const len = this.nodeLen[a]!;
    for (let k = 0; k < W; k++) {
      const m = wordMask(len - 32 * k);
      if ((this.nodeWords[b * W + k]! & m) >>> 0 !== this.nodeWords[a * W + k]) return false;
    }
    return true;
  }

  /** Writes the first address after node's prefix; false when the prefix runs to the end of the space. */
  private endPlusOne(node: number, out: Uint32Array): boolean {
    const W = this.W;
    const len = this.nodeLen[node]!;
    for (let k = 0; k < W; k++) out[k] = (this.nodeWords[node * W + k]! | ~wordMask(len - 32 * k)) >>> 0;
    for (let k = W - 1; k >= 0; k--) {
      if (out[k] !== 0xffffffff) {
        out[k] = out[k]! + 1;
        return true;
      }
      out[k] = 0;
    }
    return false;
  }

  private compareNodes(a: number, b: number): number {
    const W = this.W;
    for (let k = 0; k < W; k++) {
      const d = this.nodeWords[a * W + k]! - this.nodeWords[b * W + k]!;
      if (d !== 0) return d;
    }
    return this.nodeLen[a]! - this.nodeLen[b]!;
  }

  private sameWords(node: number, words: ArrayLike<number>, offset: number): boolean {
    for (let k = 0; k < this.W; k++)
      if (this.nodeWords[node * this.W + k] !== words[offset + k]) return false;
    return true;
  }

  private deltaKey(words: ArrayLike<number>, len: number): number | string {
    // IPv4: network * 64 + length stays below 2^38, exact in a double
    return this.W === 1 ? words[0]! * 64 + len : `${len}/${words[0]},${words[1]},${words[2]},${words[3]}`;
  }

  /** The node for exactly `words/len`, if any: it contains `words`, so it is on that address's chain. */
  private findNode(words: ArrayLike<number>, len: number): number {
    const pending = this.delta.get(this.deltaKey(words, len));
    if (pending !== undefined) return pending;
    const found =
      this.W === 1 ? this.search4(words[0]!) : this.search6(words[0]!, words[1]!, words[2]!, words[3]!);
    let node = found < 0 ? -1 : this.iv[found * (this.W + 1) + this.W]! - 1;
    while (node >= 0 && this.nodeLen[node]! > len) node = this.rec[node * 4 + 3]!;
    if (node >= 0 && this.nodeLen[node] === len && this.sameWords(node, words, 0)) return node;
    return -1;
  }

  /** Probes the overlay for a prefix longer than the compiled match `slot`. */
  private lookupDelta(addr: Uint32Array, at: number, slot: number): number {
    const bestLen = slot >= 0 ? this.nodeLen[this.history.owner[slot]!]! : -1;
    const masked = this.scratch2;
    for (const len of this.deltaLens) {
      if (len <= bestLen) break;
      for (let k = 0; k < this.W; k++) masked[k] = (addr[k]! & wordMask(len - 32 * k)) >>> 0;
      const candidate = this.delta.get(this.deltaKey(masked, len));
      if (candidate === undefined) continue;
      const s = this.history.validAt(this.rec[candidate * 4 + 2]!, at);
      if (s >= 0) return s;
    }
    return slot;
  }

  private ensureNodes(capacity: number): void {
    if (capacity <= this.nodeLen.length) return;
    const size = Math.max(capacity, this.nodeLen.length * 2);
    const words = new Uint32Array(size * this.W);
    words.set(this.nodeWords);
    this.nodeWords = words;
    const len = new Uint8Array(size);
    len.set(this.nodeLen);
    this.nodeLen = len;
    const rec = new Float64Array(size * 4);
    rec.set(this.rec);
    this.rec = rec;
  }
}

/** Whether the 128-bit value at arr[base..base+3] is at or before (a0, a1, a2, a3). */
function atOrBefore(arr: Uint32Array, base: number, a0: number, a1: number, a2: number, a3: number): boolean {
  const s0 = arr[base]!;
  if (s0 !== a0) return s0 < a0;
  const s1 = arr[base + 1]!;
  if (s1 !== a1) return s1 < a1;
  const s2 = arr[base + 2]!;
  if (s2 !== a2) return s2 < a2;
  return arr[base + 3]! <= a3;
}
