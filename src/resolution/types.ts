/** The kinds of resource the inventory assigns to a customer (ARCHITECTURE.md, inventory CSV `kind`). */
export const RESOURCE_KINDS = ["ip", "domain", "url", "email", "phone"] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** One resource held by one customer for one period: [validFrom, validTo), validTo null = still held. */
export interface Assignment {
  id: string;
  customerId: string;
  kind: ResourceKind;
  /** `192.0.2.0/25`, `2001:db8::/32`, `example.nl`, `shop.example.nl/cart`, `info@example.nl`, `+31201234567`. */
  value: string;
  validFrom: Date;
  validTo: Date | null;
}

/** An address range the provider itself holds (its RIPE allocations), per brand. */
export interface ProviderRange {
  brand: string;
  /** CIDR, e.g. `192.0.2.0/24` or `2001:db8::/32`. */
  cidr: string;
}

/** The customer who held the subject at the time, and by which resource. */
export interface Matched {
  resolution: "matched";
  customerId: string;
  assignmentId: string;
  matchedBy: ResourceKind;
  /** The value of the resource that matched, as the inventory holds it. */
  value: string;
}

/** Nobody of ours held the subject at that time. */
export interface NotOurs {
  resolution: "not_ours";
  /**
   * Only for IP subjects and only when provider ranges were given: true when the address lies in a range
   * the provider holds (unassigned at that time: ours, but no customer's), false when it is someone
   * else's network (look for the abuse contact in RDAP).
   */
  providerRange?: boolean;
  /** The brand whose range holds the address, when `providerRange` is true. */
  brand?: string;
  /** Set when the subject could not be read at all (`999.1.2.3`, a broken URL): why. */
  invalid?: string;
}

export type Resolution = Matched | NotOurs;

/** What an event is about; the same fields as the parsers' `Subject`. */
export interface ResolvableSubject {
  ip?: string;
  url?: string;
  domain?: string;
  email?: string;
  phone?: string;
}

/** An assignment the index could not take, and why (values are validated on import; this is a safety net). */
export interface RejectedAssignment {
  assignment: Assignment;
  problem: string;
}
