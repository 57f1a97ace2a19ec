import type { Presence } from '../../src-shared/domain/live.js';
import { t } from '../i18n/index.js';
import { presenceName } from './live-format.js';

/** Something the palette can transfer to or dial: an extension, or a number as typed. */
export interface PaletteTarget {
  id: string;
  siteId: string;
  number: string;
  label: string;
  detail: string;
}

export interface RankContext {
  presence: readonly Presence[];
  siteNames: Record<string, string>;
  /** Sites a typed number can be dialled on. */
  sites: readonly string[];
  /** The site of the selected call: its extensions come first. */
  preferSite: string | null;
  isNumber: (text: string) => boolean;
}

const MAX_TARGETS = 50;

/** Lower is better; null when the extension does not match at all. */
function score(presence: Presence, query: string, siteName: string): number | null {
  if (query === '') return 5;
  const name = (presence.name ?? '').toLowerCase();
  if (presence.extension === query) return 0;
  if (presence.extension.startsWith(query)) return 1;
  if (name.startsWith(query)) return 1.5;
  if (name.split(/\s+/).some((word) => word.startsWith(query))) return 2;
  if (name.includes(query) || presence.extension.includes(query)) return 3;
  if (siteName.toLowerCase().includes(query)) return 4;
  return null;
}

/** The best matches for what was typed, best first: Enter takes the first. */
export function rankTargets(rawQuery: string, context: RankContext): PaletteTarget[] {
  const query = rawQuery.trim().toLowerCase();
  const scored: Array<{ target: PaletteTarget; score: number }> = [];
  for (const presence of context.presence) {
    const siteName = context.siteNames[presence.siteId] ?? presence.siteId;
    const base = score(presence, query, siteName);
    if (base === null) continue;
    scored.push({
      score: base - (presence.siteId === context.preferSite ? 0.5 : 0),
      target: {
        id: `ext ${presence.siteId} ${presence.extension}`,
        siteId: presence.siteId,
        number: presence.extension,
        label: t('live.palette.extension', { name: presenceName(presence), extension: presence.extension }),
        detail: t('live.palette.extensionDetail', { site: siteName, state: t(`live.presence.${presence.state}`) }),
      },
    });
  }
  const number = rawQuery.trim();
  const exact = scored.some((entry) => entry.score <= 0);
  if (number !== '' && context.isNumber(number) && !exact) {
    for (const siteId of context.sites) {
      scored.push({
        score: 0.25 - (siteId === context.preferSite ? 0.5 : 0),
        target: {
          id: `num ${siteId} ${number}`,
          siteId,
          number,
          label: t('live.palette.number', { number }),
          detail: t('live.palette.numberDetail', { site: context.siteNames[siteId] ?? siteId }),
        },
      });
    }
  }
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, MAX_TARGETS)
    .map((entry) => entry.target);
}
