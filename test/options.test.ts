import {
  ContainerGraph,
  type GraphSpec,
  MemoryRuntime,
  PodgraphError,
  type RemoveCallOptions,
  type RemoveOptions,
  type Runtime,
  removeGraph,
} from 'podgraph';
import { afterEach, describe, expect, test, vi } from 'vitest';

afterEach(() => {
  vi.useRealTimers();
});

const spec: GraphSpec = {
  pods: [{ id: 'P' }],
  containers: [
    { id: 'I', pod: 'P', infra: true },
    { id: 'm', pod: 'P' },
    { id: 'a', state: 'running' },
    { id: 'b', dependsOn: ['a'] },
  ],
};

/** A runtime that records every call and its options, and delegates to a MemoryRuntime. */
function spyRuntime(seed: GraphSpec = spec) {
  const memory = new MemoryRuntime(seed, { wholePods: false });
  const calls: { op: 'removeContainer' | 'removePod'; id: string; options: RemoveCallOptions }[] = [];
  const runtime: Runtime = {
    inspect: () => memory.inspect(),
    removeContainer: (id, options) => {
      calls.push({ op: 'removeContainer', id, options });
      return memory.removeContainer(id, options);
    },
    removePod: (id, options) => {
      calls.push({ op: 'removePod', id, options });
      return memory.removePod(id, options);
    },
  };
  return { runtime, memory, calls };
}

/** Expects removeGraph to reject with INVALID_ARG whose message contains every `parts`, with no runtime call. */
async function invalid(options: Record<string, unknown>, ...parts: string[]): Promise<PodgraphError> {
  const graph = ContainerGraph.fromSpec(spec);
  const { runtime, calls } = spyRuntime();
  let caught: unknown;
  let resolved = false;
  try {
    await removeGraph(graph, { runtime, ...options } as RemoveOptions);
    resolved = true;
  } catch (error) {
    caught = error;
  }
  expect(resolved, 'removeGraph should reject').toBe(false);
  expect(caught).toBeInstanceOf(PodgraphError);
  const error = caught as PodgraphError;
  expect(error.code).toBe('INVALID_ARG');
  for (const part of parts) expect(error.message).toContain(part);
  expect(calls).toEqual([]);
  return error;
}

describe('INVALID_ARG before any runtime call', () => {
  test('no targets', async () => {
    await invalid({});
    await invalid({ pods: [], containers: [] });
    await invalid({ all: false });
    await invalid({ depend: true, force: true });
  });

  test('`all` with pods or containers', async () => {
    await invalid({ all: true, pods: ['P'] }, '`all`');
    await invalid({ all: true, containers: ['a'] }, '`all`');
    await invalid({ all: true, pods: ['P'], containers: ['a'] }, '`all`');
  });

  test.each([
    [0, '`0` (number)'],
    [-1, '`-1` (number)'],
    [1.5, '`1.5` (number)'],
    [Number.NaN, '`NaN` (number)'],
    ['3', '`"3"` (string)'],
    [-Infinity, '`-Infinity` (number)'],
  ])('concurrency %s', async (value, shown) => {
    const error = await invalid({ all: true, concurrency: value }, '`concurrency`', shown);
    expect(error.message).toBe(`Expected \`concurrency\` to be an integer from 1 and up or \`Infinity\`, got ${shown}`);
  });

  test('concurrency null is INVALID_ARG (like timeout null), not the default', async () => {
    await invalid({ all: true, concurrency: null }, '`concurrency`', '`null` (null)');
  });

  test.each([
    [-1, '`-1` (number)'],
    [Number.NaN, '`NaN` (number)'],
    [Infinity, '`Infinity` (number)'],
    ['5', '`"5"` (string)'],
    [null, '`null` (null)'],
  ])('timeout %s', async (value, shown) => {
    await invalid({ all: true, timeout: value }, '`timeout`', shown);
  });

  test.each(['all', 'force', 'depend', 'ignore'])('non-boolean %s', async (flag) => {
    const targets = flag === 'all' ? {} : { containers: ['b'] };
    await invalid({ ...targets, [flag]: 'yes' }, `\`${flag}\``, '`"yes"` (string)');
    await invalid({ ...targets, [flag]: 1 }, `\`${flag}\``, '`1` (number)');
  });

  test.each([
    ['a string', 'P'],
    ['numbers', [1]],
    ['a mix', ['P', 2]],
    ['an object', { 0: 'P' }],
  ])('pods not an array of strings: %s', async (_label, pods) => {
    await invalid({ pods }, '`pods`');
  });

  test('containers not an array of strings', async () => {
    await invalid({ containers: 'b' }, '`containers`', '`"b"` (string)');
    await invalid({ containers: [null] }, '`containers`');
  });

  test('a graph that is not a ContainerGraph', async () => {
    const { runtime, calls } = spyRuntime();
    for (const graph of [{}, null, ContainerGraph.fromSpec(spec).toSpec(), Object.create(ContainerGraph.prototype)]) {
      const promise = removeGraph(graph as ContainerGraph, { all: true, runtime });
      await expect(promise).rejects.toBeInstanceOf(PodgraphError);
      await expect(promise).rejects.toMatchObject({ code: 'INVALID_ARG' });
    }
    expect(calls).toEqual([]);
  });

  test('a non-object options argument', async () => {
    const graph = ContainerGraph.fromSpec(spec);
    await expect(removeGraph(graph, null as unknown as RemoveOptions)).rejects.toMatchObject({ code: 'INVALID_ARG' });
  });
});

