import { ContainerGraph, type GraphSpec, MemoryRuntime, PodgraphError, removeGraph } from 'podgraph';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { fakeTimersInEachTest, onFakeTime } from './support/fake-time.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

const chainSpec: GraphSpec = {
  containers: [
    { id: 'c1' },
    { id: 'c2', dependsOn: ['c1'] },
    { id: 'c3', dependsOn: ['c2'] },
    { id: 'c4', dependsOn: ['c3'] },
    { id: 'c5', dependsOn: ['c4'] },
  ],
};

function codes(map: Map<string, PodgraphError | null>): Record<string, string | null> {
  return Object.fromEntries([...map].map(([id, error]) => [id, error?.code ?? null]));
}

describe('cancellation', () => {
  fakeTimersInEachTest();

  test('abort mid-removal: the call in flight gets the signal, nothing new starts, the rest is ABORTED', async () => {
    const runtime = new MemoryRuntime(chainSpec, { latency: 10, clock: () => Date.now() });
    const controller = new AbortController();
    const since = Date.now();
    setTimeout(() => controller.abort(new Error('user pressed Ctrl-C')), 25);
    const report = await onFakeTime(removeGraph(ContainerGraph.fromSpec(chainSpec), { all: true, runtime, signal: controller.signal }));
    expect(codes(report.containers)).toEqual({ c1: 'ABORTED', c2: 'ABORTED', c3: 'ABORTED', c4: null, c5: null });
    expect(report.ok).toBe(false);
    expect(runtime.log.map((record) => [record.id, record.result])).toEqual([
      ['c5', 'removed'],
      ['c4', 'removed'],
      ['c3', 'ABORTED'],
    ]);
    expect(runtime.log.every((record) => record.start < since + 25)).toBe(true);
    expect(runtime.has('c3') && runtime.has('c2') && runtime.has('c1')).toBe(true);
    const notAttempted = report.containers.get('c1')!;
    expect(notAttempted).toBeInstanceOf(PodgraphError);
    expect((notAttempted.cause as Error).message).toBe('user pressed Ctrl-C');
  });

  test('a hanging call ends when aborted; independent work done before the abort stays done', async () => {
    const spec: GraphSpec = { containers: [...chainSpec.containers!, { id: 'solo' }] };
    const runtime = new MemoryRuntime(spec, { latency: 1, hang: (call) => call.id === 'c4' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const report = await onFakeTime(removeGraph(ContainerGraph.fromSpec(spec), { all: true, runtime, signal: controller.signal }));
    expect(codes(report.containers)).toEqual({ c1: 'ABORTED', c2: 'ABORTED', c3: 'ABORTED', c4: 'ABORTED', c5: null, solo: null });
    expect(runtime.has('c4')).toBe(true);
  });

  test('an already aborted signal: no runtime call, every item ABORTED', async () => {
    const runtime = new MemoryRuntime(chainSpec);
    const report = await removeGraph(ContainerGraph.fromSpec(chainSpec), { all: true, runtime, signal: AbortSignal.abort() });
    expect(runtime.log).toEqual([]);
    expect(new Set(Object.values(codes(report.containers)))).toEqual(new Set(['ABORTED']));
  });

  test('after an abort, an item whose dependent failed is DEPENDENCY_FAILED, not ABORTED', async () => {
    const spec: GraphSpec = { containers: [{ id: 'base' }, { id: 'bad', dependsOn: ['base'] }, { id: 'slow', dependsOn: ['base'] }] };
    const runtime = new MemoryRuntime(spec, {
      latency: (call) => (call.id === 'slow' ? 100 : 5),
      fail: (call) => (call.id === 'bad' ? new Error('disk on fire') : undefined),
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const report = await onFakeTime(removeGraph(ContainerGraph.fromSpec(spec), { all: true, runtime, signal: controller.signal }));
    expect(codes(report.containers)).toEqual({ base: 'DEPENDENCY_FAILED', bad: 'RUNTIME', slow: 'ABORTED' });
  });

  test('pods not yet removed when the signal aborts are ABORTED with their infra container', async () => {
    const spec: GraphSpec = {
      pods: [{ id: 'p' }],
      containers: [
        { id: 'infra', pod: 'p', infra: true },
        { id: 'm', pod: 'p' },
      ],
    };
    const runtime = new MemoryRuntime(spec, { latency: 10, wholePods: false });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 15);
    const report = await onFakeTime(removeGraph(ContainerGraph.fromSpec(spec), { all: true, runtime, signal: controller.signal }));
    expect(codes(report.containers)).toEqual({ infra: 'ABORTED', m: null });
    expect(codes(report.pods)).toEqual({ p: 'ABORTED' });
    expect(runtime.hasPod('p')).toBe(true);
  });

  test('many calls in flight on one signal raise no listener-leak warning', async () => {
    const spec: GraphSpec = { containers: Array.from({ length: 40 }, (_, i) => ({ id: `s${i}` })) };
    const warn = vi.spyOn(process, 'emitWarning');
    const report = await onFakeTime(
      removeGraph(ContainerGraph.fromSpec(spec), {
        all: true,
        concurrency: 30,
        runtime: new MemoryRuntime(spec, { latency: 5 }),
        signal: new AbortController().signal,
      }),
    );
    expect(report.ok).toBe(true);
    expect(warn.mock.calls.map((call) => String(call[0]))).not.toContainEqual(expect.stringContaining('MaxListenersExceeded'));
    warn.mockRestore();
  });

  test('the abort listener is removed when the call ends', async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    await onFakeTime(removeGraph(ContainerGraph.fromSpec(chainSpec), { all: true, signal: controller.signal }));
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });
});

describe('listeners', () => {
  test('a throwing onEvent listener neither stops nor changes the removal, and is reported once', async () => {
    const graph = ContainerGraph.fromSpec(chainSpec);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    let events = 0;
    const report = await removeGraph(graph, {
      all: true,
      onEvent: () => {
        events++;
        throw new Error('listener bug');
      },
    });
    const quiet = await removeGraph(graph, { all: true });
    expect(report).toEqual(quiet);
    expect(report.ok).toBe(true);
    expect(events).toBe(10); // a start and a removed event per container
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

describe('overlapping calls on one runtime', () => {
  fakeTimersInEachTest();

  test('no item is reported failed because another call removed it first', async () => {
    const spec: GraphSpec = {
      pods: [{ id: 'p' }],
      containers: [
        { id: 'infra', pod: 'p', infra: true },
        { id: 'db', pod: 'p' },
        { id: 'app', pod: 'p', dependsOn: ['db'] },
        ...chainSpec.containers!,
      ],
    };
    const runtime = new MemoryRuntime(spec, { latency: (call) => (call.id.length % 3) + 1 });
    const graph = ContainerGraph.fromSpec(spec);
    const reports = await onFakeTime(
      Promise.all([
        removeGraph(graph, { all: true, runtime }),
        removeGraph(graph, { pods: ['p'], containers: ['c3'], depend: true, runtime }),
        removeGraph(ContainerGraph.fromSpec(spec), { containers: ['c1', 'db'], depend: true, runtime }),
      ]),
    );
    for (const report of reports) expect(report.ok).toBe(true);
    const removed = runtime.log.filter((record) => record.result === 'removed').map((record) => record.id);
    expect(new Set(removed).size).toBe(removed.length);
    expect(await runtime.inspect()).toEqual({ pods: [], containers: [] });
  });
});
