/**
 * MemoryRuntime's Docker mode (`rules: 'docker'`): Docker Engine's rules, offline. No pods; a
 * container is removed even while others depend on it, and those are left broken (recorded in
 * brokenDependents(), left out of inspect()'s dependencies); state and absence are refused as
 * under podman's rules.
 */
import { ContainerGraph, type ErrorCode, type GraphSpec, MemoryRuntime, PodgraphError, removeGraph } from 'podgraph';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { thrown } from './support/failure.ts';

afterEach(() => {
  vi.useRealTimers();
});

async function rejected(promise: Promise<unknown>, code: ErrorCode): Promise<PodgraphError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `rejects with ${code}`).toBeInstanceOf(PodgraphError);
  expect((error as PodgraphError).code, (error as Error).message).toBe(code);
  return error as PodgraphError;
}

const F = { force: false } as const;
const FORCE = { force: true } as const;
const DOCKER = { rules: 'docker' } as const;

/** db <- api <- web (web depends on api, api on db); api also uses cache's network; s running, p paused, st stopping. */
function world(): GraphSpec {
  return {
    containers: [
      { id: 'db', name: 'the-db' },
      { id: 'cache' },
      { id: 'api', dependsOn: ['db', 'cache'] },
      { id: 'web', dependsOn: ['api'] },
      { id: 'worker', dependsOn: ['db'] },
      { id: 's', state: 'running' },
      { id: 'p', state: 'paused' },
      { id: 'st', state: 'stopping' },
    ],
  };
}

const ids = (spec: GraphSpec) => (spec.containers ?? []).map((c) => c.id).sort();

describe('the rules option', () => {
  test("podman's rules by default: a container with dependents is CTR_EXISTS, nothing is broken", async () => {
    for (const runtime of [new MemoryRuntime(world()), new MemoryRuntime(world(), { rules: 'podman' })]) {
      await rejected(runtime.removeContainer('db', FORCE), 'CTR_EXISTS');
      expect(runtime.has('db')).toBe(true);
      expect(runtime.brokenDependents()).toEqual([]);
    }
  });

  test.each([['moby'], ['Docker'], [''], [42], [null]])('a bad value (%j) is INVALID_ARG naming `rules`', (rules) => {
    const error = thrown(() => new MemoryRuntime(world(), { rules } as never));
    expect(error.code).toBe('INVALID_ARG');
    expect(error.message).toContain('`rules`');
    expect(error.message).toContain("'podman' or 'docker'");
  });
});

describe('Docker has no pods', () => {
  test.each<[string, GraphSpec, RegExp]>([
    ['a pod', { pods: [{ id: 'P' }], containers: [] }, /pod "P"/],
    ['several pods', { pods: [{ id: 'P' }, { id: 'Q' }], containers: [{ id: 'a', pod: 'P' }] }, /2 pods, "P" first/],
    ['a container in an unknown pod (not NO_SUCH_POD)', { containers: [{ id: 'a', pod: 'nowhere' }] }, /container "a" is in pod "nowhere"/],
    ['an infra container', { containers: [{ id: 'i', infra: true }] }, /container "i" is marked infra/],
  ])('a spec with %s is INVALID_ARG saying so', (_, spec, words) => {
    const error = thrown(() => new MemoryRuntime(spec, DOCKER));
    expect(error.code).toBe('INVALID_ARG');
    expect(error.message).toMatch(/^Docker has no pods/);
    expect(error.message).toMatch(words);
  });

  test('a ContainerGraph with a pod is refused too; an empty pods list and infra: false are fine', () => {
    const graph = ContainerGraph.fromSpec({ pods: [{ id: 'P' }], containers: [{ id: 'I', pod: 'P', infra: true }] });
    const error = thrown(() => new MemoryRuntime(graph, DOCKER));
    expect(error.code).toBe('INVALID_ARG');
    expect(error.message).toMatch(/^Docker has no pods.*"P"/);
    expect(() => new MemoryRuntime({ pods: [], containers: [{ id: 'a', infra: false }] }, DOCKER)).not.toThrow();
    expect(() => new MemoryRuntime(graph)).not.toThrow();
  });

  test('the rest of the spec is validated as fromSpec does', () => {
    expect(thrown(() => new MemoryRuntime({ containers: [{ id: 'a', dependsOn: ['b'] }] }, DOCKER)).code).toBe('NO_SUCH_CTR');
    expect(thrown(() => new MemoryRuntime({ containers: [{ id: 'a', dependsOn: ['a'] }] }, DOCKER)).code).toBe('CYCLE');
  });

  test('removePod: NO_SUCH_POD for any name, a container included; nothing changes', async () => {
    const runtime = new MemoryRuntime(world(), DOCKER);
    const error = await rejected(runtime.removePod('db', FORCE), 'NO_SUCH_POD');
    expect(error.message).toBe('no pod with name or ID db found: no such pod');
    expect(runtime.has('db')).toBe(true);
    expect(runtime.hasPod('db')).toBe(false);
    expect((await runtime.inspect()).pods).toEqual([]);
  });
});

