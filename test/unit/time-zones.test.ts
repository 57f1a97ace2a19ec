import { describe, expect, it } from 'vitest';
import { ZoneClock } from '../../src-shared/time-zones.js';

/*
 * PBXs write CDR dates as local wall-clock text; the cache keeps UTC. Expected values are written
 * from the tz rules (Madrid: CET +1, CEST +2 from the last Sunday of March 01:00 UTC to the last
 * Sunday of October 01:00 UTC), not from the code.
 */

const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('ZoneClock', () => {
  const madrid = new ZoneClock('Europe/Madrid');

  it('converts ordinary winter and summer times', () => {
    expect(madrid.toUtc('2026-01-15 09:00:00')).toBe(utc('2026-01-15T08:00:00'));
    expect(madrid.toUtc('2026-07-01 12:00:00')).toBe(utc('2026-07-01T10:00:00'));
    expect(new ZoneClock('UTC').toUtc('2026-07-01 12:00:00')).toBe(utc('2026-07-01T12:00:00'));
    expect(new ZoneClock('America/New_York').toUtc('2026-12-31 23:59:59')).toBe(utc('2027-01-01T04:59:59'));
  });

  it('reads a time skipped by the spring change as the same wall time after the jump', () => {
    // 2026-03-29: 02:00 local does not happen; clocks go to 03:00 (01:00 UTC).
    expect(madrid.toUtc('2026-03-29 01:59:59')).toBe(utc('2026-03-29T00:59:59'));
    expect(madrid.toUtc('2026-03-29 02:30:00')).toBe(utc('2026-03-29T01:30:00'));
    expect(madrid.toUtc('2026-03-29 03:00:00')).toBe(utc('2026-03-29T01:00:00'));
  });

  it('reads a time that happens twice in autumn as the first one', () => {
    // 2026-10-25: 02:00–02:59 happens at +2 (00:xx UTC), then again at +1 (01:xx UTC).
    expect(madrid.toUtc('2026-10-25 02:30:00')).toBe(utc('2026-10-25T00:30:00'));
    expect(madrid.toUtc('2026-10-25 03:00:00')).toBe(utc('2026-10-25T02:00:00'));
    expect(madrid.toUtc('2026-10-25 01:59:59')).toBe(utc('2026-10-24T23:59:59'));
  });

  it('gets a zone that changes at a quarter hour right, whatever it converted before (Chatham, 02:45 local)', () => {
    // 2026-04-05: Chatham leaves summer time (+13:45) for +12:45 at 03:45 local, back to 02:45.
    const seenBefore = new ZoneClock('Pacific/Chatham');
    seenBefore.toUtc('2026-04-05 03:44:00');
    const fresh = new ZoneClock('Pacific/Chatham');
    expect(seenBefore.toUtc('2026-04-05 03:47:00')).toBe(fresh.toUtc('2026-04-05 03:47:00'));
    expect(fresh.toUtc('2026-04-05 03:47:00')).toBe(utc('2026-04-04T15:02:00'));
  });

  it('refuses text that is not a real local time', () => {
    for (const bad of ['2026-02-30 10:00:00', '2026-13-01 00:00:00', '2026-01-01 24:00:00', '2026-01-01', '', '0000-00-00 00:00:00', '2026-01-01 10:00:60']) {
      expect(madrid.toUtc(bad)).toBeNull();
    }
  });

  it('writes UTC back as local wall-clock text, on both sides of a change', () => {
    expect(madrid.toLocal(utc('2026-10-25T00:30:00'))).toBe('2026-10-25 02:30:00');
    expect(madrid.toLocal(utc('2026-10-25T01:30:00'))).toBe('2026-10-25 02:30:00');
    expect(madrid.toLocal(utc('2026-03-29T01:30:00'))).toBe('2026-03-29 03:30:00');
  });
});
