/**
 * An immutable string-keyed map (a hash array mapped trie). Every update returns a new map that
 * shares all untouched nodes with the old one, so changing one channel among thousands copies a
 * handful of small arrays (one per trie level, at most 7) instead of the whole table, and the old
 * map stays valid: that is what lets the live-state reducer be pure and still cost O(log₃₂ n) per
 * event. Updates that change nothing return the same map object, so callers can compare with `===`.
 */

const BITS = 5;
const MASK = (1 << BITS) - 1;

// Node kinds, checked by a field rather than instanceof: one load on the hot path.
const LEAF = 0;
const COLLISION = 1;
const BRANCH = 2;

class Leaf<V> {
  readonly kind = LEAF;
  constructor(
    readonly hash: number,
    readonly key: string,
    readonly value: V,
  ) {}
}

/** Keys whose 32-bit hashes are equal (rare): a flat list compared by key. */
class Collision<V> {
  readonly kind = COLLISION;
  constructor(
    readonly hash: number,
    readonly leaves: readonly Leaf<V>[],
  ) {}
}

/** Up to 32 children, stored densely; `bitmap` says which of the 32 slots are present. */
class Branch<V> {
  readonly kind = BRANCH;
  constructor(
    readonly bitmap: number,
    readonly children: readonly TrieNode<V>[],
  ) {}
}

type TrieNode<V> = Leaf<V> | Collision<V> | Branch<V>;

/**
 * FNV-1a over UTF-16 code units: cheap, and good enough spread for Uniqueids and extension numbers.
 * Exported so tests can build colliding keys.
 */
export function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function slotOf(hash: number, shift: number): number {
  return (hash >>> shift) & MASK;
}

function getIn<V>(node: TrieNode<V> | null, hash: number, key: string): V | undefined {
  let shift = 0;
  while (node !== null) {
    if (node.kind === BRANCH) {
      const bit = 1 << slotOf(hash, shift);
      if ((node.bitmap & bit) === 0) return undefined;
      node = node.children[popcount(node.bitmap & (bit - 1))];
      shift += BITS;
    } else if (node.kind === LEAF) {
      return node.key === key ? node.value : undefined;
    } else {
      if (node.hash !== hash) return undefined;
      for (const leaf of node.leaves) if (leaf.key === key) return leaf.value;
      return undefined;
    }
  }
  return undefined;
}

/** A branch holding two nodes whose hashes differ (they always diverge before the 32 bits run out). */
function join<V>(a: TrieNode<V> & { hash: number }, b: Leaf<V>, shift: number): TrieNode<V> {
  const sa = slotOf(a.hash, shift);
  const sb = slotOf(b.hash, shift);
  if (sa === sb) return new Branch(1 << sa, [join(a, b, shift + BITS)]);
  return new Branch((1 << sa) | (1 << sb), sa < sb ? [a, b] : [b, a]);
}

function withChild<V>(children: readonly TrieNode<V>[], index: number, child: TrieNode<V>): TrieNode<V>[] {
  const copy = children.slice();
  copy[index] = child;
  return copy;
}

/** Returns the same node when nothing changed; sets `grew` when a key was added. */
function setIn<V>(node: TrieNode<V> | null, shift: number, leaf: Leaf<V>, grew: { value: boolean }): TrieNode<V> {
  if (node === null) {
    grew.value = true;
    return leaf;
  }
  if (node.kind === BRANCH) {
    const bit = 1 << slotOf(leaf.hash, shift);
    const index = popcount(node.bitmap & (bit - 1));
    if ((node.bitmap & bit) === 0) {
      grew.value = true;
      const children = node.children.slice();
      children.splice(index, 0, leaf);
      return new Branch(node.bitmap | bit, children);
    }
    const child = node.children[index];
    const next = setIn(child, shift + BITS, leaf, grew);
    return next === child ? node : new Branch(node.bitmap, withChild(node.children, index, next));
  }
  if (node.kind === LEAF) {
    if (node.key === leaf.key) return node.value === leaf.value ? node : leaf;
    grew.value = true;
    if (node.hash === leaf.hash) return new Collision(leaf.hash, [node, leaf]);
    return join(node, leaf, shift);
  }
  if (node.hash !== leaf.hash) {
    grew.value = true;
    return join(node, leaf, shift);
  }
  const at = node.leaves.findIndex((l) => l.key === leaf.key);
  if (at < 0) {
    grew.value = true;
    return new Collision(node.hash, [...node.leaves, leaf]);
  }
  if (node.leaves[at].value === leaf.value) return node;
  const leaves = node.leaves.slice();
  leaves[at] = leaf;
  return new Collision(node.hash, leaves);
}