describe('removeContainer under Docker rules', () => {
  test('a container with dependents is removed, forced or not; the dependents stay and are recorded as broken, in order', async () => {
    const runtime = new MemoryRuntime(world(), DOCKER);
    await runtime.removeContainer('the-db', F);
    expect(runtime.has('db')).toBe(false);
    expect(runtime.has('api') && runtime.has('worker')).toBe(true);
    await runtime.removeContainer('api', FORCE);
    expect(runtime.has('web')).toBe(true);
    expect(runtime.brokenDependents()).toEqual([
      { container: 'api', lost: 'db' },
      { container: 'worker', lost: 'db' },
      { container: 'web', lost: 'api' },
    ]);
    // A broken dependent is removed as any other, and stays listed.
    await runtime.removeContainer('web', F);
    expect(runtime.brokenDependents()).toHaveLength(3);
  });

  test('a removal after its dependents are gone breaks nothing', async () => {
    const runtime = new MemoryRuntime(world(), DOCKER);
    for (const id of ['web', 'api', 'worker', 'db', 'cache']) await runtime.removeContainer(id, F);
    expect(runtime.brokenDependents()).toEqual([]);
  });

  test('brokenDependents() returns a copy', async () => {
    const runtime = new MemoryRuntime(world(), DOCKER);
    await runtime.removeContainer('cache', F);
    runtime.brokenDependents().pop();
    runtime.brokenDependents()[0].lost = 'changed';
    expect(runtime.brokenDependents()).toEqual([{ container: 'api', lost: 'cache' }]);
  });

  test.each([
    ['s', 'running'],
    ['p', 'paused'],
    ['st', 'stopping'],
  ])("%s (%s) without force: CTR_STATE_INVALID in podman's words; force removes it", async (id, state) => {
    const runtime = new MemoryRuntime(world(), DOCKER);
    const error = await rejected(runtime.removeContainer(id, F), 'CTR_STATE_INVALID');
    const podman = await rejected(new MemoryRuntime(world()).removeContainer(id, F), 'CTR_STATE_INVALID');
    expect(error.message).toBe(podman.message);
    expect(error.message).toContain(state);
    expect(runtime.has(id)).toBe(true);
    await runtime.removeContainer(id, FORCE);
    expect(runtime.has(id)).toBe(false);
  });

  test('a running container with dependents, without force: CTR_STATE_INVALID and nothing breaks', async () => {
    const runtime = new MemoryRuntime(
      {
        containers: [
          { id: 'net', state: 'running' },
          { id: 'user', dependsOn: ['net'] },
        ],
      },
      DOCKER,
    );
    await rejected(runtime.removeContainer('net', F), 'CTR_STATE_INVALID');
    expect(runtime.brokenDependents()).toEqual([]);
    await runtime.removeContainer('net', FORCE);
    expect(runtime.brokenDependents()).toEqual([{ container: 'user', lost: 'net' }]);
  });

  test('absent, or removed already: NO_SUCH_CTR', async () => {
    const runtime = new MemoryRuntime(world(), DOCKER);
    const error = await rejected(runtime.removeContainer('x', FORCE), 'NO_SUCH_CTR');
    expect(error.message).toBe('no container with name or ID "x" found: no such container');
    await runtime.removeContainer('db', F);
    await rejected(runtime.removeContainer('db', F), 'NO_SUCH_CTR');
  });
});

