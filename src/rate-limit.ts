/**
 * Rate limits where strangers can knock (SMTP, the public notice form, the portal, sign-in): how many
 * times a key (a client address, an account) may do something per window. In memory, per process, and
 * bounded: the table of keys never grows past its size, whatever the number of addresses that knock.
 */

/** Most keys one limiter remembers; beyond it, the oldest are forgotten (a flood of new addresses cannot fill memory). */
export const MAX_TRACKED_KEYS = 100_000;

export interface RateLimit {
  /** How many times per window. */
  limit: number;
  /** The window, in milliseconds. */
  windowMs: number;
}

export type Verdict = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface Window {
  startedAt: number;
  count: number;
}

/** A fixed-window counter per key. `take(key)` counts one attempt and says whether it is allowed. */
export class RateLimiter {
  readonly #windows = new Map<string, Window>();

  constructor(
    readonly rule: RateLimit,
    readonly now: () => number = Date.now,
    readonly maxKeys = MAX_TRACKED_KEYS,
  ) {
    if (!(rule.limit > 0 && rule.windowMs > 0))
      throw new Error("a rate limit needs a positive limit and window");
  }

  take(key: string): Verdict {
    const now = this.now();
    let w = this.#windows.get(key);
    if (!w || now - w.startedAt >= this.rule.windowMs) {
      if (w) this.#windows.delete(key);
      w = { startedAt: now, count: 0 };
      this.#remember(key, w);
    }
    if (w.count >= this.rule.limit)
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((w.startedAt + this.rule.windowMs - now) / 1000)),
      };
    w.count += 1;
    return { allowed: true, remaining: this.rule.limit - w.count };
  }

  /** Forgets a key (e.g. an account after a successful sign-in). */
  reset(key: string): void {
    this.#windows.delete(key);
  }

  get size(): number {
    return this.#windows.size;
  }

  #remember(key: string, w: Window) {
    // A Map keeps insertion order: the first keys are the oldest windows.
    if (this.#windows.size >= this.maxKeys) {
      const now = this.now();
      for (const [k, old] of this.#windows) {
        if (this.#windows.size < this.maxKeys) break;
        if (now - old.startedAt >= this.rule.windowMs || this.#windows.size >= this.maxKeys)
          this.#windows.delete(k);
      }
    }
    this.#windows.set(key, w);
  }
}
