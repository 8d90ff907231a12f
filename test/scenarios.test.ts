import {
  ContainerGraph,
  type ErrorCode,
  type GraphSpec,
  MemoryRuntime,
  type OperationRecord,
  PodgraphError,
  type RemovalEvent,
  type RemovalReport,
  type RemoveCallOptions,
  type Runtime,
  removeGraph,
} from 'podgraph';
import { afterEach, describe, expect, test, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
});

function setup(spec: GraphSpec, options?: ConstructorParameters<typeof MemoryRuntime>[1]) {
  // A call per pod member: these scenarios are about the scheduler's own calls (test/whole-pod.test.ts has podman's one-call pods).
  return { graph: ContainerGraph.fromSpec(spec), runtime: new MemoryRuntime(spec, { wholePods: false, ...options }) };
}

/** `op:id` of every runtime call, in start order. */
function calls(runtime: MemoryRuntime): string[] {
  return [...runtime.log].sort((x, y) => x.startTick - y.startTick).map((r) => `${r.op === 'removePod' ? 'pod' : 'ctr'}:${r.id}`);
}

function record(runtime: MemoryRuntime, op: OperationRecord['op'], id: string): OperationRecord {
  const found = runtime.log.filter((r) => r.op === op && r.id === id);
  expect(found, `exactly one ${op}(${id})`).toHaveLength(1);
  return found[0];
}

/** x's call ended before y's call started. */
function precedes(runtime: MemoryRuntime, x: [OperationRecord['op'], string], y: [OperationRecord['op'], string]): void {
  const rx = record(runtime, ...x);
  const ry = record(runtime, ...y);
  expect(rx.endTick!, `${x[1]} ends before ${y[1]} starts`).toBeLessThan(ry.startTick);
}

function entry(map: Map<string, PodgraphError | null>, id: string, code: ErrorCode, message?: string): PodgraphError {
  expect(map.has(id), `report has ${id}`).toBe(true);
  const error = map.get(id);
  expect(error, `${id} failed`).toBeInstanceOf(PodgraphError);
  expect(error!.code).toBe(code);
  if (message !== undefined) expect(error!.message).toBe(message);
  return error!;
}

function removedAll(report: RemovalReport, containers: string[], pods: string[] = []): void {
  expect([...report.containers.keys()].sort()).toEqual([...containers].sort());
  expect([...report.pods.keys()].sort()).toEqual([...pods].sort());
  for (const [id, outcome] of [...report.containers, ...report.pods]) expect(outcome, `${id} removed`).toBeNull();
  expect(report.ok).toBe(true);
}

async function left(runtime: MemoryRuntime): Promise<{ pods: string[]; containers: string[] }> {
  const spec = await runtime.inspect();
  return {
    pods: (spec.pods ?? []).map((p) => p.id).sort(),
    containers: (spec.containers ?? []).map((c) => c.id).sort(),
  };
}

/** Follows `cause` through PodgraphErrors to the first one that is not a blocked/derived outcome. */
function rootCause(error: PodgraphError): PodgraphError {
  let at: PodgraphError = error;
  while ((at.code === 'DEPENDENCY_FAILED' || at.code === 'REMOVING_CTRS') && at.cause instanceof PodgraphError) at = at.cause;
  return at;
}

describe('podman rm -fa', () => {
  test('--network container: dependency (b depends on a): one call removes both, b first', async () => {
    const { graph, runtime } = setup({
      containers: [
        { id: 'a', state: 'running' },
        { id: 'b', state: 'running', dependsOn: ['a'] },
      ],
    });
    const report = await removeGraph(graph, { all: true, force: true, runtime });
    removedAll(report, ['a', 'b']);
    expect(calls(runtime)).toEqual(['ctr:b', 'ctr:a']);
    precedes(runtime, ['removeContainer', 'b'], ['removeContainer', 'a']);
    expect(runtime.log.every((r) => r.force === true && r.result === 'removed')).toBe(true);
    expect(await left(runtime)).toEqual({ pods: [], containers: [] });
  });

  test('chain a <- a1 <- a2 <- a3 is removed in ONE call: a3, a2, a1, a', async () => {
    const { graph, runtime } = setup({
      containers: [
        { id: 'a', state: 'running' },
        { id: 'a1', dependsOn: ['a'], state: 'running' },
        { id: 'a2', dependsOn: ['a1'], state: 'exited' },
        { id: 'a3', dependsOn: ['a2'], state: 'running' },
      ],
    });
    const report = await removeGraph(graph, { all: true, force: true, runtime, concurrency: Infinity });
    removedAll(report, ['a', 'a1', 'a2', 'a3']);
    expect(calls(runtime)).toEqual(['ctr:a3', 'ctr:a2', 'ctr:a1', 'ctr:a']);
    precedes(runtime, ['removeContainer', 'a3'], ['removeContainer', 'a2']);
    precedes(runtime, ['removeContainer', 'a2'], ['removeContainer', 'a1']);
    precedes(runtime, ['removeContainer', 'a1'], ['removeContainer', 'a']);
    expect(await left(runtime)).toEqual({ pods: [], containers: [] });
  });
});

