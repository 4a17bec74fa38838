/**
 * The assignments the index holds, in struct-of-arrays form: one slot per assignment, with its period
 * as two float64 millisecond values side by side (one cache line holds both), so that the lookup path
 * compares numbers and touches no objects. Assignments of one resource (one prefix, one domain, ...)
 * form a list linked through `next`, newest `validFrom` first, so the first slot valid at a time is the
 * most recent assignment covering it.
 */
export class History {
  count = 0;
  /** [validFrom, validTo) per slot at 2*slot, 2*slot+1; validTo +Infinity while still assigned. */
  period = new Float64Array(2048);
  next = new Int32Array(1024);
  customer = new Int32Array(1024);
  /** The prefix-table node a slot belongs to (IP slots only), to refresh its cached head on `close`. */
  owner = new Int32Array(1024);
  /** A small number the caller gives each slot (the resource kind). */
  tag = new Uint8Array(1024);
  readonly ids: string[] = [];
  readonly values: string[] = [];
  readonly customers: string[] = [];
  private readonly customerIndex = new Map<string, number>();
  private idIndex: Map<string, number> | null = null;

  /** Takes one assignment; the slot is not yet in any list. */
  push(id: string, customerId: string, value: string, validFrom: number, validTo: number, tag = 0): number {
    const slot = this.count++;
    if (slot === this.next.length) this.grow(slot * 2);
    let customer = this.customerIndex.get(customerId);
    if (customer === undefined) {
      customer = this.customers.length;
      this.customers.push(customerId);
      this.customerIndex.set(customerId, customer);
    }
    this.period[2 * slot] = validFrom;
    this.period[2 * slot + 1] = validTo;
    this.next[slot] = -1;
    this.customer[slot] = customer;
    this.owner[slot] = -1;
    this.tag[slot] = tag;
    this.ids.push(id);
    this.values.push(value);
    this.idIndex?.set(id, slot);
    return slot;
  }

  from(slot: number): number {
    return this.period[2 * slot]!;
  }

  to(slot: number): number {
    return this.period[2 * slot + 1]!;
  }

  setTo(slot: number, validTo: number): void {
    this.period[2 * slot + 1] = validTo;
  }

  /** Inserts `slot` into the list starting at `head` (newest validFrom first); returns the new head. */
  link(head: number, slot: number): number {
    const from = this.from(slot);
    if (head < 0 || this.from(head) <= from) {
      this.next[slot] = head;
      return slot;
    }
    let prev = head;
    while (this.next[prev]! >= 0 && this.from(this.next[prev]!) > from) prev = this.next[prev]!;
    this.next[slot] = this.next[prev]!;
    this.next[prev] = slot;
    return head;
  }

  /** The first slot of the list valid at `at` (validFrom <= at < validTo), or -1. */
  validAt(head: number, at: number): number {
    const period = this.period;
    const next = this.next;
    for (let s = head; s >= 0; s = next[s]!) {
      if (period[2 * s]! <= at && at < period[2 * s + 1]!) return s;
    }
    return -1;
  }

  /** The slot of an assignment id; the map is made on first use so a read-only index does not pay for it. */
  slotOf(id: string): number {
    if (this.idIndex === null) {
      this.idIndex = new Map();
      for (let s = 0; s < this.count; s++) this.idIndex.set(this.ids[s]!, s);
    }
    return this.idIndex.get(id) ?? -1;
  }

  bytes(): number {
    return (
      this.period.byteLength +
      this.next.byteLength +
      this.customer.byteLength +
      this.owner.byteLength +
      this.tag.byteLength
    );
  }

  private grow(capacity: number): void {
    const period = new Float64Array(capacity * 2);
    period.set(this.period);
    this.period = period;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.next = grow(this.next);
    this.customer = grow(this.customer);
    this.owner = grow(this.owner);
    const tag = new Uint8Array(capacity);
    tag.set(this.tag);
    this.tag = tag;
  }
}
