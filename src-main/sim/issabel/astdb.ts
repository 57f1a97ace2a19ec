/*
 * AstDB as pbxapi reaches it: through CLI commands sent over AMI (`database put F K "v"`, `database
 * get`, `del`, `deltree`, `show`), with spaces in family and key turned into `/`, and success read
 * off the CLI's wording. So a missing key reads as '' (indistinguishable from an empty value), a del
 * of a missing key or a deltree of an empty tree reports failure, and `show` trims values. Keys are
 * stored as `family/key` without the leading slash Asterisk prints.
 */

export type AstDb = Map<string, string>;

const path = (family: string, key: string) => `${family.replace(/ /g, '/')}/${key.replace(/ /g, '/')}`;

/** `database put`: the CLI needs both a family and a key. */
export function dbPut(db: AstDb, family: string, key: string, value: string): boolean {
  if (family === '' || key === '') return false;
  db.set(path(family, key), value);
  return true;
}

/** `database get`: the value, or null when the entry does not exist. */
export function dbGet(db: AstDb, family: string, key: string): string | null {
  return db.get(path(family, key)) ?? null;
}

export function dbDel(db: AstDb, family: string, key: string): boolean {
  return db.delete(path(family, key));
}

/** `database deltree`: true when at least one entry went. */
export function dbDelTree(db: AstDb, family: string): number {
  const prefix = family.replace(/ /g, '/');
  let removed = 0;
  for (const key of [...db.keys()]) {
    if (key === prefix || key.startsWith(`${prefix}/`)) {
      db.delete(key);
      removed++;
    }
  }
  return removed;
}

/** `database show <family>` as asteriskmanager::DatabaseShow returns it: `/family/key` → trimmed value, sorted like the CLI. */
export function dbShow(db: AstDb, family: string): Map<string, string> {
  const prefix = family.replace(/ /g, '/');
  const out = new Map<string, string>();
  for (const key of [...db.keys()].sort()) {
    if (prefix === '' || key === prefix || key.startsWith(`${prefix}/`)) out.set(`/${key}`, db.get(key)!.trim());
  }
  return out;
}

/** The entries under `family/` as relative key → value (for the controllers' own reads). */
export function dbTree(db: AstDb, family: string): Map<string, string> {
  const out = new Map<string, string>();
  const prefix = `${family}/`;
  for (const [key, value] of db) if (key.startsWith(prefix)) out.set(key.slice(prefix.length), value);
  return out;
}
