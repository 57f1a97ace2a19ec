/** True when the runtime's Intl knows this IANA zone (Node and Chromium share ICU data). */
export function isValidTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function listTimeZones(): string[] {
  return Intl.supportedValuesOf('timeZone');
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * Converts wall-clock times of one zone (`YYYY-MM-DD HH:MM:SS`, as PBXs store CDR dates) to UTC
 * epoch ms, and back. A time skipped by a DST change is read as the same wall time after the jump;
 * a time that happens twice is read as the first. Offsets are cached per local minute, since a sync
 * converts tens of thousands of times that mostly share them.
 */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<string, number>();

  constructor(readonly zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** The zone's offset from UTC at `utcMs`, in ms. */
  offsetAt(utcMs: number): number {
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(new Date(utcMs))) parts[part.type] = part.value;
    const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return asUtc - Math.floor(utcMs / 1000) * 1000;
  }

  /** UTC epoch ms of a local `YYYY-MM-DD HH:MM:SS`, or null when the text is not such a time. */
  toUtc(local: string): number | null {
    const m = LOCAL_DATE_TIME.exec(local);
    if (!m) return null;
    const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
    const wall = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(wall);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
    // One entry per local minute: zone changes fall on whole minutes (not all on the half hour:
    // Chatham's are at 02:45 local), so a minute never straddles one.
    const minuteKey = local.slice(0, 16);
    let offset = this.offsets.get(minuteKey);
    if (offset === undefined) {
      // The offsets in force half a day either side (no zone changes twice in a day): a time in a
      // fold fits both (take the earlier instant, the larger offset); one in a gap fits neither
      // (the offset from before the jump puts it the same distance after the jump).
      const before = this.offsetAt(wall - 14 * 3_600_000);
      const after = this.offsetAt(wall + 14 * 3_600_000);
      const fits = [before, after].filter((o) => this.offsetAt(wall - o) === o);
      offset = fits.length === 0 ? before : Math.max(...fits);
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(minuteKey, offset);
    }
    return wall - offset;
  }

  /** The local `YYYY-MM-DD HH:MM:SS` of a UTC epoch. */
  toLocal(utcMs: number): string {
    return new Date(utcMs + this.offsetAt(utcMs)).toISOString().slice(0, 19).replace('T', ' ');
  }
}