describe('accepted values', () => {
  test.each([1, 2, Infinity])('concurrency %s is accepted', async (concurrency) => {
    const { runtime, calls, memory } = spyRuntime();
    const report = await removeGraph(ContainerGraph.fromSpec(spec), { all: true, force: true, concurrency, runtime });
    expect(report.ok).toBe(true);
    expect(calls.length).toBeGreaterThan(0);
    expect(await memory.inspect()).toEqual({ pods: [], containers: [] });
  });

  test.each([0, 2.5, 30])('timeout %s is accepted and passed to the runtime', async (timeout) => {
    const graph = ContainerGraph.fromSpec(spec);
    const runtime = new MemoryRuntime(spec, { wholePods: false });
    const report = await removeGraph(graph, { all: true, force: true, timeout, runtime });
    expect(report.ok).toBe(true);
    expect(runtime.log.length).toBe(4);
    for (const record of runtime.log) expect(record.timeout).toBe(timeout);
  });
});

describe('implied options', () => {
  test('`force` implies ignore: unknown targets are skipped', async () => {
    const runtime = new MemoryRuntime(spec, { wholePods: false });
    const report = await removeGraph(ContainerGraph.fromSpec(spec), { containers: ['ghost', 'b'], pods: ['nopod'], force: true, runtime });
    expect([...report.containers.keys()]).toEqual(['b']);
    expect(report.pods.size).toBe(0);
    expect(report.ok).toBe(true);
    expect(runtime.has('b')).toBe(false);
  });

  test('`ignore: false` with `force` still ignores unknown targets', async () => {
    const runtime = new MemoryRuntime(spec, { wholePods: false });
    const report = await removeGraph(ContainerGraph.fromSpec(spec), { containers: ['ghost', 'b'], force: true, ignore: false, runtime });
    expect(report.containers.get('b')).toBeNull();
  });

  test('without force, a running container is refused (force is what lets it go)', async () => {
    const runtime = new MemoryRuntime(spec, { wholePods: false });
    const report = await removeGraph(ContainerGraph.fromSpec(spec), { containers: ['a', 'b'], runtime });
    expect(report.containers.get('a')?.code).toBe('CTR_STATE_INVALID');
    expect(runtime.log.find((r) => r.id === 'a')?.force).toBe(false);
  });

  test('`all` implies depend, even with `depend: false`', async () => {
    const runtime = new MemoryRuntime(spec, { wholePods: false });
    const report = await removeGraph(ContainerGraph.fromSpec(spec), { all: true, depend: false, force: true, runtime });
    expect(report.ok).toBe(true);
    expect(await runtime.inspect()).toEqual({ pods: [], containers: [] });
  });

  test('without `depend`, a dependent is not selected', async () => {
    const runtime = new MemoryRuntime(spec, { wholePods: false });
    const report = await removeGraph(ContainerGraph.fromSpec(spec), { containers: ['a'], force: true, runtime });
    expect([...report.containers.keys()]).toEqual(['a']);
    expect(report.containers.get('a')?.code).toBe('CTR_EXISTS');
    expect(runtime.log).toEqual([]);
    const withDepend = await removeGraph(ContainerGraph.fromSpec(spec), { containers: ['a'], force: true, depend: true, runtime });
    expect([...withDepend.containers.keys()].sort()).toEqual(['a', 'b']);
    expect(withDepend.ok).toBe(true);
  });
});

