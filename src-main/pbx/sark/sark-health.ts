import type { SystemHealth } from '../../../src-shared/domain/pbx.js';
import type { ZoneClock } from '../../../src-shared/time-zones.js';
import { text, type JsonRecord } from '../vendor-json.js';

/*
 * System health from `pbxrunstate` (is Asterisk running) and AMI CoreStatus (since when, in the
 * PBX's local time). SARK reports neither load nor disks. `reachable` is about the PBX as a phone
 * system: a web API that answers while Asterisk is down is not a reachable PBX.
 */

function uptimeText(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hhmm = `${Math.floor((minutes % 1440) / 60)}:${String(minutes % 60).padStart(2, '0')}`;
  // The shape `uptime` prints, as the other vendors' health shows it.
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${hhmm}` : hhmm;
}

export function healthOf(running: boolean, coreStatus: JsonRecord | null, clock: ZoneClock, now = Date.now()): SystemHealth {
  const started = coreStatus ? clock.toUtc(`${text(coreStatus, 'CoreStartupDate')} ${text(coreStatus, 'CoreStartupTime')}`) : null;
  return {
    reachable: running,
    uptime: running && started !== null && started <= now ? uptimeText(now - started) : null,
    load: null,
    disks: [],
  };
}
