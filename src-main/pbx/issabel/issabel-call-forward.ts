import type { CallForwardSettings } from '../../../src-shared/domain/pbx.js';
import { AppError } from '../../../src-shared/errors.js';
import type { IssabelApi } from './issabel-api.js';
import { dbGet, dbWrite } from './issabel-astdb.js';

/*
 * Call forwarding and DND, which pbxapi's resources do not expose (vendors/issabel.md §6, §9): the
 * AstDB entries the FreePBX feature codes use, CF (always), CFB (busy), CFU (unavailable/no
 * answer) and DND, through `manager/dbget|dbput|dbdel`. AstDB is read live by the dialplan, so
 * none of this needs a reload. Only what differs from the PBX is written, since `dbdel` of a key
 * that is not there answers error.
 */

const FAMILIES = { always: 'CF', busy: 'CFB', noAnswer: 'CFU' } as const;
type Target = keyof typeof FAMILIES;

export async function readCallForward(api: IssabelApi, number: string): Promise<CallForwardSettings> {
  const [always, busy, noAnswer, dnd] = await Promise.all([
    dbGet(api, FAMILIES.always, number),
    dbGet(api, FAMILIES.busy, number),
    dbGet(api, FAMILIES.noAnswer, number),
    dbGet(api, 'DND', number),
  ]);
  return { always: always || null, busy: busy || null, noAnswer: noAnswer || null, dnd: dnd !== '' };
}

/** Checked before anything is sent: a quote would break the API's hand-built JSON, a space the CLI command. */
export function checkCallForward(settings: CallForwardSettings): void {
  for (const target of Object.keys(FAMILIES) as Target[]) {
    const value = settings[target];
    if (value !== null && !/^[0-9*#+]{1,32}$/.test(value)) {
      throw new AppError('VALIDATION', `Not a number the PBX can forward to: ${value}`, { issues: [{ path: target, message: 'validation.dialNumber' }] });
    }
  }
}

export async function writeCallForward(api: IssabelApi, number: string, settings: CallForwardSettings, current: CallForwardSettings): Promise<void> {
  for (const target of Object.keys(FAMILIES) as Target[]) {
    const wanted = settings[target];
    if (wanted === current[target]) continue;
    if (wanted === null) await dbWrite(api, 'dbdel', FAMILIES[target], number);
    else await dbWrite(api, 'dbput', FAMILIES[target], number, wanted);
  }
  if (settings.dnd !== current.dnd) {
    if (settings.dnd) await dbWrite(api, 'dbput', 'DND', number, 'YES');
    else await dbWrite(api, 'dbdel', 'DND', number);
  }
}
