import type { CallForward } from '../../src-shared/domain/live.js';
import { isExtensionNumber } from './channel-name.js';

/*
 * Where PBXs keep DND and call forward in AstDB. AstDB changes raise no AMI event, so these come
 * from DBGet/DBGetTree reads (at resync, and after the app changes one); FreePBX's DND also shows
 * live as the `Custom:DND<ext>` device state.
 *
 *   FreePBX family (Issabel, Elastix, XiVO's Asterisk too): DND/<ext> = YES, CF/<ext>, CFB/<ext>,
 *   CFU/<ext> = target number (always / busy / unavailable-or-no-answer).
 *   SARK: cfim/<ext> (immediate = always), cfbs/<ext> (busy).
 */
export const ASTDB_FAMILIES = ['DND', 'CF', 'CFB', 'CFU', 'cfim', 'cfbs'] as const;
export type AstdbFamily = (typeof ASTDB_FAMILIES)[number];

const FAMILIES: ReadonlySet<string> = new Set(ASTDB_FAMILIES);

export function isAstdbFamily(family: string): family is AstdbFamily {
  return FAMILIES.has(family);
}

export interface AstdbEntry {
  family: AstdbFamily;
  extension: string;
  value: string;
}

/** One AstDB entry of a family we read, keyed by an extension; null for anything else. */
export function astdbEntry(family: string | undefined, key: string | undefined, value: string | undefined): AstdbEntry | null {
  if (family === undefined || key === undefined || !isAstdbFamily(family) || !isExtensionNumber(key)) return null;
  return { family, extension: key, value: value ?? '' };
}

/** DBGetTreeResponse names the entry by its full path, `/CF/101`. */
export function astdbTreeEntry(path: string | undefined, value: string | undefined): AstdbEntry | null {
  if (path === undefined) return null;
  const m = /^\/?([^/]+)\/([^/]+)$/.exec(path);
  return m ? astdbEntry(m[1], m[2], value) : null;
}

/** FreePBX writes `YES`; anything else that reads as "no" is off, an absent key too. */
export function astdbDnd(values: Readonly<Record<string, string>>): boolean | null {
  const v = values.DND;
  if (v === undefined) return null;
  return v.trim() !== '' && !/^(no|0|false|off)$/i.test(v.trim());
}

export function astdbForward(values: Readonly<Record<string, string>>): CallForward {
  const pick = (...families: AstdbFamily[]): string | null => {
    for (const f of families) {
      const v = values[f]?.trim();
      if (v) return v;
    }
    return null;
  };
  return { always: pick('CF', 'cfim'), busy: pick('CFB', 'cfbs'), noAnswer: pick('CFU') };
}
