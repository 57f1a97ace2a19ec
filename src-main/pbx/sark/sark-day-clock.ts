import type { ZoneClock } from '../../../src-shared/time-zones.js';

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * The site's zone for a whole call log: three local times a row, hundreds of thousands of rows, and
 * each of ZoneClock's look-ups costs several Intl calls. A day whose offset is the same at its first
 * and its last second has no change of offset in it (no zone changes twice a day), so one offset
 * serves all of its times; a day with a change goes through ZoneClock time by time.
 */
export class DayClock {
  private readonly days = new Map<string, number | null>();

  constructor(private readonly clock: ZoneClock) {}

  toUtc(local: string): number | null {
    const m = LOCAL_DATE_TIME.exec(local);
    if (!m) return this.clock.toUtc(local);
    const day = local.slice(0, 10);
    let offset = this.days.get(day);
    if (offset === undefined) {
      offset = this.dayOffset(day);
      if (this.days.size > 5000) this.days.clear();
      this.days.set(day, offset);
    }
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    if (offset === null || h > 23 || mi > 59 || s > 59) return this.clock.toUtc(local);
    return Date.UTC(y, mo - 1, d, h, mi, s) - offset;
  }

  /** The day's one offset, or null when it has two (or is no day at all). */
  private dayOffset(day: string): number | null {
    const first = this.clock.toUtc(`${day} 00:00:00`);
    const last = this.clock.toUtc(`${day} 23:59:59`);
    if (first === null || last === null) return null;
    const midnight = Date.parse(`${day}T00:00:00Z`);
    const offset = midnight - first;
    return midnight + 86_399_000 - last === offset ? offset : null;
  }
}
