/**
 * SPEC rule 7: every removeGraph call on one runtime object shares one visited/removed map and one
 * bound on runtime calls. Each test here is one that fails when that sharing is taken away: with a
 * map per call the overlapping calls make a runtime call per call, and with a bound per call they
 * exceed the runtime's.
 */
import { ContainerGraph, defaultConcurrency, type GraphSpec, MemoryRuntime, type RemovalEvent, type Runtime, removeGraph } from 'podgraph';
import { describe, expect, test, vi } from 'vitest';
import { fakeTimersInEachTest, maxInFlight, onFakeTime } from './support/fake-time.ts';

const singles = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}` }));

function calls(runtime: MemoryRuntime, op = 'removeContainer') {
  return runtime.log.filter((record) => record.op === op).map((record) => `${record.id} ${record.result}`);
}

describe('one runtime, several calls', () => {
  fakeTimersInEachTest();

  test('calls together asking for more than the runtime bound queue on it: never more in flight than the bound', async () => {
    const spec: GraphSpec = { containers: singles('c', 12) };
    const runtime = new MemoryRuntime(spec, { latency: 10, concurrency: 3 });
    const graph = ContainerGraph.fromSpec(spec);
    const a = removeGraph(graph, { containers: singles('c', 6).map((c) => c.id), runtime, concurrency: 3 });
    const b = removeGraph(graph, { containers: ['c6', 'c7', 'c8', 'c9', 'c10', 'c11'], runtime, concurrency: 3 });
    const [ra, rb] = await onFakeTime(Promise.all([a, b]));
    expect(ra.ok && rb.ok).toBe(true);
    expect(runtime.log).toHaveLength(12);
    // Each call alone may have 3 in flight; together they may not exceed the runtime's 3.
    expect(maxInFlight(runtime.log)).toBe(3);
  });

  test('without a bound of its own, the shared one is the largest concurrency asked for by a call in flight', async () => {
    const spec: GraphSpec = { containers: singles('c', 40) };
    const runtime = new MemoryRuntime(spec, { latency: 10 });
    const graph = ContainerGraph.fromSpec(spec);
    const ids = spec.containers!.map((c) => c.id);
    const a = removeGraph(graph, { containers: ids.slice(0, 20), runtime, concurrency: 15 });
    const b = removeGraph(graph, { containers: ids.slice(20), runtime, concurrency: 15 });
    await onFakeTime(Promise.all([a, b]));
    // Not 30 (a bound per call): the larger of podman's default and the 15 each call asks for.
    expect(maxInFlight(runtime.log)).toBe(Math.min(30, Math.max(15, defaultConcurrency())));
  });

  test('two calls reaching one item at once: one runtime call, the other waits on its key lock and reports it removed', async () => {
    const spec: GraphSpec = { containers: [{ id: 'x', state: 'running' }, { id: 'y' }] };
    const runtime = new MemoryRuntime(spec, { latency: 10 });
    const graph = ContainerGraph.fromSpec(spec);
    const events: string[] = [];
    const listen = (who: string) => (e: RemovalEvent) => events.push(`${who} ${e.type} ${e.id}`);
    const a = removeGraph(graph, { containers: ['x'], force: true, runtime, onEvent: listen('a') });
    const b = removeGraph(graph, { containers: ['x', 'y'], force: true, runtime, onEvent: listen('b') });
    const [ra, rb] = await onFakeTime(Promise.all([a, b]));
    expect(ra.containers.get('x')).toBeNull();
    expect(rb.containers.get('x')).toBeNull();
    expect(calls(runtime)).toEqual(['x removed', 'y removed']);
    expect(events.filter((e) => e.endsWith(' x'))).toEqual(['a start x', 'a removed x', 'b removed x']);
  });

  test('when the call holding the lock fails (no force), the waiting call makes its own attempt', async () => {
    const spec: GraphSpec = { containers: [{ id: 'x', state: 'running' }] };
    const runtime = new MemoryRuntime(spec, { latency: 10 });
    const graph = ContainerGraph.fromSpec(spec);
    const a = removeGraph(graph, { containers: ['x'], runtime });
    const b = removeGraph(graph, { containers: ['x'], force: true, runtime });
    const [ra, rb] = await onFakeTime(Promise.all([a, b]));
    expect(ra.containers.get('x')?.code).toBe('CTR_STATE_INVALID');
    expect(rb.containers.get('x')).toBeNull();
    expect(calls(runtime)).toEqual(['x CTR_STATE_INVALID', 'x removed']);
  });

  test('an item another call removed earlier in this call’s lifetime counts as removed without a runtime call', async () => {
    // b's chain keeps it busy while a removes `shared`; b reaches `shared` long after.
    const spec: GraphSpec = {
      containers: [
        { id: 'shared' },
        { id: 'b0' },
        { id: 'b1', dependsOn: ['b0'] },
        { id: 'b2', dependsOn: ['b1'] },
        { id: 'top', dependsOn: ['b2'] },
      ],
    };
    const runtime = new MemoryRuntime(spec, { latency: 10 });
    const graph = ContainerGraph.fromSpec(spec);
    const b = removeGraph(graph, { containers: ['top', 'b2', 'b1', 'b0', 'shared'], runtime, concurrency: 1 });
    const a = removeGraph(graph, { containers: ['shared'], runtime });
    const [rb, ra] = await onFakeTime(Promise.all([b, a]));
    expect(ra.ok && rb.ok).toBe(true);
    expect(calls(runtime).filter((c) => c.startsWith('shared'))).toEqual(['shared removed']);
    expect(runtime.log).toHaveLength(5);
  });

  test('8 overlapping calls over 10,000 items make exactly 10,000 runtime calls', async () => {
    vi.useRealTimers(); // 10,000 timers are past what the fake clock runs in one go
    const spec: GraphSpec = { containers: singles('c', 10_000) };
    const runtime = new MemoryRuntime(spec, { latency: 1 });
    const graph = ContainerGraph.fromSpec(spec);
    const ids = spec.containers!.map((c) => c.id);
    // Call k takes the 5,000 items from k x 1,250 on (wrapping round): every item is in four calls.
    const windows = Array.from({ length: 8 }, (_, k) => Array.from({ length: 5_000 }, (_, j) => ids[(k * 1250 + j) % ids.length]));
    const reports = await Promise.all(windows.map((containers) => removeGraph(graph, { containers, runtime, concurrency: 16 })));
    expect(reports.every((r) => r.ok)).toBe(true);
    expect(runtime.log).toHaveLength(10_000);
    expect(new Set(runtime.log.map((r) => r.id)).size).toBe(10_000);
    expect(runtime.log.every((r) => r.result === 'removed')).toBe(true);
  });

  test('calls on two runtime objects share nothing', async () => {
    const spec: GraphSpec = { containers: [{ id: 'x' }] };
    const one = new MemoryRuntime(spec, { latency: 10 });
    const two = new MemoryRuntime(spec, { latency: 10 });
    const graph = ContainerGraph.fromSpec(spec);
    await onFakeTime(Promise.all([removeGraph(graph, { all: true, runtime: one }), removeGraph(graph, { all: true, runtime: two })]));
    expect(calls(one)).toEqual(['x removed']);
    expect(calls(two)).toEqual(['x removed']);
  });

  test("a custom runtime's own bound must be an integer from 1 or Infinity, checked before any call", async () => {
    const spec: GraphSpec = { containers: [{ id: 'x' }] };
    const removeContainer = vi.fn(async () => undefined);
    const runtime: Runtime = { concurrency: 0, inspect: async () => spec, removeContainer, removePod: async () => undefined };
    await expect(removeGraph(ContainerGraph.fromSpec(spec), { all: true, runtime })).rejects.toMatchObject({
      code: 'INVALID_ARG',
      message: "Expected the runtime's `concurrency` to be an integer from 1 and up or `Infinity`, got `0` (number)",
    });
    expect(removeContainer).not.toHaveBeenCalled();
    // The runtimes of the package check theirs when they are made.
    expect(() => new MemoryRuntime(spec, { concurrency: 0 })).toThrow('Expected `concurrency` to be an integer from 1 and up');
  });
});

describe('the default runtime', () => {
  test('a graph read with fromRuntime removes from that runtime when options.runtime is left out', async () => {
    const runtime = new MemoryRuntime({
      pods: [{ id: 'p' }],
      containers: [{ id: 'i', pod: 'p', infra: true }, { id: 'm', pod: 'p' }, { id: 'x' }],
    });
    const graph = await ContainerGraph.fromRuntime(runtime);
    const report = await removeGraph(graph, { all: true });
    expect(report.ok).toBe(true);
    expect(await runtime.inspect()).toEqual({ pods: [], containers: [] });
    // The pod goes in one call that removes its member itself, as podman's does.
    expect(runtime.log.map((r) => `${r.op} ${r.id}`).sort()).toEqual(['removeContainer x', 'removePod p']);
  });

  test('a graph from a spec removes from an in-memory copy: a simulation that leaves any runtime alone', async () => {
    const spec: GraphSpec = { containers: [{ id: 'x' }] };
    const runtime = new MemoryRuntime(spec);
    const report = await removeGraph(ContainerGraph.fromSpec(spec), { all: true });
    expect(report.ok).toBe(true);
    expect(runtime.has('x')).toBe(true);
  });

  test('a graph read from an inspect-only source has no default runtime', async () => {
    const graph = await ContainerGraph.fromRuntime({ inspect: async () => ({ containers: [{ id: 'x' }] }) });
    expect((await removeGraph(graph, { all: true })).ok).toBe(true);
  });
});