describe('inspect() stays a valid spec after a dependency went first', () => {
  test("a broken dependent's dependsOn leaves out what it lost and keeps the rest", async () => {
    const runtime = new MemoryRuntime(world(), DOCKER);
    await runtime.removeContainer('db', F);
    const spec = await runtime.inspect();
    const byId = new Map((spec.containers ?? []).map((c) => [c.id, c]));
    expect(byId.get('api')!.dependsOn).toEqual(['cache']);
    expect(byId.get('worker')!.dependsOn).toBeUndefined();
    expect(byId.get('web')!.dependsOn).toEqual(['api']);
    expect(ids(spec)).toEqual(['api', 'cache', 'p', 's', 'st', 'web', 'worker']);
  });

  test('ContainerGraph.fromRuntime builds from it, and the graph no longer has the edge', async () => {
    const runtime = new MemoryRuntime(world(), DOCKER);
    await runtime.removeContainer('db', F);
    await runtime.removeContainer('cache', F);
    const graph = await ContainerGraph.fromRuntime(runtime);
    expect(graph.dependenciesOf('api')).toEqual([]);
    expect(graph.dependenciesOf('web')).toEqual(['api']);
    // ...and that graph can be removed on the same runtime.
    const report = await removeGraph(graph, { all: true, force: true });
    expect(report.ok).toBe(true);
    expect((await runtime.inspect()).containers).toEqual([]);
  });
});

describe('the removal engine under Docker rules', () => {
  /** A diamond on a chain: top -> (left, right) -> mid -> base, plus a running sidecar on base. */
  function diamond(): GraphSpec {
    return {
      containers: [
        { id: 'base' },
        { id: 'mid', dependsOn: ['base'] },
        { id: 'left', dependsOn: ['mid'] },
        { id: 'right', dependsOn: ['mid'] },
        { id: 'top', dependsOn: ['left', 'right'] },
        { id: 'side', state: 'running', dependsOn: ['base'] },
      ],
    };
  }

  test('removeGraph (all, force) orders dependents first: nothing is left broken', async () => {
    for (const options of [{}, { log: false }, { latency: 1 }]) {
      const runtime = new MemoryRuntime(diamond(), { ...DOCKER, ...options });
      const graph = ContainerGraph.fromSpec(diamond());
      const report = await removeGraph(graph, { all: true, force: true, runtime });
      expect(report.ok).toBe(true);
      expect((await runtime.inspect()).containers).toEqual([]);
      expect(runtime.brokenDependents()).toEqual([]);
    }
  });

  test('the same graph removed naively, dependencies first, succeeds call by call and leaves every dependent broken', async () => {
    const runtime = new MemoryRuntime(diamond(), DOCKER);
    for (const { id } of diamond().containers!) await runtime.removeContainer(id, FORCE);
    expect((await runtime.inspect()).containers).toEqual([]);
    expect(runtime.brokenDependents()).toEqual([
      { container: 'mid', lost: 'base' },
      { container: 'side', lost: 'base' },
      { container: 'left', lost: 'mid' },
      { container: 'right', lost: 'mid' },
      { container: 'top', lost: 'left' },
      { container: 'top', lost: 'right' },
    ]);
    // Under podman's rules the same order is refused at the first call.
    await rejected(new MemoryRuntime(diamond()).removeContainer('base', FORCE), 'CTR_EXISTS');
  });
});

