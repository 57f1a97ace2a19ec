/*
 * Synthetic traffic: calls arrive as a Poisson process at `rate` calls per second, each one a scenario
 * picked by weight and scripted with a seeded generator, so the same seed gives the same calls. The
 * calls then play out through the call engine exactly like calls the recordings show.
 */

import type { CallEngine } from './calls.js';
import type { Clock, Timer } from './clock.js';
import type { CallPlan, CallStep, PbxModel } from './model.js';
import { Random } from '../random.js';

export type Scenario = 'answered' | 'unanswered' | 'blindTransfer' | 'attendedTransfer' | 'park' | 'ringGroup' | 'queue';

export interface TrafficOptions {
  /** New calls per second (Poisson arrivals). */
  rate: number;
  /** Relative weights of the scenarios. */
  mix?: Partial<Record<Scenario, number>>;
  /** How long phones ring before they answer, ms. */
  ringMs?: [number, number];
  /** How long each conversation leg lasts, ms. */
  talkMs?: [number, number];
  /** Share of calls that come in from outside (`PJSIP/trunk`, external numbers). Default 0.5. */
  externalShare?: number;
  /** Arrivals are skipped while this many calls are up. */
  maxConcurrent?: number;
  /** Defaults to the simulator's seed. */
  seed?: number;
}

export const DEFAULT_MIX: Readonly<Record<Scenario, number>> = {
  answered: 50,
  unanswered: 10,
  blindTransfer: 8,
  attendedTransfer: 4,
  park: 6,
  ringGroup: 10,
  queue: 12,
};

export interface TrafficStats {
  started: number;
  skipped: number;
  byScenario: Record<Scenario, number>;
}

export class TrafficGenerator {
  private readonly random: Random;
  private timer: Timer | undefined;
  private running = false;
  readonly stats: TrafficStats = {
    started: 0,
    skipped: 0,
    byScenario: { answered: 0, unanswered: 0, blindTransfer: 0, attendedTransfer: 0, park: 0, ringGroup: 0, queue: 0 },
  };

  constructor(
    private readonly model: PbxModel,
    private readonly engine: CallEngine,
    private readonly clock: Clock,
    private readonly options: TrafficOptions,
    seed: number,
  ) {
    this.random = new Random((options.seed ?? seed) ^ 0x9e3779b9);
  }

  start(): void {
    if (this.running || this.options.rate <= 0) return;
    this.running = true;
    this.scheduleNext();
  }

  stop(): void {
    this.running = false;
    this.clock.cancel(this.timer);
    this.timer = undefined;
  }

  get active(): boolean {
    return this.running;
  }

  private scheduleNext(): void {
    const waitMs = this.random.exponential(this.options.rate) * 1000;
    this.timer = this.clock.after(waitMs, () => {
      if (!this.running) return;
      this.engine.step(() => this.arrive());
      this.scheduleNext();
    });
  }

  /** Places one call now (also used by tests to create a specific scenario). */
  arrive(forced?: Scenario): boolean {
    const m = this.model;
    const r = this.random;
    const calls = new Set([...m.channels.values()].map((c) => c.linkedid)).size;
    if (!forced && this.options.maxConcurrent !== undefined && calls >= this.options.maxConcurrent) {
      this.stats.skipped++;
      return false;
    }
    const scenario = forced ?? r.weighted({ ...DEFAULT_MIX, ...this.options.mix });
    const ring = () => Math.round(r.between(this.options.ringMs ?? [1000, 6000]));
    const talk = () => Math.round(r.between(this.options.talkMs ?? [5000, 45000]));
    const side = (): 'caller' | 'callee' => (r.chance(0.5) ? 'caller' : 'callee');
    const idle = m.extensions.filter((e) => e.available && this.engine.isIdle(e.exten)).map((e) => e.exten);
    const external = m.config.trunk && r.chance(this.options.externalShare ?? 0.5);

    const pickFrom = (pool: string[]): string | undefined => {
      if (pool.length === 0) return undefined;
      const choice = r.pick(pool);
      pool.splice(pool.indexOf(choice), 1);
      return choice;
    };
    const pool = [...idle];
    const caller = external ? 'trunk' : pickFrom(pool);
    if (caller === undefined) {
      this.stats.skipped++;
      return false;
    }
    const callerId = external ? { callerNum: externalNumber(r), callerName: '' } : {};
    // Phones not named in the plan do not answer; a call whose script ran out still ends.
    const plan: CallPlan = { answer: Object.fromEntries(m.extensions.map((e) => [e.exten, null])), steps: [], fallbackTalkMs: talk() };
    const hangup = (): CallStep => ({ afterMs: talk(), action: 'hangup', by: side() });
    let to: string | undefined;

    switch (scenario) {
      case 'answered':
      case 'unanswered': {
        to = pickFrom(pool);
        if (to === undefined) break;
        plan.answer[to] = scenario === 'answered' ? ring() : null;
        if (scenario === 'answered') plan.steps.push(hangup());
        break;
      }
      case 'blindTransfer':
      case 'attendedTransfer': {
        to = pickFrom(pool);
        const target = pickFrom(pool);
        if (to === undefined || target === undefined) {
          to = undefined;
          break;
        }
        plan.answer[to] = ring();
        plan.answer[target] = ring();
        plan.steps.push(
          scenario === 'blindTransfer'
            ? { afterMs: talk(), action: 'blindTransfer', by: 'callee', to: target }
            : { afterMs: talk(), action: 'atxfer', by: 'callee', to: target, consultMs: Math.round(r.between([2000, 10000])) },
          hangup(),
        );
        break;
      }
      case 'park': {
        to = pickFrom(pool);
        if (to === undefined) break;
        // Also how fast the parker answers when a call nobody picked up comes back to it.
        plan.answer[to] = ring();
        const retriever = r.chance(0.7) ? pickFrom(pool) : undefined;
        plan.steps.push(
          { afterMs: talk(), action: 'park', by: 'callee', retrieveBy: retriever ?? null, retrieveAfterMs: Math.round(r.between([3000, 20000])) },
          hangup(),
        );
        break;
      }
      case 'ringGroup': {
        to = m.config.ringGroup.exten;
        const members = m.config.ringGroup.members.filter((x) => x !== caller);
        const winner = members.length > 0 && r.chance(0.9) ? r.pick(members) : undefined;
        if (winner !== undefined) plan.answer[winner] = ring();
        if (winner !== undefined) plan.steps.push(hangup());
        break;
      }
      case 'queue': {
        to = m.config.queue.exten;
        const members = m.config.queue.members.filter((x) => x !== caller);
        const winner = members.length > 0 ? r.pick(members) : undefined;
        if (winner !== undefined) plan.answer[winner] = Math.min(ring(), 5000);
        plan.steps.push(hangup());
        break;
      }
    }
    if (to === undefined) {
      this.stats.skipped++;
      return false;
    }
    this.stats.started++;
    this.stats.byScenario[scenario]++;
    this.engine.inbound({ from: caller, to, ...callerId, plan });
    return true;
  }
}

function externalNumber(r: Random): string {
  let digits = '0';
  digits += String(r.int(1, 9));
  for (let i = 0; i < 8; i++) digits += String(r.int(0, 9));
  return digits;
}
