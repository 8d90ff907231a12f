import {
  ContainerGraph,
  type ErrorCode,
  type GraphSpec,
  MemoryRuntime,
  type MemoryRuntimeOptions,
  PodgraphError,
  type RuntimeCall,
} from 'podgraph';
import { afterEach, describe, expect, test, vi } from 'vitest';

afterEach(() => {
  vi.useRealTimers();
});

/** Awaits `promise`, expects it to reject with a PodgraphError of `code`, returns the error. */
async function rejected(promise: Promise<unknown>, code: ErrorCode): Promise<PodgraphError> {
  let caught: unknown;
  let resolved = false;
  try {
    await promise;
    resolved = true;
  } catch (error) {
    caught = error;
  }
  expect(resolved, 'the call should reject').toBe(false);
  expect(caught).toBeInstanceOf(PodgraphError);
  expect((caught as PodgraphError).code).toBe(code);
  return caught as PodgraphError;
}

function ids(spec: GraphSpec): { pods: string[]; containers: string[] } {
  return {
    pods: (spec.pods ?? []).map((p) => p.id).sort(),
    containers: (spec.containers ?? []).map((c) => c.id).sort(),
  };
}

const F = { force: false } as const;
const FORCE = { force: true } as const;

/** a <- a1 (a1 depends on a), s running, p paused, st stopping, e exited; pod P with infra I, m1 running, m2 exited depending on m1, m3 created. */
function world(): GraphSpec {
  return {
    pods: [{ id: 'P', name: 'pod-p' }],
    containers: [
      { id: 'a', name: 'alpha' },
      { id: 'a1', dependsOn: ['a'] },
      { id: 's', state: 'running' },
      { id: 'p', state: 'paused' },
      { id: 'st', state: 'stopping' },
      { id: 'e', state: 'exited' },
      { id: 'I', pod: 'P', infra: true, state: 'running' },
      { id: 'm1', pod: 'P', state: 'running' },
      { id: 'm2', pod: 'P', state: 'exited', dependsOn: ['m1'] },
      { id: 'm3', pod: 'P' },
    ],
  };
}