describe('the other options under Docker rules', () => {
  const pair = (): GraphSpec => ({ containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }] });

  test('log: each record as under podman, and a removal that broke dependents names them', async () => {
    const runtime = new MemoryRuntime(world(), DOCKER);
    await runtime.removeContainer('web', F);
    await runtime.removeContainer('db', { force: true, timeout: 3, volumes: true });
    await rejected(runtime.removeContainer('db', F), 'NO_SUCH_CTR');
    const [web, db, again] = runtime.log;
    expect(web).toMatchObject({ op: 'removeContainer', id: 'web', force: false, result: 'removed' });
    expect(web.broken).toBeUndefined();
    expect(db).toMatchObject({
      id: 'db',
      force: true,
      timeout: 3,
      volumes: true,
      state: 'created',
      result: 'removed',
      broken: ['api', 'worker'],
    });
    expect(again).toMatchObject({ id: 'db', result: 'NO_SUCH_CTR' });
    expect(again.broken).toBeUndefined();
  });

  test('log: false (the fast path) still records broken dependents and drops them from inspect()', async () => {
    const runtime = new MemoryRuntime(pair(), { ...DOCKER, log: false });
    await runtime.removeContainer('a', F);
    expect(runtime.log).toEqual([]);
    expect(runtime.brokenDependents()).toEqual([{ container: 'b', lost: 'a' }]);
    expect((await runtime.inspect()).containers).toEqual([{ id: 'b' }]);
  });

  test('latency: the removal, and the breakage, happen when it has passed', async () => {
    vi.useFakeTimers();
    const runtime = new MemoryRuntime(pair(), { ...DOCKER, latency: 50, clock: Date.now });
    const call = runtime.removeContainer('a', F);
    await vi.advanceTimersByTimeAsync(49);
    expect(runtime.has('a')).toBe(true);
    expect(runtime.brokenDependents()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await call;
    expect(runtime.has('a')).toBe(false);
    expect(runtime.brokenDependents()).toEqual([{ container: 'b', lost: 'a' }]);
    expect(runtime.log[0].end! - runtime.log[0].start).toBe(50);
  });

  test('fail: the call rejects with the injected error and nothing changes or breaks', async () => {
    const boom = new Error('boom');
    const runtime = new MemoryRuntime(pair(), { ...DOCKER, fail: (call) => (call.id === 'a' ? boom : undefined) });
    await expect(runtime.removeContainer('a', F)).rejects.toBe(boom);
    expect(runtime.has('a')).toBe(true);
    expect(runtime.brokenDependents()).toEqual([]);
    expect(runtime.log[0].result).toBe('ERROR');
  });

  test('vanish: someone else removed it as `docker rm -f` does, alone: the call finds it gone, its dependents stay broken', async () => {
    const runtime = new MemoryRuntime(pair(), { ...DOCKER, vanish: (call) => call.id === 'a' });
    await rejected(runtime.removeContainer('a', F), 'NO_SUCH_CTR');
    expect(runtime.has('a')).toBe(false);
    expect(runtime.has('b')).toBe(true);
    expect(runtime.brokenDependents()).toEqual([{ container: 'b', lost: 'a' }]);
    expect(runtime.log[0].broken).toBeUndefined();
    // Under podman's rules someone else takes the dependents too.
    const podman = new MemoryRuntime(pair());
    podman.vanishContainer('a');
    expect(podman.has('b')).toBe(false);
    expect(podman.brokenDependents()).toEqual([]);
  });

  test('hang + abort: ABORTED, nothing changed', async () => {
    const runtime = new MemoryRuntime(pair(), { ...DOCKER, hang: () => true });
    const controller = new AbortController();
    const call = runtime.removeContainer('a', { force: false, signal: controller.signal });
    controller.abort();
    await rejected(call, 'ABORTED');
    expect(runtime.has('a')).toBe(true);
    expect(runtime.brokenDependents()).toEqual([]);
  });

  test('concurrency: the bound the removals share', async () => {
    const runtime = new MemoryRuntime(world(), { ...DOCKER, concurrency: 2, latency: 1 });
    expect(runtime.concurrency).toBe(2);
    const report = await removeGraph(ContainerGraph.fromSpec(world()), { all: true, force: true, runtime, concurrency: 8 });
    expect(report.ok).toBe(true);
    let inFlight = 0;
    let most = 0;
    const events = runtime.log.flatMap((r) => [
      { at: r.startTick, d: 1 },
      { at: r.endTick!, d: -1 },
    ]);
    for (const { d } of events.sort((x, y) => x.at - y.at)) {
      inFlight += d;
      most = Math.max(most, inFlight);
    }
    expect(most).toBe(2);
    expect(runtime.brokenDependents()).toEqual([]);
  });
});
