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
