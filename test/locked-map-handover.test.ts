/**
 * LockedMap makes a key's async-mutex Mutex only when a second user comes (the first holder runs
 * without one): the hand-over from that first holder to the waiters must keep arrival order and
 * mutual exclusion, and a key freed by everyone starts over clean.
 */

import { LockedMap } from 'podgraph';
import { expect, test } from 'vitest';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

test('holders of one key never overlap and go in arrival order, across the first holder hand-over and after the key is freed', async () => {
  const map = new LockedMap<string, number>();
  const events: string[] = [];
  let holding = 0;
  const hold = (name: string, until: Promise<void>) =>
    map.withLock('k', async () => {
      holding++;
      events.push(`${name} in`);
      expect(holding).toBe(1);
      await until;
      events.push(`${name} out`);
      holding--;
    });

  const a = gate();
  const b = gate();
  const first = hold('a', a.promise); // no mutex yet
  const second = hold('b', b.promise); // makes the mutex, waits for a
  const third = hold('c', Promise.resolve()); // waits for b
  await Promise.resolve();
  expect(events).toEqual(['a in']);
  a.open();
  await new Promise((resolve) => setImmediate(resolve));
  expect(events).toEqual(['a in', 'a out', 'b in']);
  b.open();
  await Promise.all([first, second, third]);
  expect(events).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  expect(map.lockedKeys).toBe(0);

  // Freed by everyone: the next holder starts without a mutex again and still excludes a later one.
  const d = gate();
  const fourth = hold('d', d.promise);
  const fifth = hold('e', Promise.resolve());
  await new Promise((resolve) => setImmediate(resolve));
  expect(events.slice(6)).toEqual(['d in']);
  d.open();
  await Promise.all([fourth, fifth]);
  expect(events.slice(6)).toEqual(['d in', 'd out', 'e in', 'e out']);
  expect(map.lockedKeys).toBe(0);
});

test('a first holder that throws still hands the lock to the waiters', async () => {
  const map = new LockedMap<string, number>();
  const a = gate();
  const failure = new Error('boom');
  const first = map.withLock('k', async () => {
    await a.promise;
    throw failure;
  });
  const second = map.withLock('k', () => 'second ran');
  a.open();
  await expect(first).rejects.toBe(failure);
  await expect(second).resolves.toBe('second ran');
  expect(map.lockedKeys).toBe(0);
});
