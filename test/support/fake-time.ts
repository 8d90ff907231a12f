import type { OperationRecord } from 'podgraph';
import { afterEach, beforeEach, vi } from 'vitest';

/** Every test of the enclosing describe runs on vitest's fake timers, and real ones are back after it. */
export function fakeTimersInEachTest(): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** Runs `work` to the end on vitest's fake timers (call `vi.useFakeTimers()` first). */
export async function onFakeTime<T>(work: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  return work;
}

/** Fake milliseconds from `since` to the last call's end. */
export function makespan(log: readonly OperationRecord[], since: number): number {
  return Math.max(since, ...log.map((record) => record.end ?? Infinity)) - since;
}

/** Most calls in flight at once, from the log's start/end ticks. */
export function maxInFlight(log: readonly OperationRecord[]): number {
  const edges = log.flatMap((record) => [
    { tick: record.startTick, delta: 1 },
    { tick: record.endTick ?? Infinity, delta: -1 },
  ]);
  edges.sort((a, b) => a.tick - b.tick);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.delta;
    most = Math.max(most, now);
  }
  return most;
}
