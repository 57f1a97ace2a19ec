import { AppError } from '../../../src-shared/errors.js';
import { isRecord, text } from '../vendor-json.js';
import type { IssabelApi } from './issabel-api.js';

/*
 * AstDB through pbxapi's AMI gateway (vendors/issabel.md §9): `manager/dbget` answers
 * `{"result":"…"}` (a missing key reads as ""), `dbput` and `dbdel` answer `{"status":"ok"}` or
 * `{"status":"error"}` (also for deleting a key that is not there). Writes are never resent: a
 * second `dbdel` would answer error for a key the first one removed.
 */

export async function dbGet(api: IssabelApi, family: string, key: string): Promise<string> {
  const body = await api.manager('dbget', { family, key }, true);
  if (!isRecord(body) || !('result' in body)) throw new AppError('PBX_ERROR', `The Issabel API answered dbget ${family}/${key} without a result`, { family });
  return text(body, 'result').trim();
}

export async function dbWrite(api: IssabelApi, action: 'dbput' | 'dbdel', family: string, key: string, value?: string): Promise<void> {
  const query: Record<string, string> = { family, key };
  if (value !== undefined) query.value = value;
  const body = await api.manager(action, query, false);
  if (!isRecord(body) || body.status !== 'ok') {
    throw new AppError('PBX_ERROR', `The PBX did not ${action === 'dbput' ? 'store' : 'remove'} ${family}/${key}`, { family, key, action });
  }
}