describe('removeContainer', () => {
  test('NO_SUCH_CTR when absent, podman words; nothing changes', async () => {
    const rt = new MemoryRuntime(world());
    const before = await rt.inspect();
    const error = await rejected(rt.removeContainer('x', F), 'NO_SUCH_CTR');
    expect(error.message).toBe('no container with name or ID "x" found: no such container');
    expect(await rt.inspect()).toEqual(before);
  });

  test('removes a created container, by id or by name, only once', async () => {
    const rt = new MemoryRuntime(world());
    expect(rt.has('a1')).toBe(true);
    await rt.removeContainer('a1', F);
    expect(rt.has('a1')).toBe(false);
    await rt.removeContainer('alpha', F);
    expect(rt.has('a')).toBe(false);
    expect(rt.has('alpha')).toBe(false);
    const again = await rejected(rt.removeContainer('a', F), 'NO_SUCH_CTR');
    expect(again.message).toBe('no container with name or ID "a" found: no such container');
  });

  test.each([
    ['s', 'running'],
    ['p', 'paused'],
    ['st', 'stopping'],
  ])('CTR_STATE_INVALID for %s (%s) without force; force removes it', async (id, state) => {
    const rt = new MemoryRuntime(world());
    const error = await rejected(rt.removeContainer(id, F), 'CTR_STATE_INVALID');
    expect(error.message).toBe(
      `cannot remove container ${id} as it is ${state} - running or paused containers cannot be removed without force`,
    );
    expect(rt.has(id)).toBe(true);
    await rt.removeContainer(id, FORCE);
    expect(rt.has(id)).toBe(false);
  });

  test('exited and created containers go without force', async () => {
    const rt = new MemoryRuntime(world());
    await rt.removeContainer('e', F);
    await rt.removeContainer('a1', F);
    expect(rt.has('e')).toBe(false);
    expect(rt.has('a1')).toBe(false);
  });

  test('CTR_EXISTS while a dependent exists, listing the dependents; force does not help', async () => {
    const rt = new MemoryRuntime({
      containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }, { id: 'c', dependsOn: ['a'] }],
    });
    const error = await rejected(rt.removeContainer('a', F), 'CTR_EXISTS');
    expect(error.message).toBe('container a has dependent containers which must be removed before it: b, c');
    await rejected(rt.removeContainer('a', FORCE), 'CTR_EXISTS');
    await rt.removeContainer('b', F);
    const after = await rejected(rt.removeContainer('a', F), 'CTR_EXISTS');
    expect(after.message).toBe('container a has dependent containers which must be removed before it: c');
    await rt.removeContainer('c', F);
    await rt.removeContainer('a', F);
    expect(await rt.inspect()).toEqual({ pods: [], containers: [] });
  });

  test('CTR_EXISTS message uses the dependent ids when the call used a name', async () => {
    const rt = new MemoryRuntime(world());
    const error = await rejected(rt.removeContainer('alpha', F), 'CTR_EXISTS');
    expect(error.message).toBe('container a has dependent containers which must be removed before it: a1');
  });

  test('INFRA_CTR for the infra container while its pod exists, even with force and no members', async () => {
    const rt = new MemoryRuntime({
      pods: [{ id: 'P' }],
      containers: [{ id: 'I', pod: 'P', infra: true }],
    });
    const error = await rejected(rt.removeContainer('I', FORCE), 'INFRA_CTR');
    expect(error.message).toBe('container I is the infra container of pod P and cannot be removed without removing the pod');
    expect(rt.has('I')).toBe(true);
    expect(rt.hasPod('P')).toBe(true);
  });

  test("order of checks is podman's: infra first, then state, then dependents", async () => {
    const rt = new MemoryRuntime(world());
    // I is running, has dependents and is the infra container: INFRA_CTR wins.
    await rejected(rt.removeContainer('I', F), 'INFRA_CTR');
    // m1 is running and has a dependent (m2): the state wins without force.
    const state = await rejected(rt.removeContainer('m1', F), 'CTR_STATE_INVALID');
    expect(state.message).toContain('m1');
    // With force the state is no obstacle: the dependent is.
    const exists = await rejected(rt.removeContainer('m1', FORCE), 'CTR_EXISTS');
    expect(exists.message).toBe('container m1 has dependent containers which must be removed before it: m2');
    expect(rt.has('m1')).toBe(true);
  });

  test('a pod member may be removed on its own; the implicit infra edge does not stop it', async () => {
    const rt = new MemoryRuntime(world());
    await rt.removeContainer('m3', F);
    expect(rt.has('m3')).toBe(false);
    expect(rt.hasPod('P')).toBe(true);
  });
});

