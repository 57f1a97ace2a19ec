/**
 * A sliding-window limit of `limit` requests per `windowMs`, the way Laravel's throttle counts
 * them (SARK: 60 a minute). `reserve` books the next slot and says how long to wait for it, so
 * requests issued together go out in order, spaced only as much as the window requires.
 */
export class RateLimiter {
  private readonly slots: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit >= 1)) throw new RangeError('limit must be at least 1');
  }

  /** Milliseconds to wait before sending; the slot is booked at that time. */
  reserve(): number {
    const now = this.now();
    while (this.slots.length > 0 && this.slots[0]! <= now - this.windowMs) this.slots.shift();
    const at = this.slots.length < this.limit ? now : this.slots[this.slots.length - this.limit]! + this.windowMs;
    this.slots.push(at);
    return Math.max(0, at - now);
  }
}