describe('dependents and --depend', () => {
  // b <- a <- a1 : a depends on b, a1 depends on a.
  const spec: GraphSpec = {
    containers: [{ id: 'b' }, { id: 'a', dependsOn: ['b'] }, { id: 'a1', dependsOn: ['a'] }, { id: 'other' }],
  };

  test('target with an unselected dependent: CTR_EXISTS without a runtime call; its dependencies DEPENDENCY_FAILED; nothing removed', async () => {
    const { graph, runtime } = setup(spec);
    const before = await runtime.inspect();
    const report = await removeGraph(graph, { containers: ['a', 'b'], runtime });
    expect(report.ok).toBe(false);
    expect([...report.containers.keys()].sort()).toEqual(['a', 'b']);
    expect(report.pods.size).toBe(0);
    const a = entry(report.containers, 'a', 'CTR_EXISTS', 'container a has dependent containers which must be removed before it: a1');
    const b = entry(report.containers, 'b', 'DEPENDENCY_FAILED', 'a container that depends on container b could not be removed');
    expect(b.cause).toBe(a);
    expect(runtime.log).toEqual([]);
    expect(await runtime.inspect()).toEqual(before);
  });

  test('CTR_EXISTS lists only the unselected direct dependents', async () => {
    const { graph, runtime } = setup({
      containers: [{ id: 'x' }, { id: 'd1', dependsOn: ['x'] }, { id: 'd2', dependsOn: ['x'] }, { id: 'd3', dependsOn: ['x'] }],
    });
    const report = await removeGraph(graph, { containers: ['x', 'd2'], runtime });
    entry(report.containers, 'x', 'CTR_EXISTS', 'container x has dependent containers which must be removed before it: d1, d3');
    // d2 does not depend on a failure: it is removed.
    expect(report.containers.get('d2')).toBeNull();
    expect(calls(runtime)).toEqual(['ctr:d2']);
    expect(await left(runtime)).toEqual({ pods: [], containers: ['d1', 'd3', 'x'] });
  });

  test('with depend: dependents first, all removed', async () => {
    const { graph, runtime } = setup(spec);
    const report = await removeGraph(graph, { containers: ['b'], depend: true, runtime });
    removedAll(report, ['a', 'a1', 'b']);
    expect(calls(runtime)).toEqual(['ctr:a1', 'ctr:a', 'ctr:b']);
    precedes(runtime, ['removeContainer', 'a1'], ['removeContainer', 'a']);
    precedes(runtime, ['removeContainer', 'a'], ['removeContainer', 'b']);
    expect(await left(runtime)).toEqual({ pods: [], containers: ['other'] });
  });
});

