/*
 * Laravel 7's `throttle:60,1` (ThrottleRequests over the cache RateLimiter): a fixed window that opens
 * at a client's first request and lasts a minute (whole seconds, as the cache stores them); a request
 * is refused once the count has reached the limit and a refused request is not counted. Every answer
 * that passed carries X-RateLimit-Limit / X-RateLimit-Remaining; a refusal adds Retry-After and
 * X-RateLimit-Reset (epoch seconds). Clients are told apart by IP only (no user on these routes), and
 * every client of this simulator is 127.0.0.1, so there is one bucket.
 */

export type ThrottleResult =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; headers: Record<string, string>; retryAfter: number };

export class Throttle {
  private hits = 0;
  /** Epoch second the window closes (the cache's `:timer` key). */
  private resetAt = 0;

  constructor(
    private readonly max: number,
    private readonly windowSeconds = 60,
    private readonly now: () => number = Date.now,
  ) {}

  hit(): ThrottleResult {
    const nowSec = Math.floor(this.now() / 1000);
    if (nowSec >= this.resetAt) {
      this.hits = 0;
      this.resetAt = 0;
    }
    if (this.hits >= this.max) {
      const retryAfter = this.resetAt - nowSec;
      return {
        allowed: false,
        retryAfter,
        headers: {
          'X-RateLimit-Limit': String(this.max),
          'X-RateLimit-Remaining': '0',
          'Retry-After': String(retryAfter),
          'X-RateLimit-Reset': String(nowSec + retryAfter),
        },
      };
    }
    if (this.resetAt === 0) this.resetAt = nowSec + this.windowSeconds;
    this.hits++;
    return { allowed: true, headers: { 'X-RateLimit-Limit': String(this.max), 'X-RateLimit-Remaining': String(this.max - this.hits) } };
  }

  reset(): void {
    this.hits = 0;
    this.resetAt = 0;
  }
}
