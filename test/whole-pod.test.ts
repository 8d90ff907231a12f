/**
 * SPEC rule 3's whole-pod call: a pod whose every container is selected and can go is removed by
 * one `removePod`, which removes its members itself in dependency order, when the runtime says it
 * does (`removesWholePod`; MemoryRuntime does, as podman does). The plan shows it, events and the
 * report stay per item, a member that fails inside it keeps what it depends on, the shared map
 * still makes concurrent calls meet, and the result is the one a call per member gives.
 */
import fc from 'fast-check';
import {
  ContainerGraph,
  type ErrorCode,
  type GraphSpec,
  MemoryRuntime,
  PodgraphError,
  type PodToRemove,
  planRemoval,
  type RemovalEvent,
  type RemovalReport,
  type Runtime,
  removeGraph,
} from 'podgraph';
import { describe, expect, test } from 'vitest';
import { onFakeTime } from './support/fake-time.ts';

/** Pod P: infra I, b depends on a; pod Q: infra J, member q; x outside pods. */
const SPEC: GraphSpec = {
  pods: [{ id: 'P', name: 'web' }, { id: 'Q' }],
  containers: [
    { id: 'I', pod: 'P', infra: true, state: 'running' },
    { id: 'a', name: 'db', pod: 'P', state: 'running' },
    { id: 'b', pod: 'P', dependsOn: ['a'] },
    { id: 'J', pod: 'Q', infra: true },
    { id: 'q', pod: 'Q' },
    { id: 'x' },
  ],
};

const codes = (report: RemovalReport) =>
  Object.fromEntries([...report.containers, ...report.pods].map(([id, error]) => [id, error?.code ?? null]));

describe('one call per pod', () => {
  test('the plan shows the whole-pod calls, with their members dependents first, and no call for a member', () => {
    const plan = planRemoval(ContainerGraph.fromSpec(SPEC), { all: true, force: true });
    expect(plan.calls.map((call) => [call.kind, call.id, call.infra, call.members])).toEqual([
      ['container', 'x', undefined, undefined],
      ['pod', 'P', 'I', ['b', 'a']],
      ['pod', 'Q', 'J', ['q']],
    ]);
    expect(plan.waves.map((wave) => wave.map((call) => call.id))).toEqual([['x', 'P', 'Q']]);
    expect(plan.expected.ok).toBe(true);
  });

  test('removeGraph makes those calls, and the report and the events stay per item, with names', async () => {
    const runtime = new MemoryRuntime(SPEC);
    const events: RemovalEvent[] = [];
    const report = await removeGraph(ContainerGraph.fromSpec(SPEC), { all: true, force: true, runtime, onEvent: (e) => events.push(e) });
    expect(runtime.log.map((record) => `${record.op} ${record.id}`).sort()).toEqual(['removeContainer x', 'removePod P', 'removePod Q']);
    expect(codes(report)).toEqual({ I: null, a: null, b: null, J: null, q: null, x: null, P: null, Q: null });
    expect(report.names).toEqual(
      new Map([
        ['a', 'db'],
        ['P', 'web'],
      ]),
    );
    const p = events.filter((e) => ['P', 'I', 'a', 'b'].includes(e.id)).map((e) => `${e.type} ${e.id}${e.name ? ` (${e.name})` : ''}`);
    expect(p).toEqual(['start P (web)', 'removed b', 'removed a (db)', 'removed I', 'removed P (web)']);
    expect(events.at(-1)).toMatchObject({ done: 8, total: 8 });
    expect(await runtime.inspect()).toEqual({ pods: [], containers: [] });
  });

  test('not when a member is running and the removal is not forced: a call per member, as podman refuses that one', async () => {
    const runtime = new MemoryRuntime(SPEC);
    const report = await removeGraph(ContainerGraph.fromSpec(SPEC), { pods: ['P'], runtime });
    expect(runtime.log.map((record) => `${record.op} ${record.id}`)).toEqual(['removeContainer b', 'removeContainer a']);
    expect(codes(report)).toEqual({ I: 'DEPENDENCY_FAILED', a: 'CTR_STATE_INVALID', b: null, P: 'REMOVING_CTRS' });
  });

  test('not when the runtime does not say so (wholePods: false), nor for a runtime without removesWholePod', async () => {
    const runtime = new MemoryRuntime(SPEC, { wholePods: false });
    await removeGraph(ContainerGraph.fromSpec(SPEC), { pods: ['P'], force: true, runtime });
    expect(runtime.log.map((record) => `${record.op} ${record.id}`)).toEqual(['removeContainer b', 'removeContainer a', 'removePod P']);
    const memory = new MemoryRuntime(SPEC);
    const plain: Runtime = {
      inspect: () => memory.inspect(),
      removeContainer: (id, options) => memory.removeContainer(id, options),
      removePod: (id, options) => memory.removePod(id, options),
    };
    const plan = planRemoval(ContainerGraph.fromSpec(SPEC), { pods: ['P'], force: true, runtime: plain });
    expect(plan.calls.map((call) => `${call.kind} ${call.id}`)).toEqual(['container b', 'container a', 'pod P']);
  });

  test('the runtime is asked with the pod, its members, how many must be stopped, the timeout and volumes', async () => {
    const asked: PodToRemove[] = [];
    const memory = new MemoryRuntime(SPEC);
    const runtime: Runtime = {
      inspect: () => memory.inspect(),
      removeContainer: (id, options) => memory.removeContainer(id, options),
      removePod: (id, options) => memory.removePod(id, options),
      removesWholePod: (pod) => {
        asked.push(pod);
        return pod.id === 'Q';
      },
    };
    const report = await removeGraph(ContainerGraph.fromSpec(SPEC), { all: true, force: true, timeout: 3, volumes: true, runtime });
    expect(asked).toEqual([
      { id: 'P', members: ['a', 'b'], active: 1, timeout: 3, volumes: true },
      { id: 'Q', members: ['q'], active: 0, timeout: 3, volumes: true },
    ]);
    expect(report.ok).toBe(true);
  });
});