describe('removePod', () => {
  test('NO_SUCH_POD when absent, podman words', async () => {
    const rt = new MemoryRuntime(world());
    const error = await rejected(rt.removePod('Q', F), 'NO_SUCH_POD');
    expect(error.message).toBe('no pod with name or ID Q found: no such pod');
  });

  test('with force: removes remaining members, the infra (running) and the pod; twice is NO_SUCH_POD', async () => {
    const rt = new MemoryRuntime(world());
    await rt.removePod('pod-p', FORCE);
    expect(rt.hasPod('P')).toBe(false);
    expect(rt.hasPod('pod-p')).toBe(false);
    for (const id of ['I', 'm1', 'm2', 'm3']) expect(rt.has(id)).toBe(false);
    expect(ids(await rt.inspect())).toEqual({ pods: [], containers: ['a', 'a1', 'e', 'p', 's', 'st'] });
    await rejected(rt.removePod('P', FORCE), 'NO_SUCH_POD');
  });

  test('without force and no active member: removes members, then the running infra (stopped anyway), then the pod', async () => {
    const rt = new MemoryRuntime({
      pods: [{ id: 'P' }],
      containers: [
        { id: 'I', pod: 'P', infra: true, state: 'running' },
        { id: 'm1', pod: 'P', state: 'exited' },
        { id: 'm2', pod: 'P', dependsOn: ['m1'] },
      ],
    });
    await rt.removePod('P', F);
    expect(await rt.inspect()).toEqual({ pods: [], containers: [] });
  });

  test('an empty pod (members already gone) is removed', async () => {
    const rt = new MemoryRuntime({
      pods: [{ id: 'P' }],
      containers: [
        { id: 'I', pod: 'P', infra: true },
        { id: 'm', pod: 'P' },
      ],
    });
    await rt.removeContainer('m', F);
    await rt.removePod('P', F);
    expect(rt.hasPod('P')).toBe(false);
    expect(rt.has('I')).toBe(false);
  });

  test('a running member without force: CTR_STATE_INVALID; pod, infra, the running member and what it depends on stay; stopped members go', async () => {
    const rt = new MemoryRuntime({
      pods: [{ id: 'P' }],
      containers: [
        { id: 'I', pod: 'P', infra: true, state: 'running' },
        { id: 'base', pod: 'P', state: 'exited' },
        { id: 'run', pod: 'P', state: 'running', dependsOn: ['base'] },
        { id: 'top', pod: 'P', state: 'exited', dependsOn: ['run'] },
        { id: 'other', pod: 'P', state: 'created' },
        { id: 'outside' },
      ],
    });
    const error = await rejected(rt.removePod('P', F), 'CTR_STATE_INVALID');
    expect(error.message).toContain('P');
    expect(error.message).toContain(
      'cannot remove container run as it is running - running or paused containers cannot be removed without force',
    );
    expect(rt.hasPod('P')).toBe(true);
    expect(ids(await rt.inspect())).toEqual({ pods: ['P'], containers: ['I', 'base', 'outside', 'run'] });
    // With force, the rest goes.
    await rt.removePod('P', FORCE);
    expect(ids(await rt.inspect())).toEqual({ pods: [], containers: ['outside'] });
  });

  test('a paused member without force is refused too', async () => {
    const rt = new MemoryRuntime({
      pods: [{ id: 'P' }],
      containers: [
        { id: 'I', pod: 'P', infra: true },
        { id: 'zz', pod: 'P', state: 'paused' },
      ],
    });
    const error = await rejected(rt.removePod('P', F), 'CTR_STATE_INVALID');
    expect(error.message).toContain('cannot remove container zz as it is paused');
    expect(rt.hasPod('P')).toBe(true);
    expect(rt.has('zz')).toBe(true);
    expect(rt.has('I')).toBe(true);
  });
});