describe('what reaches the runtime', () => {
  test('force, timeout and the AbortSignal are passed to every call', async () => {
    const { runtime, calls } = spyRuntime();
    const controller = new AbortController();
    const report = await removeGraph(ContainerGraph.fromSpec(spec), {
      all: true,
      force: true,
      timeout: 7,
      signal: controller.signal,
      runtime,
    });
    expect(report.ok).toBe(true);
    expect(calls.map((c) => `${c.op}:${c.id}`).sort()).toEqual([
      'removeContainer:a',
      'removeContainer:b',
      'removeContainer:m',
      'removePod:P',
    ]);
    for (const call of calls) {
      expect(call.options.force).toBe(true);
      expect(call.options.timeout).toBe(7);
      expect(call.options.signal).toBe(controller.signal);
    }
  });

  test('without force and timeout: force false, no timeout', async () => {
    const { runtime, calls } = spyRuntime();
    await removeGraph(ContainerGraph.fromSpec(spec), { containers: ['b'], runtime });
    expect(calls).toHaveLength(1);
    expect(calls[0].options.force).toBe(false);
    expect(calls[0].options.timeout).toBeUndefined();
  });

  test('volumes reaches every removeContainer call, and only when asked for', async () => {
    const { runtime, calls } = spyRuntime();
    await removeGraph(ContainerGraph.fromSpec(spec), { containers: ['b'], volumes: true, runtime });
    expect(calls.map((c) => [c.id, c.options.volumes])).toEqual([['b', true]]);
    const plain = spyRuntime();
    await removeGraph(ContainerGraph.fromSpec(spec), { containers: ['b'], runtime: plain.runtime });
    expect(plain.calls[0].options.volumes).toBeUndefined();
  });

  test('MemoryRuntime log records volumes for each container call', async () => {
    const runtime = new MemoryRuntime(spec, { wholePods: false });
    await removeGraph(ContainerGraph.fromSpec(spec), { pods: ['P'], containers: ['b'], volumes: true, runtime });
    expect(runtime.log.map((r) => [r.op, r.id, r.volumes]).sort()).toEqual([
      ['removeContainer', 'b', true],
      ['removeContainer', 'm', true],
      ['removePod', 'P', undefined],
    ]);
  });

  test('`volumes` must be a boolean', async () => {
    await invalid({ all: true, volumes: 'yes' }, '`volumes`', '"yes"');
  });

  test('MemoryRuntime log shows force and timeout of each call', async () => {
    const runtime = new MemoryRuntime(spec, { wholePods: false });
    await removeGraph(ContainerGraph.fromSpec(spec), { pods: ['P'], containers: ['b'], timeout: 3, runtime });
    expect(runtime.log.map((r) => [r.op, r.id, r.force, r.timeout]).sort()).toEqual([
      ['removeContainer', 'b', false, 3],
      ['removeContainer', 'm', false, 3],
      ['removePod', 'P', false, 3],
    ]);
  });
});

describe('concurrency bound (fake-timer latency)', () => {
  const wide: GraphSpec = {
    containers: Array.from({ length: 8 }, (_v, k) => ({ id: `w${k}` })),
  };

  /** Highest number of calls in flight at once, from the log's ticks. */
  function peak(runtime: MemoryRuntime): number {
    const marks = runtime.log.flatMap((r) => [
      [r.startTick, 1],
      [r.endTick!, -1],
    ]);
    marks.sort((x, y) => x[0] - y[0]);
    let now = 0;
    let top = 0;
    for (const [, delta] of marks) {
      now += delta;
      top = Math.max(top, now);
    }
    return top;
  }

  test.each([
    [1, 1],
    [3, 3],
    [Infinity, 8],
  ])('concurrency %s: at most that many calls in flight, and it is reached', async (concurrency, expected) => {
    vi.useFakeTimers();
    const runtime = new MemoryRuntime(wide, { latency: 10 });
    const pending = removeGraph(ContainerGraph.fromSpec(wide), { all: true, concurrency, runtime });
    await vi.runAllTimersAsync();
    const report = await pending;
    expect(report.ok).toBe(true);
    expect(runtime.log).toHaveLength(8);
    expect(peak(runtime)).toBe(expected);
  });
});