describe('failures inside a whole-pod call', () => {
  test('a member that fails keeps what it depends on, and the infra container and the pod; the rest goes', async () => {
    const boom = new PodgraphError('RUNTIME', 'the disk is full');
    const runtime = new MemoryRuntime(SPEC, { fail: (call) => (call.pod === 'P' && call.id === 'b' ? boom : undefined) });
    const report = await removeGraph(ContainerGraph.fromSpec(SPEC), { all: true, force: true, runtime });
    expect(codes(report)).toEqual({
      I: 'DEPENDENCY_FAILED',
      a: 'DEPENDENCY_FAILED',
      b: 'RUNTIME',
      J: null,
      q: null,
      x: null,
      P: 'REMOVING_CTRS',
      Q: null,
    });
    expect(report.containers.get('a')?.cause).toBe(report.containers.get('b'));
    expect(report.pods.get('P')?.message).toBe('not all containers could be removed from pod P');
    expect(runtime.has('a') && runtime.has('b') && runtime.has('I') && runtime.hasPod('P')).toBe(true);
    expect(runtime.log.filter((record) => record.op === 'removeContainer').map((record) => record.id)).toEqual(['x']);
  });

  test('a whole-pod call that fails without naming what it left: each member says the pod call failed', async () => {
    const memory = new MemoryRuntime(SPEC);
    const runtime: Runtime = {
      inspect: () => memory.inspect(),
      removeContainer: (id, options) => memory.removeContainer(id, options),
      removePod: async () => {
        throw new PodgraphError('RUNTIME', 'podman service at unix:///x.sock: DELETE /pods/P: HTTP 500: boom');
      },
      removesWholePod: () => true,
    };
    const report = await removeGraph(ContainerGraph.fromSpec(SPEC), { pods: ['P'], force: true, runtime });
    expect(codes(report)).toEqual({ I: 'RUNTIME', a: 'RUNTIME', b: 'RUNTIME', P: 'RUNTIME' });
    expect(report.containers.get('a')?.message).toMatch(/^container a was to be removed with pod P, whose removal failed: podman service/);
    expect(report.containers.get('I')?.message).toMatch(/^infra container I of pod P was not removed: /);
  });

  test('aborted while the whole-pod call is in flight: the pod and its members are ABORTED, and stay', async () => {
    const runtime = new MemoryRuntime(SPEC, { hang: (call) => call.op === 'removePod' && call.id === 'P' });
    const controller = new AbortController();
    const removal = removeGraph(ContainerGraph.fromSpec(SPEC), {
      pods: ['P'],
      force: true,
      runtime,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'start') controller.abort();
      },
    });
    const report = await removal;
    expect(codes(report)).toEqual({ I: 'ABORTED', a: 'ABORTED', b: 'ABORTED', P: 'ABORTED' });
    expect(runtime.hasPod('P') && runtime.has('a') && runtime.has('b')).toBe(true);
  });
});

