import { removeWhere, type WriteContext } from './extensions.js';
import { INT, SMALLINT, sqlEquals, sqlInteger, sqlString, truncate } from './mysql.js';
import { type ElastixState, FOLLOW_ME_COLUMNS, type FollowMeColumn, type FollowMeRow } from './state.js';

/*
 * The follow-me commands (Elastix::*_followme_extension, FindMeFollow's SQL) and their AstDB side:
 *  - add and update first write `AMPUSER/<grpnum>/followme/*` through `asterisk -rx "database put
 *    ..."` shell lines, whatever happens in SQL: a value with blanks splits into extra CLI words and
 *    that key is not written (`grplist` of "101, 105" keeps its old value).
 *  - grptime, annmsg_id, remotealert_id, toolate_id and pre_ring are pasted unquoted: a value that
 *    is not a number makes the statement fail, silently. `grplist` is stored verbatim.
 *  - add skips the INSERT (and the reload) when the row exists; still `INSERT OK`.
 *  - update has no WHERE: with one row, that row becomes the new one (even another grpnum); with
 *    two or more, the primary key refuses and nothing changes; still `UPDATE OK`.
 *  - delete removes the row and `deltree`s the AstDB keys.
 */

const NUMERIC: Partial<Record<FollowMeColumn, { range: readonly [number, number]; nullable: boolean }>> = {
  grptime: { range: SMALLINT, nullable: false },
  annmsg_id: { range: INT, nullable: true },
  remotealert_id: { range: INT, nullable: true },
  toolate_id: { range: INT, nullable: true },
  pre_ring: { range: SMALLINT, nullable: false },
};

const WIDTH: Partial<Record<FollowMeColumn, number>> = { grpnum: 20, strategy: 50, grppre: 100, grplist: 255, postdest: 255, dring: 255, needsconf: 10, ringing: 80 };

/** The row the SQL would write, or null when the statement does not parse (or NULLs a NOT NULL column on insert). */
function rowFromForm(post: ReadonlyMap<string, string>, insert: boolean): FollowMeRow | null {
  const row = {} as FollowMeRow;
  for (const column of FOLLOW_ME_COLUMNS) {
    const numeric = NUMERIC[column];
    if (numeric) {
      const n = sqlInteger(post.get(column), numeric.range);
      if (n === null) return null;
      // A NULL into a NOT NULL column: an error on INSERT, the type's zero on UPDATE (non-strict mode).
      if (n.value === null && !numeric.nullable) {
        if (insert) return null;
        row[column] = '0';
      } else row[column] = n.value;
    } else {
      const text = sqlString(post.get(column));
      if (text === null) return null;
      row[column] = truncate(text, WIDTH[column] ?? 255);
    }
  }
  return row;
}

/** `asterisk -rx "database put AMPUSER <grpnum>/followme/<key> <value>"`: written only when it splits into 5 words. */
function databasePut(state: ElastixState, grpnum: string, key: string, value: string): void {
  const words = `database put AMPUSER ${grpnum}/followme/${key} ${value}`.split(/\s+/).filter((w) => w !== '');
  if (words.length === 5) state.astdb.set(`AMPUSER/${words[3]}`, words[4]!);
  else if (words.length === 4 && value.trim() === '' && !/\s/.test(grpnum)) state.astdb.set(`AMPUSER/${words[3]}`, '');
}

function putAmpuser(state: ElastixState, post: ReadonlyMap<string, string>): void {
  const grpnum = post.get('grpnum') ?? '';
  databasePut(state, grpnum, 'changecid', 'default');
  databasePut(state, grpnum, 'ddial', 'DIRECT');
  databasePut(state, grpnum, 'fixedcid', '');
  databasePut(state, grpnum, 'grpconf', 'ENABLED');
  databasePut(state, grpnum, 'grplist', post.get('grplist') ?? '');
  databasePut(state, grpnum, 'grptime', post.get('grptime') ?? '');
  databasePut(state, grpnum, 'prering', post.get('pre_ring') ?? '');
}

function rowsFor(state: ElastixState, grpnum: string | undefined): FollowMeRow[] {
  const wanted = sqlString(grpnum);
  return wanted === null ? [] : state.findmefollow.filter((row) => row.grpnum !== null && sqlEquals(row.grpnum, wanted));
}

export async function addFollowMe(ctx: WriteContext, post: ReadonlyMap<string, string>): Promise<void> {
  const { state } = ctx;
  putAmpuser(state, post);
  if (rowsFor(state, post.get('grpnum')).length > 0) return;
  const row = rowFromForm(post, true);
  if (row) state.findmefollow.push(row);
  await ctx.reload();
}

export async function updateFollowMe(ctx: WriteContext, post: ReadonlyMap<string, string>): Promise<void> {
  const { state } = ctx;
  putAmpuser(state, post);
  const row = rowFromForm(post, false);
  // UPDATE findmefollow SET grpnum='<grpnum>', ... -- no WHERE: every row gets the same primary key.
  if (row && state.findmefollow.length === 1) Object.assign(state.findmefollow[0]!, row);
  await ctx.reload();
}

export async function deleteFollowMe(ctx: WriteContext, post: ReadonlyMap<string, string>): Promise<void> {
  const { state } = ctx;
  const grpnum = post.get('grpnum') ?? '';
  const words = `database deltree AMPUSER ${grpnum}/followme`.split(/\s+/).filter((w) => w !== '');
  if (words.length === 4) {
    const prefix = `AMPUSER/${words[3]}/`;
    for (const key of [...state.astdb.keys()]) if (key.startsWith(prefix)) state.astdb.delete(key);
  }
  const wanted = sqlString(grpnum);
  if (wanted !== null) removeWhere(state.findmefollow, (row) => row.grpnum !== null && sqlEquals(row.grpnum, wanted));
  await ctx.reload();
}

export function getFollowMe(state: ElastixState, post: ReadonlyMap<string, string>): FollowMeRow[] {
  return rowsFor(state, post.get('grpnum'));
}
