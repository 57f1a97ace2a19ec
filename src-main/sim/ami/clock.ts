/*
 * The demo PBX runs on a virtual clock: every scheduled step carries the virtual time it was planned
 * for, and the values that depend on time (Uniqueid seconds, durations, CDR times) are read from that
 * clock. In `real` mode virtual time follows the wall clock (optionally sped up); in `manual` mode it
 * only moves when a test calls `advance()`, so a scenario runs in microseconds and repeats exactly.
 */

export interface ClockOptions {
  /** Virtual epoch (ms) at start; defaults to the wall clock. */
  startMs?: number;
  /** `manual`: time moves only with `advance()`. Default `real`. */
  mode?: 'real' | 'manual';
  /** Real mode only: virtual milliseconds per wall-clock millisecond (2 = twice as fast). */
  speed?: number;
}

export interface Timer {
  readonly at: number;
  cancelled: boolean;
}

interface Task extends Timer {
  seq: number;
  run: () => void;
}

/** A binary min-heap ordered by (at, seq): same-time tasks run in the order they were scheduled. */
class TaskHeap {
  private items: Task[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Task | undefined {
    return this.items[0];
  }

  push(task: Task): void {
    const items = this.items;
    items.push(task);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): Task | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && before(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && before(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }

  clear(): void {
    this.items = [];
  }
}

function before(a: Task, b: Task): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class Clock {
  readonly mode: 'real' | 'manual';
  private readonly speed: number;
  private readonly realStart = performance.now();
  private readonly virtualStart: number;
  private manualNow: number;
  /** Time of the task being run (or last run): keeps `now()` monotonic and exact inside a step. */
  private current: number;
  private running = false;
  private readonly heap = new TaskHeap();
  private seq = 0;
  private wakeup: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private stopped = false;
  /** Called after every batch of tasks (the server flushes its write buffers there). */
  onIdle: () => void = () => undefined;
  /** A task that throws must not stop the PBX; the server logs it here. */
  onError: (err: unknown) => void = () => undefined;

  constructor(options: ClockOptions = {}) {
    this.mode = options.mode ?? 'real';
    this.speed = options.speed ?? 1;
    this.virtualStart = options.startMs ?? Date.now();
    this.manualNow = this.virtualStart;
    this.current = this.virtualStart;
  }

  /** Virtual epoch milliseconds. */
  now(): number {
    if (this.running) return this.current;
    if (this.mode === 'manual') return this.manualNow;
    const mapped = this.virtualStart + (performance.now() - this.realStart) * this.speed;
    return Math.max(this.current, Math.floor(mapped));
  }

  after(ms: number, run: () => void): Timer {
    return this.at(this.now() + Math.max(0, ms), run);
  }

  at(time: number, run: () => void): Timer {
    const task: Task = { at: Math.max(time, this.now()), seq: this.seq++, run, cancelled: false };
    this.heap.push(task);
    if (this.mode === 'real') this.arm();
    return task;
  }

  cancel(timer: Timer | undefined): void {
    if (timer) timer.cancelled = true;
  }

  /** Manual mode: moves virtual time forward, running every task that falls due on the way. */
  advance(ms: number): void {
    if (this.mode !== 'manual') throw new Error('advance() needs a manual clock');
    const target = this.manualNow + ms;
    this.runUntil(target);
    this.manualNow = target;
    this.current = target;
    this.onIdle();
  }

  /** Pending tasks (for tests and the CLI). */
  get pending(): number {
    return this.heap.size;
  }

  stop(): void {
    this.stopped = true;
    if (this.wakeup) clearTimeout(this.wakeup);
    this.wakeup = undefined;
    this.heap.clear();
  }

  private runUntil(limit: number): void {
    for (;;) {
      const next = this.heap.peek();
      if (!next || next.at > limit || this.stopped) return;
      this.heap.pop();
      if (next.cancelled) continue;
      this.running = true;
      this.current = next.at;
      if (this.mode === 'manual') this.manualNow = next.at;
      try {
        next.run();
      } catch (err) {
        this.onError(err);
      } finally {
        this.running = false;
      }
    }
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.heap.peek();
    if (!next) return;
    if (this.wakeup && this.wakeAt <= next.at) return;
    if (this.wakeup) clearTimeout(this.wakeup);
    const mapped = this.virtualStart + (performance.now() - this.realStart) * this.speed;
    const delay = Math.max(0, (next.at - mapped) / this.speed);
    this.wakeAt = next.at;
    this.wakeup = setTimeout(() => {
      this.wakeup = undefined;
      this.wakeAt = Infinity;
      const now = this.virtualStart + (performance.now() - this.realStart) * this.speed;
      // Timers fire a little early or late; the task that armed this wake-up is due either way.
      this.runUntil(Math.max(now, next.at));
      this.onIdle();
      this.arm();
    }, delay);
    this.wakeup.unref?.();
  }
}