describe('concurrent removals on one runtime share its map', () => {
  test('a whole-pod call waits for a member another call is removing, and nothing is removed twice', async () => {
    const { vi } = await import('vitest');
    vi.useFakeTimers();
    try {
      const runtime = new MemoryRuntime(SPEC, { latency: (call) => (call.id === 'b' ? 50 : 10), clock: () => Date.now() });
      const graph = ContainerGraph.fromSpec(SPEC);
      const [first, second] = await onFakeTime(
        Promise.all([removeGraph(graph, { containers: ['b'], runtime }), removeGraph(graph, { pods: ['P'], force: true, runtime })]),
      );
      expect(first.ok && second.ok).toBe(true);
      const b = runtime.log.find((record) => record.id === 'b')!;
      const p = runtime.log.find((record) => record.id === 'P')!;
      expect(b.result).toBe('removed');
      expect(p.startTick).toBeGreaterThan(b.endTick!);
      expect(await runtime.inspect()).toEqual({
        pods: [{ id: 'Q' }],
        containers: [{ id: 'J', pod: 'Q', infra: true }, { id: 'q', pod: 'Q' }, { id: 'x' }],
      });
    } finally {
      vi.useRealTimers();
    }
  });
});

/** Random pods of 1-6 members with chains inside, some members running, random failing members. */
const hostArb = fc
  .record({
    pods: fc.array(
      fc.array(fc.record({ dep: fc.nat(), dependsUp: fc.boolean(), running: fc.boolean(), fails: fc.boolean() }), {
        minLength: 1,
        maxLength: 6,
      }),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
    force: fc.boolean(),
  })
  .map(({ pods, force }) => {
    const spec: GraphSpec = { pods: [], containers: [] };
    const failing = new Set<string>();
    pods.forEach((members, p) => {
      spec.pods!.push({ id: `p${p}` });
      spec.containers!.push({ id: `p${p}i`, pod: `p${p}`, infra: true, state: members.some((m) => m.running) ? 'running' : 'created' });
      members.forEach((member, m) => {
        const id = `p${p}m${m}`;
        const dependsOn = m > 0 && member.dependsUp ? [`p${p}m${member.dep % m}`] : [];
        spec.containers!.push({ id, pod: `p${p}`, state: member.running ? 'running' : 'exited', dependsOn });
        if (member.fails) failing.add(id);
      });
    });
    return { spec, failing, force };
  });

describe('one call per pod or one per member: the same removal', () => {
  test('over random pods, running members and failing members: the same report codes and the same world after', async () => {
    await fc.assert(
      fc.asyncProperty(hostArb, async ({ spec, failing, force }) => {
        const fail = (call: { id: string; op: string }) =>
          call.op === 'removeContainer' && failing.has(call.id) ? new PodgraphError('RUNTIME', `${call.id} fails`) : undefined;
        const whole = new MemoryRuntime(spec, { fail });
        const perMember = new MemoryRuntime(spec, { fail, wholePods: false });
        const graph = ContainerGraph.fromSpec(spec);
        const [a, b] = [
          await removeGraph(graph, { all: true, force, runtime: whole }),
          await removeGraph(graph, { all: true, force, runtime: perMember }),
        ];
        expect(codes(a)).toEqual(codes(b));
        expect(await whole.inspect()).toEqual(await perMember.inspect());
        const expected: Record<string, ErrorCode | null> = codes(b);
        expect(a.ok).toBe(Object.values(expected).every((code) => code === null));
      }),
      { seed: 20261206, numRuns: 200 },
    );
  });
});
