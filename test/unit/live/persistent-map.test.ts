import { describe, expect, it } from 'vitest';
import { hashOf, PersistentMap } from '../../../src-main/live/persistent-map.js';
import { prng } from '../../support/prng.js';

function contents<V>(map: PersistentMap<V>): Array<[string, V]> {
  const out: Array<[string, V]> = [];
  map.forEach((value, key) => out.push([key, value]));
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function sorted<V>(model: Map<string, V>): Array<[string, V]> {
  return [...model].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Two different keys with the same 32-bit hash, found by search (a birthday collision). */
function collidingKeys(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const key = `k${i}`;
    const h = hashOf(key);
    const other = seen.get(h);
    if (other !== undefined) return [other, key];
    seen.set(h, key);
  }
}

describe('PersistentMap', () => {
  it('behaves like a Map under 8,000 random sets and deletes, keeping every old version intact', () => {
    const rand = prng(7);
    let map = PersistentMap.empty<number>();
    const model = new Map<string, number>();
    const versions: Array<{ map: PersistentMap<number>; expected: Array<[string, number]> }> = [];
    const mismatches: string[] = [];
    for (let step = 0; step < 8_000; step++) {
      const key = `1795447${Math.floor(rand() * 3000)}.${Math.floor(rand() * 40)}`;
      if (rand() < 0.6) {
        const value = Math.floor(rand() * 5);
        map = map.set(key, value);
        model.set(key, value);
      } else {
        map = map.delete(key);
        model.delete(key);
      }
      if (map.size !== model.size || map.get(key) !== model.get(key)) mismatches.push(`step ${step}: ${key}`);
      if (step % 1000 === 0) versions.push({ map, expected: sorted(model) });
    }
    expect(mismatches).toEqual([]);
    expect(contents(map)).toEqual(sorted(model));
    for (const v of versions) expect(contents(v.map)).toEqual(v.expected);
  });

  it('returns the same map when a set or delete changes nothing', () => {
    const value = { a: 1 };
    const map = PersistentMap.empty<object>().set('x', value).set('y', {});
    expect(map.set('x', value)).toBe(map);
    expect(map.delete('nope')).toBe(map);
    expect(PersistentMap.empty().delete('x')).toBe(PersistentMap.empty());
    expect(map.set('x', { a: 1 })).not.toBe(map);
  });

  it('maps values into a new map, or gives back the same map when no value changed', () => {
    const map = PersistentMap.of([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(map.map((v) => v)).toBe(map);
    const doubledEven = map.map((v) => (v % 2 === 0 ? v * 2 : v));
    expect(contents(doubledEven)).toEqual([
      ['a', 1],
      ['b', 4],
      ['c', 3],
    ]);
    expect(contents(map)).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('keeps keys whose hashes collide apart, through sets and deletes', () => {
    const [a, b] = collidingKeys();
    expect(a).not.toBe(b);
    expect(hashOf(a)).toBe(hashOf(b));
    let map = PersistentMap.of([
      [a, 1],
      [b, 2],
      ['other', 3],
    ]);
    expect([map.get(a), map.get(b), map.get('other'), map.size]).toEqual([1, 2, 3, 3]);
    map = map.set(a, 10);
    expect([map.get(a), map.get(b)]).toEqual([10, 2]);
    const withoutA = map.delete(a);
    expect([withoutA.get(a), withoutA.get(b), withoutA.size]).toEqual([undefined, 2, 2]);
    expect(withoutA.delete(b).delete('other').size).toBe(0);
    expect(map.get(a)).toBe(10);
  });

  it('lists keys and values and ignores deleting from an emptied map', () => {
    const map = PersistentMap.of([
      ['1', 'one'],
      ['2', 'two'],
    ]);
    expect(map.keys().sort()).toEqual(['1', '2']);
    expect(map.values().sort()).toEqual(['one', 'two']);
    expect(map.has('1')).toBe(true);
    const empty = map.delete('1').delete('2');
    expect(empty.size).toBe(0);
    expect(empty.delete('1')).toBe(empty);
    expect(empty.values()).toEqual([]);
  });

  it('diffs two versions: every key added, removed or rebound, nothing else, across random histories', () => {
    const rand = prng(11);
    const [c1, c2] = collidingKeys();
    const keys = [...Array.from({ length: 300 }, (_, i) => `k${i}`), c1, c2];
    let map = PersistentMap.empty<object>();
    const versions: Array<{ map: PersistentMap<object>; model: Map<string, object> }> = [];
    let model = new Map<string, object>();
    for (let step = 0; step < 3_000; step++) {
      const key = keys[Math.floor(rand() * keys.length)];
      if (rand() < 0.35) {
        map = map.delete(key);
        model.delete(key);
      } else {
        const value = { step };
        map = map.set(key, value);
        model.set(key, value);
      }
      if (step % 50 === 0) {
        versions.push({ map, model });
        model = new Map(model);
      }
    }
    for (let i = 1; i < versions.length; i++) {
      // Diff against a recent version and against a far older one.
      for (const older of [versions[i - 1], versions[Math.floor(i / 3)]]) {
        const newer = versions[i];
        const seen: Array<[string, object | undefined, object | undefined]> = [];
        newer.map.diff(older.map, (key, before, after) => seen.push([key, before, after]));
        const expected: Array<[string, object | undefined, object | undefined]> = [];
        for (const key of new Set([...older.model.keys(), ...newer.model.keys()])) {
          const before = older.model.get(key);
          const after = newer.model.get(key);
          if (before !== after) expected.push([key, before, after]);
        }
        const byKey = (a: [string, ...unknown[]], b: [string, ...unknown[]]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
        expect(seen.sort(byKey)).toEqual(expected.sort(byKey));
      }
    }
  });

  it('diffs a map against itself as empty, and against the empty map as everything', () => {
    const map = PersistentMap.of([
      ['1', 'one'],
      ['2', 'two'],
    ]);
    const none: string[] = [];
    map.diff(map, (key) => none.push(key));
    expect(none).toEqual([]);
    const added: string[] = [];
    map.diff(PersistentMap.empty(), (key, before, after) => added.push(`${key}:${before}:${after}`));
    expect(added.sort()).toEqual(['1:undefined:one', '2:undefined:two']);
  });
});