describe('running containers', () => {
  // a <- b (running), c, d <- e : unrelated branches.
  const spec: GraphSpec = {
    containers: [
      { id: 'a', state: 'exited' },
      { id: 'b', state: 'running', dependsOn: ['a'] },
      { id: 'c' },
      { id: 'd', state: 'exited' },
      { id: 'e', dependsOn: ['d'] },
    ],
  };

  test('without force: CTR_STATE_INVALID and it stays; dependencies DEPENDENCY_FAILED; unrelated branches removed', async () => {
    const { graph, runtime } = setup(spec);
    const report = await removeGraph(graph, { all: true, runtime });
    expect(report.ok).toBe(false);
    const b = entry(
      report.containers,
      'b',
      'CTR_STATE_INVALID',
      'cannot remove container b as it is running - running or paused containers cannot be removed without force',
    );
    const a = entry(report.containers, 'a', 'DEPENDENCY_FAILED', 'a container that depends on container a could not be removed');
    expect(a.cause).toBe(b);
    for (const id of ['c', 'd', 'e']) expect(report.containers.get(id)).toBeNull();
    expect(await left(runtime)).toEqual({ pods: [], containers: ['a', 'b'] });
    // a's removal was never attempted; e before d.
    expect(runtime.log.some((r) => r.id === 'a')).toBe(false);
    precedes(runtime, ['removeContainer', 'e'], ['removeContainer', 'd']);
    expect(record(runtime, 'removeContainer', 'b').result).toBe('CTR_STATE_INVALID');
  });

  test('the cause chain reaches the first failure through several levels', async () => {
    const { graph, runtime } = setup({
      containers: [{ id: 'root' }, { id: 'mid', dependsOn: ['root'] }, { id: 'top', dependsOn: ['mid'], state: 'paused' }],
    });
    const report = await removeGraph(graph, { containers: ['top'], depend: false, runtime });
    entry(
      report.containers,
      'top',
      'CTR_STATE_INVALID',
      'cannot remove container top as it is paused - running or paused containers cannot be removed without force',
    );
    expect(report.containers.size).toBe(1);
    const all = await removeGraph(graph, { all: true, runtime });
    const top = entry(all.containers, 'top', 'CTR_STATE_INVALID');
    const mid = entry(all.containers, 'mid', 'DEPENDENCY_FAILED', 'a container that depends on container mid could not be removed');
    const root = entry(all.containers, 'root', 'DEPENDENCY_FAILED', 'a container that depends on container root could not be removed');
    expect(mid.cause).toBe(top);
    expect(root.cause).toBe(mid);
    expect(rootCause(root)).toBe(top);
    expect(await left(runtime)).toEqual({ pods: [], containers: ['mid', 'root', 'top'] });
  });

  test('with force: removed', async () => {
    const { graph, runtime } = setup(spec);
    const report = await removeGraph(graph, { all: true, force: true, runtime });
    removedAll(report, ['a', 'b', 'c', 'd', 'e']);
    precedes(runtime, ['removeContainer', 'b'], ['removeContainer', 'a']);
    expect(await left(runtime)).toEqual({ pods: [], containers: [] });
  });
});