describe('hooks', () => {
  const chain: GraphSpec = { containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }, { id: 'c', dependsOn: ['b'] }, { id: 'z' }] };

  test('latency (number): the effect happens when the latency has passed', async () => {
    vi.useFakeTimers();
    const rt = new MemoryRuntime(chain, { latency: 100 });
    let settled = false;
    const call = rt.removeContainer('z', F).then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(settled).toBe(false);
    expect(rt.has('z')).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    await call;
    expect(settled).toBe(true);
    expect(rt.has('z')).toBe(false);
  });

  test('latency (function): per call, and it sees the call', async () => {
    vi.useFakeTimers();
    const seen: RuntimeCall[] = [];
    const rt = new MemoryRuntime(
      { pods: [{ id: 'P' }], containers: [{ id: 'x', state: 'running' }, { id: 'y' }, { id: 'm', pod: 'P' }] },
      {
        latency: (call) => {
          seen.push({ ...call });
          return call.id === 'x' ? 50 : 10;
        },
      },
    );
    const done: string[] = [];
    const px = rt.removeContainer('x', { force: true, timeout: 7 }).then(() => done.push('x'));
    const py = rt.removeContainer('y', F).then(() => done.push('y'));
    const pp = rt.removePod('P', F).then(() => done.push('P'));
    await vi.advanceTimersByTimeAsync(10);
    expect(done.sort()).toEqual(['P', 'y']);
    expect(rt.has('x')).toBe(true);
    await vi.advanceTimersByTimeAsync(40);
    await Promise.all([px, py, pp]);
    expect(done).toContain('x');
    expect(rt.has('x')).toBe(false);
    expect(seen).toContainEqual(expect.objectContaining({ op: 'removeContainer', id: 'x', force: true, timeout: 7, state: 'running' }));
    expect(seen).toContainEqual(expect.objectContaining({ op: 'removeContainer', id: 'y', force: false, state: 'created' }));
    expect(seen).toContainEqual(expect.objectContaining({ op: 'removePod', id: 'P', force: false }));
  });

  test('fail: the call rejects with the injected error and nothing changes', async () => {
    const injected = new Error('disk on fire');
    const rt = new MemoryRuntime(chain, { fail: (call) => (call.id === 'c' ? injected : undefined) });
    const before = await rt.inspect();
    await expect(rt.removeContainer('c', FORCE)).rejects.toBe(injected);
    expect(await rt.inspect()).toEqual(before);
    expect(rt.has('c')).toBe(true);
    await rt.removeContainer('z', F);
    expect(rt.has('z')).toBe(false);
    expect(rt.log.map((r) => [r.id, r.result])).toEqual([
      ['c', 'ERROR'],
      ['z', 'removed'],
    ]);
  });

  test('fail with a coded error: the log records the code', async () => {
    const injected = new PodgraphError('RUNTIME', 'boom');
    const rt = new MemoryRuntime({ pods: [{ id: 'P' }] }, { fail: () => injected });
    await expect(rt.removePod('P', F)).rejects.toBe(injected);
    expect(rt.hasPod('P')).toBe(true);
    expect(rt.log[0].result).toBe('RUNTIME');
  });

  test('vanish: the call finds the container gone (NO_SUCH_CTR), and its dependents went with it', async () => {
    const rt = new MemoryRuntime(chain, { vanish: (call) => call.id === 'a' });
    const error = await rejected(rt.removeContainer('a', F), 'NO_SUCH_CTR');
    expect(error.message).toBe('no container with name or ID "a" found: no such container');
    expect(ids(await rt.inspect()).containers).toEqual(['z']);
  });

  test('vanish on a pod: NO_SUCH_POD, the pod and its members are gone', async () => {
    const rt = new MemoryRuntime(world(), { vanish: (call) => call.op === 'removePod' });
    await rejected(rt.removePod('P', F), 'NO_SUCH_POD');
    expect(rt.hasPod('P')).toBe(false);
    for (const id of ['I', 'm1', 'm2', 'm3']) expect(rt.has(id)).toBe(false);
    expect(rt.has('a')).toBe(true);
  });

  test('vanishContainer of an infra container takes its whole pod', async () => {
    const rt = new MemoryRuntime(world());
    rt.vanishContainer('I');
    expect(rt.hasPod('P')).toBe(false);
    expect(ids(await rt.inspect())).toEqual({ pods: [], containers: ['a', 'a1', 'e', 'p', 's', 'st'] });
  });

  test('hang + AbortSignal: rejects with ABORTED when aborted; nothing changed', async () => {
    const rt = new MemoryRuntime(chain, { hang: (call) => call.id === 'z' });
    const controller = new AbortController();
    let settled = false;
    const call = rt.removeContainer('z', { force: false, signal: controller.signal });
    call
      .catch(() => undefined)
      .finally(() => {
        settled = true;
      });
    // Other calls are not stuck behind it.
    await rt.removeContainer('c', F);
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(settled).toBe(false);
    expect(rt.has('z')).toBe(true);
    const reason = new Error('user cancelled');
    controller.abort(reason);
    const error = await rejected(call, 'ABORTED');
    expect(error.cause).toBe(reason);
    expect(rt.has('z')).toBe(true);
    expect(rt.log.find((r) => r.id === 'z')?.result).toBe('ABORTED');
  });

  test('latency + abort mid-flight: ABORTED, nothing changed', async () => {
    vi.useFakeTimers();
    const rt = new MemoryRuntime(chain, { latency: 1000 });
    const controller = new AbortController();
    const call = rt.removeContainer('z', { force: false, signal: controller.signal });
    const outcome = rejected(call, 'ABORTED');
    await vi.advanceTimersByTimeAsync(500);
    controller.abort();
    await outcome;
    await vi.advanceTimersByTimeAsync(1000);
    expect(rt.has('z')).toBe(true);
  });

  test('an already-aborted signal rejects at once, with or without latency or hang', async () => {
    for (const options of [{}, { latency: 10_000 }, { hang: () => true }, { log: false }, { log: false, latency: 0 }]) {
      const rt = new MemoryRuntime(chain, options);
      const signal = AbortSignal.abort();
      await rejected(rt.removeContainer('z', { force: true, signal }), 'ABORTED');
      await rejected(rt.removePod('whatever', { force: true, signal }), 'ABORTED');
      expect(rt.has('z')).toBe(true);
    }
  });

  test('log: op, id, force, timeout, ticks ordered, clock readings, result', async () => {
    let now = 1000;
    const rt = new MemoryRuntime(world(), { clock: () => (now += 5) });
    await rt.removeContainer('a1', { force: false });
    await rt.removeContainer('s', { force: false, timeout: 3 }).catch(() => undefined);
    await rt.removeContainer('s', { force: true, timeout: 3 });
    await rt.removePod('P', { force: true });
    await rt.removeContainer('nope', F).catch(() => undefined);
    const log = rt.log;
    expect(log.map((r) => [r.op, r.id, r.force, r.result])).toEqual([
      ['removeContainer', 'a1', false, 'removed'],
      ['removeContainer', 's', false, 'CTR_STATE_INVALID'],
      ['removeContainer', 's', true, 'removed'],
      ['removePod', 'P', true, 'removed'],
      ['removeContainer', 'nope', false, 'NO_SUCH_CTR'],
    ]);
    expect(log[1].timeout).toBe(3);
    expect(log[2].timeout).toBe(3);
    expect(log[0].timeout).toBeUndefined();
    expect(log[1].state).toBe('running');
    expect(log[4].state).toBeUndefined();
    const ticks = new Set<number>();
    for (const record of log) {
      expect(record.endTick).toBeDefined();
      expect(record.startTick).toBeLessThan(record.endTick!);
      ticks.add(record.startTick);
      ticks.add(record.endTick!);
      expect(record.end!).toBeGreaterThan(record.start);
      expect(record.start).toBeGreaterThan(1000);
      expect(record.start % 5).toBe(0);
    }
    expect(ticks.size).toBe(log.length * 2);
    for (let k = 1; k < log.length; k++) expect(log[k].startTick).toBeGreaterThan(log[k - 1].endTick!);
  });

  test('log ticks show overlap of concurrent calls', async () => {
    vi.useFakeTimers();
    const rt = new MemoryRuntime(chain, { latency: 10 });
    await Promise.all([rt.removeContainer('z', F), rt.removeContainer('c', F), vi.advanceTimersByTimeAsync(10)]);
    const [first, second] = rt.log;
    expect(first.startTick).toBeLessThan(second.startTick);
    expect(second.startTick).toBeLessThan(first.endTick!);
  });

  test('the fast path (log: false, no hook) answers as the instrumented path does, call for call', async () => {
    const calls: [string, string, boolean][] = [
      ['removeContainer', 'alpha', false],
      ['removeContainer', 'a1', false],
      ['removeContainer', 'alpha', false],
      ['removeContainer', 's', false],
      ['removeContainer', 's', true],
      ['removeContainer', 'I', true],
      ['removeContainer', 'm1', true],
      ['removePod', 'P', false],
      ['removePod', 'pod-p', true],
      ['removePod', 'P', true],
      ['removeContainer', 'ghost', true],
    ];
    const outcomes = async (rt: MemoryRuntime) => {
      const seen: string[] = [];
      for (const [op, id, force] of calls) {
        const call = op === 'removePod' ? rt.removePod(id, { force }) : rt.removeContainer(id, { force });
        seen.push(
          await call.then(
            () => 'ok',
            (error: PodgraphError) => `${error.code}: ${error.message}`,
          ),
        );
      }
      return { seen, spec: await rt.inspect() };
    };
    const fast = await outcomes(new MemoryRuntime(world(), { log: false }));
    const logged = new MemoryRuntime(world(), { latency: () => 0 });
    expect(await outcomes(logged)).toEqual(fast);
    expect(logged.log.map((r) => r.result)).toEqual(fast.seen.map((outcome) => (outcome === 'ok' ? 'removed' : outcome.split(':')[0])));
    expect(fast.seen).toContain(
      'CTR_STATE_INVALID: cannot remove container s as it is running - running or paused containers cannot be removed without force',
    );
  });

  test('log: false keeps it empty', async () => {
    const rt = new MemoryRuntime(chain, { log: false });
    await rt.removeContainer('z', F);
    await rt.removeContainer('q', F).catch(() => undefined);
    expect(rt.has('z')).toBe(false);
    expect(rt.log).toEqual([]);
  });

  test('inspect() reflects removals and setState; has / hasPod', async () => {
    const rt = new MemoryRuntime(world());
    const first = await rt.inspect();
    expect(first).toEqual(ContainerGraph.fromSpec(world()).toSpec());
    expect(rt.has('alpha')).toBe(true);
    expect(rt.has('ghost')).toBe(false);
    expect(rt.hasPod('pod-p')).toBe(true);
    expect(rt.hasPod('nope')).toBe(false);
    expect(rt.hasPod('a')).toBe(false);

    rt.setState('s', 'exited');
    await rt.removeContainer('s', F);
    rt.setState('e', 'running');
    await rejected(rt.removeContainer('e', F), 'CTR_STATE_INVALID');
    const spec = await rt.inspect();
    expect(spec.containers!.find((c) => c.id === 's')).toBeUndefined();
    expect(spec.containers!.find((c) => c.id === 'e')?.state).toBe('running');
    // The graph it reports is valid and consistent.
    const graph = ContainerGraph.fromSpec(spec);
    expect(graph.size).toBe(9);
    expect(graph.dependenciesOf('a1')).toEqual(['a']);
    expect(() => rt.setState('s', 'running')).toThrow(PodgraphError);
  });

  test('inspect() returns a copy: mutating it does not change the runtime', async () => {
    const rt = new MemoryRuntime(world());
    const spec = await rt.inspect();
    spec.containers!.length = 0;
    expect((await rt.inspect()).containers).toHaveLength(10);
  });

  test('constructing from an invalid spec throws what ContainerGraph.fromSpec throws', () => {
    const bad: unknown[] = [
      null,
      { containers: [{ id: 'a' }, { id: 'a' }] },
      { containers: [{ id: 'a', dependsOn: ['b'] }] },
      { containers: [{ id: 'a', pod: 'P' }] },
      {
        containers: [
          { id: 'a', dependsOn: ['b'] },
          { id: 'b', dependsOn: ['a'] },
        ],
      },
      { containers: [{ id: 'a', state: 'zombie' }] },
    ];
    for (const spec of bad) {
      let fromGraph: unknown;
      let fromRuntime: unknown;
      try {
        ContainerGraph.fromSpec(spec as GraphSpec);
      } catch (error) {
        fromGraph = error;
      }
      try {
        new MemoryRuntime(spec as GraphSpec);
      } catch (error) {
        fromRuntime = error;
      }
      expect(fromGraph).toBeInstanceOf(PodgraphError);
      expect(fromRuntime).toBeInstanceOf(PodgraphError);
      expect((fromRuntime as PodgraphError).code).toBe((fromGraph as PodgraphError).code);
      expect((fromRuntime as PodgraphError).message).toBe((fromGraph as PodgraphError).message);
    }
  });

  test('a runtime built from a ContainerGraph starts from the graph and does not change it', async () => {
    const graph = ContainerGraph.fromSpec(world());
    const rt = new MemoryRuntime(graph);
    await rt.removePod('P', FORCE);
    expect(rt.hasPod('P')).toBe(false);
    expect(graph.pod('P')).toBeDefined();
    expect(graph.toSpec()).toEqual(ContainerGraph.fromSpec(world()).toSpec());
  });

  test('two overlapping calls on the same container: one succeeds, the other gets NO_SUCH_CTR', async () => {
    vi.useFakeTimers();
    const rt = new MemoryRuntime(chain, { latency: 20 });
    const results = Promise.allSettled([rt.removeContainer('z', F), rt.removeContainer('z', F)]);
    await vi.advanceTimersByTimeAsync(20);
    const [one, two] = await results;
    const outcomes = [one, two];
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(failed[0].reason).toBeInstanceOf(PodgraphError);
    expect(failed[0].reason.code).toBe('NO_SUCH_CTR');
    expect(rt.has('z')).toBe(false);
    expect(rt.log.map((r) => r.result).sort()).toEqual(['NO_SUCH_CTR', 'removed']);
  });

  test('two overlapping removePod calls: one succeeds, the other gets NO_SUCH_POD', async () => {
    vi.useFakeTimers();
    const rt = new MemoryRuntime(world(), { latency: 20 });
    const results = Promise.allSettled([rt.removePod('P', FORCE), rt.removePod('pod-p', FORCE)]);
    await vi.advanceTimersByTimeAsync(20);
    const outcomes = await results;
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
    expect(failed.reason.code).toBe('NO_SUCH_POD');
  });
});