/** Returns the same node when the key is absent, null when the node became empty. */
function deleteIn<V>(node: TrieNode<V>, shift: number, hash: number, key: string): TrieNode<V> | null {
  if (node.kind === BRANCH) {
    const bit = 1 << slotOf(hash, shift);
    if ((node.bitmap & bit) === 0) return node;
    const index = popcount(node.bitmap & (bit - 1));
    const child = node.children[index];
    const next = deleteIn(child, shift + BITS, hash, key);
    if (next === child) return node;
    if (next !== null) {
      // A lone leaf may float up: its position is found by hash at any depth.
      if (node.children.length === 1 && next.kind !== BRANCH) return next;
      return new Branch(node.bitmap, withChild(node.children, index, next));
    }
    if (node.children.length === 1) return null;
    const children = node.children.slice();
    children.splice(index, 1);
    if (children.length === 1 && children[0].kind !== BRANCH) return children[0];
    return new Branch(node.bitmap & ~bit, children);
  }
  if (node.kind === LEAF) return node.key === key ? null : node;
  if (node.hash !== hash) return node;
  const leaves = node.leaves.filter((l) => l.key !== key);
  if (leaves.length === node.leaves.length) return node;
  return leaves.length === 1 ? leaves[0] : new Collision(node.hash, leaves);
}

function eachIn<V>(node: TrieNode<V>, fn: (value: V, key: string) => void): void {
  if (node.kind === BRANCH) {
    for (const child of node.children) eachIn(child, fn);
  } else if (node.kind === LEAF) {
    fn(node.value, node.key);
  } else {
    for (const leaf of node.leaves) fn(leaf.value, leaf.key);
  }
}

export type DiffVisitor<V> = (key: string, before: V | undefined, after: V | undefined) => void;

/**
 * Reports every key whose value differs between two tries. Subtrees the two share are skipped
 * unvisited, so after a few updates the cost is a few paths, not the size of the map. Where the
 * shapes differ (a leaf on one side, a branch on the other) both sides are small: compare entries.
 */
function diffIn<V>(before: TrieNode<V> | null, after: TrieNode<V> | null, visit: DiffVisitor<V>): void {
  if (before === after) return;
  if (before !== null && after !== null && before.kind === BRANCH && after.kind === BRANCH) {
    let slots = before.bitmap | after.bitmap;
    while (slots !== 0) {
      const bit = slots & -slots;
      slots ^= bit;
      const b = (before.bitmap & bit) === 0 ? null : before.children[popcount(before.bitmap & (bit - 1))];
      const a = (after.bitmap & bit) === 0 ? null : after.children[popcount(after.bitmap & (bit - 1))];
      diffIn(b, a, visit);
    }
    return;
  }
  const old = new Map<string, V>();
  if (before !== null) eachIn(before, (value, key) => old.set(key, value));
  if (after !== null) {
    eachIn(after, (value, key) => {
      const was = old.get(key);
      const had = old.delete(key);
      if (!had || was !== value) visit(key, was, value);
    });
  }
  for (const [key, value] of old) visit(key, value, undefined);
}

export class PersistentMap<V> {
  private static readonly EMPTY = new PersistentMap<never>(null, 0);

  private constructor(
    private readonly root: TrieNode<V> | null,
    readonly size: number,
  ) {}

  static empty<V>(): PersistentMap<V> {
    return PersistentMap.EMPTY as PersistentMap<V>;
  }

  static of<V>(entries: Iterable<readonly [string, V]>): PersistentMap<V> {
    let map = PersistentMap.empty<V>();
    for (const [key, value] of entries) map = map.set(key, value);
    return map;
  }

  get(key: string): V | undefined {
    return getIn(this.root, hashOf(key), key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** A map with `key` bound to `value`; this same map when it already was (by identity). */
  set(key: string, value: V): PersistentMap<V> {
    const grew = { value: false };
    const root = setIn(this.root, 0, new Leaf(hashOf(key), key, value), grew);
    if (root === this.root) return this;
    return new PersistentMap(root, grew.value ? this.size + 1 : this.size);
  }

  /** A map without `key`; this same map when it had none. */
  delete(key: string): PersistentMap<V> {
    if (this.root === null) return this;
    const root = deleteIn(this.root, 0, hashOf(key), key);
    if (root === this.root) return this;
    return root === null ? PersistentMap.empty<V>() : new PersistentMap(root, this.size - 1);
  }

  /** Visits every entry once, in no particular order. */
  forEach(fn: (value: V, key: string) => void): void {
    if (this.root !== null) eachIn(this.root, fn);
  }

  /** A map with every value replaced by `change(value)`; this same map when every value came back as it was. */
  map(change: (value: V) => V): PersistentMap<V> {
    let out: PersistentMap<V> | undefined;
    this.forEach((value, key) => {
      const next = change(value);
      if (next !== value) out = (out ?? this).set(key, next);
    });
    return out ?? this;
  }

  /** Calls `visit` for every key added, removed or rebound (by identity) since `before`. */
  diff(before: PersistentMap<V>, visit: DiffVisitor<V>): void {
    diffIn(before.root, this.root, visit);
  }

  values(): V[] {
    const out: V[] = [];
    this.forEach((value) => out.push(value));
    return out;
  }

  keys(): string[] {
    const out: string[] = [];
    this.forEach((_value, key) => out.push(key));
    return out;
  }
}