describe('pods', () => {
  test('pod rm with a running member and no force: member CTR_STATE_INVALID, infra DEPENDENCY_FAILED, pod REMOVING_CTRS and kept', async () => {
    const { graph, runtime } = setup({
      pods: [{ id: 'P', name: 'web' }],
      containers: [
        { id: 'I', pod: 'P', infra: true, state: 'running' },
        { id: 'm0', pod: 'P', state: 'exited' },
        { id: 'm1', pod: 'P', state: 'running', dependsOn: ['m0'] },
        { id: 'm2', pod: 'P', state: 'exited', dependsOn: ['m1'] },
        { id: 'm3', pod: 'P', state: 'created' },
        { id: 'outside' },
      ],
    });
    const report = await removeGraph(graph, { pods: ['web'], runtime });
    expect(report.ok).toBe(false);
    expect([...report.pods.keys()]).toEqual(['P']);
    expect([...report.containers.keys()].sort()).toEqual(['I', 'm0', 'm1', 'm2', 'm3']);
    const m1 = entry(
      report.containers,
      'm1',
      'CTR_STATE_INVALID',
      'cannot remove container m1 as it is running - running or paused containers cannot be removed without force',
    );
    const m0 = entry(report.containers, 'm0', 'DEPENDENCY_FAILED', 'a container that depends on container m0 could not be removed');
    expect(m0.cause).toBe(m1);
    const infra = entry(report.containers, 'I', 'DEPENDENCY_FAILED', 'a container that depends on container I could not be removed');
    expect(rootCause(infra)).toBe(m1);
    const pod = entry(report.pods, 'P', 'REMOVING_CTRS', 'not all containers could be removed from pod P');
    expect(rootCause(pod)).toBe(m1);
    expect(report.containers.get('m2')).toBeNull();
    expect(report.containers.get('m3')).toBeNull();

    expect(runtime.log.some((r) => r.op === 'removePod')).toBe(false);
    expect(runtime.log.some((r) => r.id === 'I' || r.id === 'm0')).toBe(false);
    precedes(runtime, ['removeContainer', 'm2'], ['removeContainer', 'm1']);
    expect(runtime.hasPod('P')).toBe(true);
    expect(await left(runtime)).toEqual({ pods: ['P'], containers: ['I', 'm0', 'm1', 'outside'] });
  });

  test('three pods of mixed states with all + force: everything removed; each removePod after its members', async () => {
    const spec: GraphSpec = {
      pods: [{ id: 'P1' }, { id: 'P2', name: 'two' }, { id: 'P3' }],
      containers: [
        { id: 'i1', pod: 'P1', infra: true, state: 'running' },
        { id: 'p1run', pod: 'P1', state: 'running' },
        { id: 'p1pause', pod: 'P1', state: 'paused' },
        { id: 'p1exit', pod: 'P1', state: 'exited', dependsOn: ['p1run'] },
        { id: 'i2', pod: 'two', infra: true, state: 'running' },
        { id: 'p2exit', pod: 'P2', state: 'exited' },
        { id: 'p2created', pod: 'P2', state: 'created', dependsOn: ['i2'] },
        { id: 'i3', pod: 'P3', infra: true, state: 'running' },
        { id: 'p3base', pod: 'P3', state: 'running' },
        { id: 'p3top', pod: 'P3', state: 'paused', dependsOn: ['p3base'] },
        { id: 'loose', state: 'running' },
      ],
    };
    const { graph, runtime } = setup(spec);
    const report = await removeGraph(graph, { all: true, force: true, runtime });
    removedAll(
      report,
      spec.containers!.map((c) => c.id),
      ['P1', 'P2', 'P3'],
    );
    expect(await runtime.inspect()).toEqual({ pods: [], containers: [] });

    const members: Record<string, string[]> = {
      P1: ['p1run', 'p1pause', 'p1exit'],
      P2: ['p2exit', 'p2created'],
      P3: ['p3base', 'p3top'],
    };
    for (const [pod, ids] of Object.entries(members)) {
      for (const id of ids) precedes(runtime, ['removeContainer', id], ['removePod', pod]);
    }
    precedes(runtime, ['removeContainer', 'p1exit'], ['removeContainer', 'p1run']);
    precedes(runtime, ['removeContainer', 'p3top'], ['removeContainer', 'p3base']);
    // Infra containers go with their pod, never on their own; every other container exactly once.
    for (const infra of ['i1', 'i2', 'i3']) expect(runtime.log.some((r) => r.id === infra)).toBe(false);
    expect(runtime.log.filter((r) => r.op === 'removeContainer')).toHaveLength(8);
    expect(
      runtime.log
        .filter((r) => r.op === 'removePod')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['P1', 'P2', 'P3']);
    expect(runtime.log.every((r) => r.result === 'removed' && r.force)).toBe(true);
  });

  test('pods removed in parallel: their removePod calls overlap (fake-timer latency)', async () => {
    vi.useFakeTimers();
    try {
      const spec: GraphSpec = {
        pods: [{ id: 'P1' }, { id: 'P2' }],
        containers: [
          { id: 'i1', pod: 'P1', infra: true },
          { id: 'a', pod: 'P1' },
          { id: 'i2', pod: 'P2', infra: true },
          { id: 'b', pod: 'P2' },
        ],
      };
      const { graph, runtime } = setup(spec, { latency: 10 });
      const pending = removeGraph(graph, { all: true, runtime, concurrency: 4 });
      await vi.runAllTimersAsync();
      const report = await pending;
      removedAll(report, ['i1', 'a', 'i2', 'b'], ['P1', 'P2']);
      const p1 = record(runtime, 'removePod', 'P1');
      const p2 = record(runtime, 'removePod', 'P2');
      expect(p1.startTick).toBeLessThan(p2.endTick!);
      expect(p2.startTick).toBeLessThan(p1.endTick!);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('unknown targets', () => {
  const spec: GraphSpec = {
    pods: [{ id: 'P' }],
    containers: [{ id: 'I', pod: 'P', infra: true }, { id: 'm', pod: 'P' }, { id: 'a' }, { id: 'b', dependsOn: ['a'] }],
  };

  test('unknown container without ignore/force: NO_SUCH_CTR, no runtime call', async () => {
    const { graph, runtime } = setup(spec);
    const before = await runtime.inspect();
    const promise = removeGraph(graph, { containers: ['b', 'x'], runtime });
    await expect(promise).rejects.toBeInstanceOf(PodgraphError);
    await expect(promise).rejects.toMatchObject({
      code: 'NO_SUCH_CTR',
      message: 'no container with name or ID "x" found: no such container',
    });
    expect(runtime.log).toEqual([]);
    expect(await runtime.inspect()).toEqual(before);
  });

  test('unknown pod without ignore/force: NO_SUCH_POD, no runtime call', async () => {
    const { graph, runtime } = setup(spec);
    const before = await runtime.inspect();
    const promise = removeGraph(graph, { pods: ['P', 'x'], runtime });
    await expect(promise).rejects.toBeInstanceOf(PodgraphError);
    await expect(promise).rejects.toMatchObject({ code: 'NO_SUCH_POD', message: 'no pod with name or ID x found: no such pod' });
    expect(runtime.log).toEqual([]);
    expect(await runtime.inspect()).toEqual(before);
  });

  test('a container id is not a pod and a pod id is not a container', async () => {
    const { graph, runtime } = setup(spec);
    await expect(removeGraph(graph, { pods: ['a'], runtime })).rejects.toMatchObject({ code: 'NO_SUCH_POD' });
    await expect(removeGraph(graph, { containers: ['P'], runtime })).rejects.toMatchObject({ code: 'NO_SUCH_CTR' });
    expect(runtime.log).toEqual([]);
  });

  test.each([
    ['ignore', { ignore: true }],
    ['force', { force: true }],
  ])('with %s: unknown targets skipped, the rest removed', async (_label, flags) => {
    const { graph, runtime } = setup(spec);
    const report = await removeGraph(graph, { containers: ['x', 'b'], pods: ['nopod', 'P'], runtime, ...flags });
    removedAll(report, ['b', 'I', 'm'], ['P']);
    expect(report.containers.has('x')).toBe(false);
    expect(report.pods.has('nopod')).toBe(false);
    expect(await left(runtime)).toEqual({ pods: [], containers: ['a'] });
    expect(runtime.log.some((r) => r.id === 'x' || r.id === 'nopod')).toBe(false);
  });

  test('all targets unknown and ignored: empty report, ok, no runtime call', async () => {
    const { graph, runtime } = setup(spec);
    const report = await removeGraph(graph, { containers: ['x'], pods: ['y'], ignore: true, runtime });
    expect(report.containers.size).toBe(0);
    expect(report.pods.size).toBe(0);
    expect(report.ok).toBe(true);
    expect(runtime.log).toEqual([]);
  });
});

describe('infra containers', () => {
  const spec: GraphSpec = {
    pods: [{ id: 'P', name: 'pod-p' }],
    containers: [
      { id: 'I', name: 'infra', pod: 'P', infra: true, state: 'running' },
      { id: 'm1', pod: 'P', state: 'exited' },
      { id: 'm2', pod: 'P', dependsOn: ['m1'] },
      { id: 'z' },
    ],
  };

  test('infra container alone: INFRA_CTR, no runtime call, pod and members untouched', async () => {
    const { graph, runtime } = setup(spec);
    const before = await runtime.inspect();
    const report = await removeGraph(graph, { containers: ['infra'], runtime });
    expect(report.ok).toBe(false);
    expect([...report.containers.keys()]).toEqual(['I']);
    expect(report.pods.size).toBe(0);
    entry(
      report.containers,
      'I',
      'INFRA_CTR',
      'container I is the infra container of pod P and cannot be removed without removing the pod',
    );
    expect(runtime.log).toEqual([]);
    expect(await runtime.inspect()).toEqual(before);
  });

  test('INFRA_CTR wins over CTR_EXISTS even with force', async () => {
    const { graph, runtime } = setup(spec);
    const report = await removeGraph(graph, { containers: ['I'], force: true, runtime });
    entry(report.containers, 'I', 'INFRA_CTR');
    expect(runtime.log).toEqual([]);
  });

  test('infra container with depend: the whole pod is removed', async () => {
    const { graph, runtime } = setup(spec);
    const report = await removeGraph(graph, { containers: ['I'], depend: true, runtime });
    removedAll(report, ['I', 'm1', 'm2'], ['P']);
    expect(calls(runtime)).toEqual(['ctr:m2', 'ctr:m1', 'pod:P']);
    expect(await left(runtime)).toEqual({ pods: [], containers: ['z'] });
  });
});

describe('runtime failures', () => {
  const spec: GraphSpec = {
    containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }, { id: 'c' }],
  };

  test('a plain Error from the runtime is RUNTIME with cause = that error; its dependencies are not removed', async () => {
    const boom = new Error('disk on fire');
    const { graph, runtime } = setup(spec, { fail: (call) => (call.id === 'b' ? boom : undefined) });
    const report = await removeGraph(graph, { all: true, runtime });
    const b = entry(report.containers, 'b', 'RUNTIME');
    expect(b.cause).toBe(boom);
    expect(b.message).toContain('disk on fire');
    const a = entry(report.containers, 'a', 'DEPENDENCY_FAILED', 'a container that depends on container a could not be removed');
    expect(a.cause).toBe(b);
    expect(report.containers.get('c')).toBeNull();
    expect(await left(runtime)).toEqual({ pods: [], containers: ['a', 'b'] });
  });

  test('a PodgraphError from the runtime keeps its code, wrapped with cause', async () => {
    const boom = new PodgraphError('CTR_STATE_INVALID', 'it moved');
    const { graph, runtime } = setup(spec, { fail: (call) => (call.id === 'c' ? boom : undefined) });
    const report = await removeGraph(graph, { all: true, runtime });
    const c = entry(report.containers, 'c', 'CTR_STATE_INVALID');
    expect(c.cause).toBe(boom);
  });

  function recordingRuntime(spec: GraphSpec, failWith: (id: string) => unknown) {
    const memory = new MemoryRuntime(spec);
    const seen: string[] = [];
    const runtime: Runtime = {
      inspect: () => memory.inspect(),
      removeContainer: async (id: string, options: RemoveCallOptions) => {
        seen.push(id);
        const failure = failWith(id);
        if (failure !== undefined) throw failure;
        await memory.removeContainer(id, options);
      },
      removePod: async (id: string, options: RemoveCallOptions) => {
        seen.push(`pod:${id}`);
        await memory.removePod(id, options);
      },
    };
    return { runtime, memory, seen };
  }

  test('a custom Runtime rejecting with Error + code CTR_EXISTS gives CTR_EXISTS', async () => {
    const coded = Object.assign(new Error('x'), { code: 'CTR_EXISTS' });
    const { runtime, memory, seen } = recordingRuntime(spec, (id) => (id === 'c' ? coded : undefined));
    const report = await removeGraph(ContainerGraph.fromSpec(spec), { all: true, runtime });
    const c = entry(report.containers, 'c', 'CTR_EXISTS');
    expect(c.cause).toBe(coded);
    expect(report.containers.get('a')).toBeNull();
    expect(report.containers.get('b')).toBeNull();
    expect(memory.has('c')).toBe(true);
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
  });

  test('an unknown code or a non-Error rejection is RUNTIME and always a PodgraphError', async () => {
    const odd = Object.assign(new Error('weird'), { code: 'EWHATEVER' });
    const { runtime } = recordingRuntime(spec, (id) => (id === 'c' ? odd : id === 'b' ? 'string failure' : undefined));
    const report = await removeGraph(ContainerGraph.fromSpec(spec), { all: true, runtime });
    const c = entry(report.containers, 'c', 'RUNTIME');
    expect(c.cause).toBe(odd);
    const b = entry(report.containers, 'b', 'RUNTIME');
    expect(b.cause).toBe('string failure');
    expect(b.message).not.toBe('');
    entry(report.containers, 'a', 'DEPENDENCY_FAILED');
  });

  test('a container that vanished (removed by someone else) counts as removed', async () => {
    const { graph, runtime } = setup(spec, { vanish: (call) => call.id === 'b' });
    const report = await removeGraph(graph, { all: true, runtime });
    removedAll(report, ['a', 'b', 'c']);
    expect(record(runtime, 'removeContainer', 'b').result).toBe('NO_SUCH_CTR');
    precedes(runtime, ['removeContainer', 'b'], ['removeContainer', 'a']);
    expect(await left(runtime)).toEqual({ pods: [], containers: [] });
  });

  test('a pod that vanished counts as removed, and so does its infra', async () => {
    const podSpec: GraphSpec = {
      pods: [{ id: 'P' }],
      containers: [
        { id: 'I', pod: 'P', infra: true },
        { id: 'm', pod: 'P' },
      ],
    };
    const { graph, runtime } = setup(podSpec, { vanish: (call) => call.op === 'removePod' });
    const report = await removeGraph(graph, { pods: ['P'], runtime });
    removedAll(report, ['I', 'm'], ['P']);
    expect(record(runtime, 'removePod', 'P').result).toBe('NO_SUCH_POD');
  });

  test('a failed removePod: pod and infra report the failure, members removed', async () => {
    const podSpec: GraphSpec = {
      pods: [{ id: 'P' }],
      containers: [
        { id: 'I', pod: 'P', infra: true },
        { id: 'm', pod: 'P' },
      ],
    };
    const boom = new Error('pod api down');
    const { graph, runtime } = setup(podSpec, { fail: (call) => (call.op === 'removePod' ? boom : undefined) });
    const report = await removeGraph(graph, { pods: ['P'], runtime });
    const pod = entry(report.pods, 'P', 'RUNTIME');
    expect(pod.cause).toBe(boom);
    expect(report.containers.get('I')).toBeInstanceOf(PodgraphError);
    expect(report.containers.get('m')).toBeNull();
    expect(await left(runtime)).toEqual({ pods: ['P'], containers: ['I'] });
  });
});

describe('default runtime', () => {
  test('without `runtime`, a MemoryRuntime seeded from the graph does the work; the graph does not change', async () => {
    const spec: GraphSpec = {
      pods: [{ id: 'P' }],
      containers: [
        { id: 'I', pod: 'P', infra: true, state: 'running' },
        { id: 'm', pod: 'P', state: 'running' },
        { id: 'a' },
        { id: 'b', dependsOn: ['a'], state: 'running' },
      ],
    };
    const graph = ContainerGraph.fromSpec(spec);
    const snapshot = graph.toSpec();
    const report = await removeGraph(graph, { all: true, force: true });
    removedAll(report, ['I', 'm', 'a', 'b'], ['P']);
    expect(graph.toSpec()).toEqual(snapshot);
    expect(graph.size).toBe(4);
    // A second call starts from the graph again.
    const again = await removeGraph(graph, { all: true, force: true });
    removedAll(again, ['I', 'm', 'a', 'b'], ['P']);
    // The default runtime enforces the rules with the graph's states.
    const refused = await removeGraph(graph, { containers: ['b'] });
    entry(
      refused.containers,
      'b',
      'CTR_STATE_INVALID',
      'cannot remove container b as it is running - running or paused containers cannot be removed without force',
    );
  });
});

describe('onEvent', () => {
  const spec: GraphSpec = {
    pods: [{ id: 'P' }, { id: 'Q' }],
    containers: [
      { id: 'I', pod: 'P', infra: true, state: 'running' },
      { id: 'p1', pod: 'P', state: 'running' },
      { id: 'p2', pod: 'P', dependsOn: ['p1'] },
      { id: 'J', pod: 'Q', infra: true },
      { id: 'q1', pod: 'Q' },
      { id: 'a' },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c', state: 'paused' },
    ],
  };

  test('one outcome event per selected item; start precedes the call outcome; done/total; failed events carry the error', async () => {
    const { graph, runtime } = setup(spec);
    const events: RemovalEvent[] = [];
    const report = await removeGraph(graph, { all: true, runtime, onEvent: (event) => events.push({ ...event }) });
    expect(report.ok).toBe(false);

    const total = report.containers.size + report.pods.size;
    expect(total).toBe(10);
    const outcomes = events.filter((e) => e.type !== 'start');
    expect(outcomes).toHaveLength(total);
    const keys = outcomes.map((e) => `${e.kind}:${e.id}`);
    expect(new Set(keys).size).toBe(total);
    const expected = [...[...report.containers.keys()].map((id) => `container:${id}`), ...[...report.pods.keys()].map((id) => `pod:${id}`)];
    expect(new Set(keys)).toEqual(new Set(expected));

    for (const event of outcomes) {
      const map = event.kind === 'pod' ? report.pods : report.containers;
      const outcome = map.get(event.id);
      if (event.type === 'removed') {
        expect(outcome, `${event.id} removed`).toBeNull();
        expect(event.error).toBeUndefined();
      } else {
        expect(event.type).toBe('failed');
        expect(event.error).toBeInstanceOf(PodgraphError);
        expect(event.error).toBe(outcome);
      }
    }

    // Every runtime call has a start event, before that item's outcome event.
    const starts = events.filter((e) => e.type === 'start');
    expect(starts).toHaveLength(runtime.log.length);
    for (const call of runtime.log) {
      const kind = call.op === 'removePod' ? 'pod' : 'container';
      const startAt = events.findIndex((e) => e.type === 'start' && e.kind === kind && e.id === call.id);
      const endAt = events.findIndex((e) => e.type !== 'start' && e.kind === kind && e.id === call.id);
      expect(startAt, `start of ${call.id}`).toBeGreaterThanOrEqual(0);
      expect(startAt).toBeLessThan(endAt);
    }
    // Items decided without a call (blocked) have no start event.
    expect(starts.some((e) => e.id === 'I' || e.id === 'P')).toBe(false);

    // done / total
    let last = 0;
    for (const event of events) {
      expect(event.total).toBe(total);
      expect(event.done).toBeGreaterThanOrEqual(last);
      expect(event.done).toBeLessThanOrEqual(total);
      last = event.done;
    }
    expect(outcomes.map((e) => e.done)).toEqual(outcomes.map((_e, k) => k + 1));
    expect(outcomes.at(-1)!.done).toBe(total);
  });

  test('a listener that throws does not stop or corrupt the removal', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const { graph, runtime } = setup(spec);
    let calls = 0;
    const report = await removeGraph(graph, {
      all: true,
      force: true,
      runtime,
      onEvent: () => {
        calls++;
        throw new Error('listener bug');
      },
    });
    expect(calls).toBeGreaterThan(0);
    removedAll(
      report,
      spec.containers!.map((c) => c.id),
      ['P', 'Q'],
    );
    expect(await runtime.inspect()).toEqual({ pods: [], containers: [] });
  });
});

describe('targets and abort', () => {
  const spec: GraphSpec = {
    pods: [{ id: 'P', name: 'pod-name' }],
    containers: [
      { id: 'I', pod: 'P', infra: true },
      { id: 'm', name: 'member', pod: 'P' },
      { id: 'a', name: 'alpha' },
      { id: 'b', name: 'beta', dependsOn: ['alpha'] },
    ],
  };

  test('targets given by name are reported and removed by id', async () => {
    const { graph, runtime } = setup(spec);
    const report = await removeGraph(graph, { containers: ['beta', 'alpha'], pods: ['pod-name'], runtime });
    removedAll(report, ['a', 'b', 'I', 'm'], ['P']);
    expect(
      calls(runtime)
        .filter((c) => c.startsWith('ctr:'))
        .sort(),
    ).toEqual(['ctr:a', 'ctr:b', 'ctr:m']);
    expect(calls(runtime)).toContain('pod:P');
    precedes(runtime, ['removeContainer', 'b'], ['removeContainer', 'a']);
  });

  test('an already-aborted signal: no runtime call, every item ABORTED, nothing removed', async () => {
    const { graph, runtime } = setup(spec);
    const snapshot = await runtime.inspect();
    const events: RemovalEvent[] = [];
    const report = await removeGraph(graph, { all: true, runtime, signal: AbortSignal.abort(), onEvent: (e) => events.push(e) });
    expect(report.ok).toBe(false);
    for (const [, outcome] of [...report.containers, ...report.pods]) {
      expect(outcome).toBeInstanceOf(PodgraphError);
      expect(outcome!.code).toBe('ABORTED');
    }
    expect(report.containers.size + report.pods.size).toBe(5);
    expect(runtime.log).toEqual([]);
    expect(await runtime.inspect()).toEqual(snapshot);
    expect(events.filter((e) => e.type === 'start')).toEqual([]);
    expect(events.filter((e) => e.type === 'failed')).toHaveLength(5);
  });
});

describe('odd rejections from a custom runtime', () => {
  test('a runtime rejecting with a non-Error (even one without a string form) is reported RUNTIME with it as cause', async () => {
    const graph = ContainerGraph.fromSpec({ containers: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
    const odd: Record<string, unknown> = { a: 'a plain string', b: Object.create(null), c: undefined };
    const runtime: Runtime = {
      inspect: async () => graph.toSpec(),
      removeContainer: async (id) => Promise.reject(odd[id]),
      removePod: async () => undefined,
    };
    const report = await removeGraph(graph, { all: true, runtime });
    for (const id of ['a', 'b', 'c']) {
      const error = report.containers.get(id)!;
      expect(error).toBeInstanceOf(PodgraphError);
      expect(error.code).toBe('RUNTIME');
      expect(error.message).toContain(`the runtime failed to remove container ${id}`);
      expect(error.cause).toBe(odd[id]);
    }
  });
});
