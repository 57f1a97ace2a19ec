import { sqlEquals, sqlString, truncate } from './mysql.js';
import type { SipRow } from './sip-conf.js';
import { API_SIP_KEYWORDS, type ElastixState, FORM_SIP_KEYWORDS, userRow } from './state.js';

/*
 * `addextension`, `updateextension`, `deleteextension` (Elastix::*_sip_extension with
 * Extension.php's SQL), statement by statement. Each statement pastes the form values into quotes;
 * one that no longer parses does nothing while the others still run, and the answer is the same
 * fixed OK string whatever happened:
 *  - add: when any `sip` row has id = account, nothing is written and there is no reload; otherwise
 *    INSERT IGNORE into users, devices and the 27 `sip` rows, then `module_admin reload`.
 *  - update: the 27 rows are upserted (a keyword not sent becomes ''; an unknown account gets `sip`
 *    rows and no user), `users.name` (and nothing else) is set, reload.
 *  - delete: `sip`, `users`, `devices` rows for the account go, reload; AstDB and follow-me stay.
 */

export interface WriteContext {
  readonly state: ElastixState;
  /** `module_admin reload`: regenerates the conf files and reloads Asterisk. */
  reload(): Promise<void>;
}

function formValues(post: ReadonlyMap<string, string>): Map<string, string | null> {
  const values = new Map<string, string | null>();
  for (const keyword of FORM_SIP_KEYWORDS) values.set(keyword, sqlString(post.get(keyword)));
  values.set('accountcode', '');
  values.set('account', sqlString(post.get('account')));
  return values;
}

/** The 27 rows of the multi-row INSERT, or null when any value broke the statement. */
function sipRows(values: Map<string, string | null>): SipRow[] | null {
  const account = values.get('account');
  if (account === null || account === undefined) return null;
  const rows: SipRow[] = [];
  for (const [i, keyword] of API_SIP_KEYWORDS.entries()) {
    const data = values.get(keyword);
    if (data === null || data === undefined) return null;
    rows.push({ id: truncate(account, 20), keyword, data: truncate(data, 255), flags: i + 2 });
  }
  return rows;
}

/** DELETE ... WHERE, in place (the state's arrays are the tables tests hold on to). */
export function removeWhere<T>(rows: T[], doomed: (row: T) => boolean): void {
  for (let i = rows.length - 1; i >= 0; i--) if (doomed(rows[i]!)) rows.splice(i, 1);
}

function sameKey(a: SipRow, b: SipRow): boolean {
  return sqlEquals(a.id, b.id) && sqlEquals(a.keyword, b.keyword);
}

export async function addExtension(ctx: WriteContext, post: ReadonlyMap<string, string>): Promise<void> {
  const { state } = ctx;
  const values = formValues(post);
  const account = values.get('account') ?? null;
  // SELECT * FROM sip WHERE id = '<account>' (a broken SELECT finds nothing, and the INSERTs run).
  if (account !== null && state.sip.some((row) => sqlEquals(row.id, account))) return;

  const name = sqlString(post.get('name'));
  if (account !== null && name !== null && !state.users.some((u) => sqlEquals(u.extension, account))) {
    state.users.push(userRow(truncate(account, 20), truncate(name, 50), 'novm'));
  }
  const dial = values.get('dial') ?? null;
  if (account !== null && dial !== null && !state.devices.some((d) => sqlEquals(d.id, account))) {
    state.devices.push({ id: truncate(account, 20), tech: 'sip', dial: truncate(dial, 255), devicetype: 'fixed', user: truncate(account, 50), description: truncate(account, 50), emergency_cid: '' });
  }
  const rows = sipRows(values);
  if (rows) for (const row of rows) if (!state.sip.some((r) => sameKey(r, row))) state.sip.push(row);
  await ctx.reload();
}

export async function updateExtension(ctx: WriteContext, post: ReadonlyMap<string, string>): Promise<void> {
  const { state } = ctx;
  const values = formValues(post);
  const rows = sipRows(values);
  if (rows) {
    for (const row of rows) {
      const existing = state.sip.find((r) => sameKey(r, row));
      if (existing) Object.assign(existing, row);
      else state.sip.push(row);
    }
  }
  const account = values.get('account') ?? null;
  const name = sqlString(post.get('name'));
  if (account !== null && name !== null) {
    for (const user of state.users) {
      if (!sqlEquals(user.extension, account)) continue;
      Object.assign(user, { extension: truncate(account, 20), name: truncate(name, 50), sipname: truncate(account, 50) });
    }
  }
  await ctx.reload();
}

export async function deleteExtension(ctx: WriteContext, post: ReadonlyMap<string, string>): Promise<void> {
  const { state } = ctx;
  const account = sqlString(post.get('account'));
  if (account !== null) {
    removeWhere(state.sip, (row) => sqlEquals(row.id, account));
    removeWhere(state.users, (row) => sqlEquals(row.extension, account));
    removeWhere(state.devices, (row) => sqlEquals(row.id, account));
  }
  await ctx.reload();
}
