/**
 * Order, bound and schedule quality on a logical clock: MemoryRuntime's latency runs on vitest's
 * fake timers, so makespans are exact and nothing depends on the machine's speed.
 */

import { ContainerGraph, type ContainerSpec, type GraphSpec, MemoryRuntime, removeGraph } from 'podgraph';
import { describe, expect, test } from 'vitest';
import { fakeTimersInEachTest, makespan, maxInFlight, onFakeTime } from './support/fake-time.ts';

const LATENCY = 10;

function chain(prefix: string, length: number): ContainerSpec[] {
  return Array.from({ length }, (_, i) => ({ id: `${prefix}${i}`, dependsOn: i === 0 ? [] : [`${prefix}${i - 1}`] }));
}

function singles(prefix: string, count: number): ContainerSpec[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}` }));
}

async function timedRemoval(spec: GraphSpec, concurrency: number) {
  const runtime = new MemoryRuntime(spec, { latency: LATENCY, clock: () => Date.now(), wholePods: false });
  const since = Date.now();
  const report = await onFakeTime(removeGraph(ContainerGraph.fromSpec(spec), { all: true, runtime, concurrency }));
  return { report, runtime, makespan: makespan(runtime.log, since), inFlight: maxInFlight(runtime.log) };
}

describe('scheduling', () => {
  fakeTimersInEachTest();

  test('a chain takes one latency per link, whatever the concurrency', async () => {
    const run = await timedRemoval({ containers: chain('c', 12) }, 8);
    expect(run.report.ok).toBe(true);
    expect(run.makespan).toBe(12 * LATENCY);
    expect(run.inFlight).toBe(1);
    expect(run.runtime.log.map((record) => record.id)).toEqual(
      chain('c', 12)
        .map((ctr) => ctr.id)
        .reverse(),
    );
  });

  test('independent containers fill every slot: ceil(n / concurrency) latencies', async () => {
    const run = await timedRemoval({ containers: singles('s', 21) }, 4);
    expect(run.makespan).toBe(Math.ceil(21 / 4) * LATENCY);
    expect(run.inFlight).toBe(4);
  });

  test('concurrency Infinity starts everything ready at once', async () => {
    const run = await timedRemoval({ containers: singles('s', 50) }, Infinity);
    expect(run.makespan).toBe(LATENCY);
    expect(run.inFlight).toBe(50);
  });

  test('critical path first: the long chain starts before short work listed ahead of it', async () => {
    // 12 singles come first in input order; a FIFO or index order would leave the chain for last (90 ms).
    const spec = { containers: [...singles('s', 12), ...chain('c', 5)] };
    const run = await timedRemoval(spec, 3);
    const lowerBound = LATENCY * Math.max(5, Math.ceil(17 / 3));
    expect(run.makespan).toBe(lowerBound);
    expect(run.runtime.log[0].id).toBe('c4');
  });

  test('pods are removed in parallel, each right after its own members', async () => {
    const spec: GraphSpec = { pods: [], containers: [] };
    for (let p = 0; p < 4; p++) {
      spec.pods!.push({ id: `p${p}` });
      spec.containers!.push({ id: `p${p}-infra`, pod: `p${p}`, infra: true, state: 'running' });
      spec.containers!.push({ id: `p${p}-db`, pod: `p${p}` }, { id: `p${p}-app`, pod: `p${p}`, dependsOn: [`p${p}-db`] });
    }
    const run = await timedRemoval(spec, 4);
    // Each pod is a chain of three calls (app, db, pod); four pods fit side by side in four slots.
    expect(run.makespan).toBe(3 * LATENCY);
    for (let p = 0; p < 4; p++) {
      const podCall = run.runtime.log.find((record) => record.op === 'removePod' && record.id === `p${p}`)!;
      const members = run.runtime.log.filter((record) => record.id.startsWith(`p${p}-`));
      expect(members.map((record) => record.id)).toEqual([`p${p}-app`, `p${p}-db`]);
      expect(members.every((record) => record.endTick! < podCall.startTick)).toBe(true);
    }
  });

  test('work-conserving: a slot freed by one branch is taken by another branch at once', async () => {
    // Two chains of different lengths and some singles, concurrency 2: no slot may idle while work is ready.
    const spec = { containers: [...chain('long', 6), ...chain('short', 2), ...singles('s', 4)] };
    const run = await timedRemoval(spec, 2);
    expect(run.makespan).toBe(LATENCY * Math.max(6, Math.ceil(12 / 2)));
    expect(run.inFlight).toBe(2);
  });

  test('the bound holds with runtime calls of different lengths', async () => {
    const spec = { containers: [...chain('c', 8), ...singles('s', 30)] };
    const runtime = new MemoryRuntime(spec, {
      latency: (call) => 1 + (call.id.charCodeAt(call.id.length - 1) % 7),
      clock: () => Date.now(),
    });
    const report = await onFakeTime(removeGraph(ContainerGraph.fromSpec(spec), { all: true, runtime, concurrency: 3 }));
    expect(report.ok).toBe(true);
    expect(maxInFlight(runtime.log)).toBe(3);
  });
});
