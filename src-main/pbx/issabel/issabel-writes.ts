import { AsyncLocalStorage } from 'node:async_hooks';
import type { HttpResponse } from '../../net/http-client.js';
import type { IssabelApi, IssabelCall } from './issabel-api.js';

/*
 * Every pbxapi write runs apply-changes (`amportal a r`, seconds) unless its body turns it off
 * (vendors/issabel.md §4). Inside a batch, writes go out with reload off and one apply follows at
 * the end; the batch is an async context, so only the batch's own writes are deferred, not those
 * of another action running at the same time.
 */

export class IssabelWrites {
  private readonly scope = new AsyncLocalStorage<{ wrote: boolean }>();

  constructor(private readonly api: IssabelApi) {}

  get batching(): boolean {
    return this.scope.getStore() !== undefined;
  }

  /**
   * A write, never resent. Inside a batch it carries `reload: "no"`: the API reloads unless
   * `reload` is neither 1 nor "true", and "no" stays so under PHP's loose comparisons (where
   * 0 == "true"). `applyNow` is apply()'s own write, which must reload.
   */
  send(call: Omit<IssabelCall, 'read'>, applyNow = false): Promise<HttpResponse> {
    const scope = this.scope.getStore();
    let json = call.json;
    if (scope && !applyNow) {
      // Marked before sending: a write whose answer is lost may still have been done.
      scope.wrote = true;
      json = { ...(json as Record<string, unknown>), reload: 'no' };
    }
    return this.api.send({ ...call, json, read: false });
  }

  /**
   * Runs `work` with reload off; `apply` follows when any write was sent, also when one failed
   * (what did succeed must take effect). A batch inside a batch is part of the outer one.
   */
  async batch<T>(work: () => Promise<T>, apply: () => Promise<void>): Promise<T> {
    if (this.batching) return work();
    const scope = { wrote: false };
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await this.scope.run(scope, work) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (scope.wrote) {
      try {
        await apply();
      } catch (err) {
        // The change's own failure is what the person needs to see first.
        if (outcome.ok) throw err;
      }
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }
}