describe('options are checked when the runtime is built', () => {
  const spec: GraphSpec = { containers: [{ id: 'a' }] };

  /** The INVALID_ARG `new MemoryRuntime(spec, options)` throws. */
  function refused(options: unknown): PodgraphError {
    let caught: unknown;
    try {
      new MemoryRuntime(spec, options as MemoryRuntimeOptions);
    } catch (error) {
      caught = error;
    }
    expect(caught, `${String(options)} should be refused`).toBeInstanceOf(PodgraphError);
    expect((caught as PodgraphError).code).toBe('INVALID_ARG');
    return caught as PodgraphError;
  }

  test("concurrency: an integer from 1 or Infinity, in p-queue's words; refused before any call", () => {
    expect(refused({ concurrency: 0 }).message).toBe(
      'Expected `concurrency` to be an integer from 1 and up or `Infinity`, got `0` (number)',
    );
    expect(refused({ concurrency: '4' }).message).toBe(
      'Expected `concurrency` to be an integer from 1 and up or `Infinity`, got `"4"` (string)',
    );
    for (const concurrency of [-1, 1.5, Number.NaN, -Infinity, null]) {
      expect(refused({ concurrency }).message).toMatch(/^Expected `concurrency` to be an integer from 1 and up or `Infinity`, got `/);
    }
    for (const concurrency of [1, 8, Infinity, undefined]) {
      expect(new MemoryRuntime(spec, { concurrency }).concurrency).toBe(concurrency);
    }
  });

  test('latency: milliseconds from 0 up to what setTimeout takes, or a function', () => {
    expect(refused({ latency: -1 }).message).toBe(
      'Expected `latency` to be a number of milliseconds from 0 to 2147483647 or a function, got `-1` (number)',
    );
    for (const latency of [Number.NaN, Infinity, 2 ** 31, '10', true, null]) {
      expect(refused({ latency }).message).toMatch(
        /^Expected `latency` to be a number of milliseconds from 0 to 2147483647 or a function, got `/,
      );
    }
    for (const latency of [0, 2.5, 2 ** 31 - 1, () => 1]) expect(() => new MemoryRuntime(spec, { latency })).not.toThrow();
  });

  test.each(['fail', 'vanish', 'hang', 'clock'])('%s: a function', (key) => {
    expect(refused({ [key]: true }).message).toBe(`Expected \`${key}\` to be a function, got \`true\` (boolean)`);
    expect(refused({ [key]: 'never' }).message).toBe(`Expected \`${key}\` to be a function, got \`"never"\` (string)`);
    expect(refused({ [key]: null }).message).toBe(`Expected \`${key}\` to be a function, got \`null\` (null)`);
    expect(() => new MemoryRuntime(spec, { [key]: () => undefined })).not.toThrow();
  });

  test('log: a boolean', () => {
    expect(refused({ log: 'false' }).message).toBe('Expected `log` to be a boolean, got `"false"` (string)');
    expect(refused({ log: 0 }).message).toBe('Expected `log` to be a boolean, got `0` (number)');
    expect(new MemoryRuntime(spec, { log: false }).log).toEqual([]);
  });

  test("rules: 'podman' or 'docker', saying what it got", () => {
    expect(refused({ rules: 'moby' }).message).toBe("Expected `rules` to be 'podman' or 'docker', got `\"moby\"` (string)");
  });

  test('the options themselves: an object when given', () => {
    expect(refused(null).message).toBe('Expected `options` to be an object, got `null` (null)');
    expect(refused(3).message).toBe('Expected `options` to be an object, got `3` (number)');
  });

  test('a bad option is named before a bad spec is', () => {
    let caught: unknown;
    try {
      new MemoryRuntime({ containers: [{ id: 'a', dependsOn: ['b'] }] }, { concurrency: 0 });
    } catch (error) {
      caught = error;
    }
    expect((caught as PodgraphError).message).toMatch(/^Expected `concurrency`/);
  });
});
