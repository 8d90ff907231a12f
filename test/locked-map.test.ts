import { LockedMap } from 'podgraph';
import { describe, expect, test } from 'vitest';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('LockedMap', () => {
  test('is a typed map: get, has, set, delete, size', () => {
    const map = new LockedMap<string, number>();
    expect(map.set('a', 1)).toBe(map);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    expect(map.has('b')).toBe(true);
    expect(map.has('c')).toBe(false);
    expect(map.size).toBe(2);
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    expect(map.size).toBe(1);
  });

  test('snapshot is a copy that later writes do not touch', () => {
    const map = new LockedMap<string, number>();
    map.set('a', 1);
    const snapshot = map.snapshot();
    map.set('a', 2).set('b', 3);
    expect(snapshot).toBeInstanceOf(Map);
    expect([...snapshot]).toEqual([['a', 1]]);
  });

  test('withLock resolves with the result of a sync or async fn', async () => {
    const map = new LockedMap<string, number>();
    await expect(map.withLock('k', () => 7)).resolves.toBe(7);
    await expect(map.withLock('k', async () => 8)).resolves.toBe(8);
  });

  test('withLock rejects with the error of a throwing or rejecting fn and releases the lock', async () => {
    const map = new LockedMap<string, number>();
    const sync = new Error('sync');
    const async = new Error('async');
    await expect(
      map.withLock('k', () => {
        throw sync;
      }),
    ).rejects.toBe(sync);
    await expect(
      map.withLock('k', async () => {
        throw async;
      }),
    ).rejects.toBe(async);
    await expect(map.withLock('k', () => 'free again')).resolves.toBe('free again');
    expect(map.lockedKeys).toBe(0);
  });

  test('one key: holders run one after another, in arrival order', async () => {
    const map = new LockedMap<string, number>();
    const gate = deferred();
    const order: string[] = [];
    const first = map.withLock('k', async () => {
      order.push('first in');
      await gate.promise;
      order.push('first out');
    });
    const second = map.withLock('k', () => order.push('second'));
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual(['first in']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second']);
  });

  test('other keys are not blocked while one is held', async () => {
    const map = new LockedMap<string, number>();
    const gate = deferred();
    const held = map.withLock('a', () => gate.promise);
    await expect(map.withLock('b', () => 'b ran')).resolves.toBe('b ran');
    gate.resolve();
    await held;
  });

  test('a lock exists only while held or awaited', async () => {
    const map = new LockedMap<number, number>();
    const gate = deferred();
    const runs = Array.from({ length: 100 }, (_, key) => map.withLock(key % 10, () => gate.promise));
    expect(map.lockedKeys).toBe(10);
    gate.resolve();
    await Promise.all(runs);
    expect(map.lockedKeys).toBe(0);
  });

  test('check-then-act under the lock loses no update; the same code without it does', async () => {
    const guarded = new LockedMap<string, number>();
    const unguarded = new Map<string, number>();
    const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
    const increment = async (map: { get(key: string): number | undefined; set(key: string, value: number): unknown }) => {
      const seen = map.get('n') ?? 0;
      await tick(); // the await between check and act is where parallel workers interleave
      map.set('n', seen + 1);
    };
    await Promise.all(Array.from({ length: 50 }, () => guarded.withLock('n', () => increment(guarded))));
    await Promise.all(Array.from({ length: 50 }, () => increment(unguarded)));
    expect(guarded.get('n')).toBe(50);
    expect(unguarded.get('n')).toBeLessThan(50);
  });
});
