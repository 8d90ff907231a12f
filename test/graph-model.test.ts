import { ContainerGraph, type ErrorCode, type GraphSpec, MemoryRuntime, PodgraphError } from 'podgraph';
import { describe, expect, test } from 'vitest';

/** Runs `fn`, expects a PodgraphError with `code`, returns it for more checks. */
function thrown(fn: () => unknown, code: ErrorCode): PodgraphError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PodgraphError);
  expect(caught).toBeInstanceOf(Error);
  const error = caught as PodgraphError;
  expect(error.code).toBe(code);
  expect(error.name).toBe('PodgraphError');
  return error;
}

function build(spec: unknown): ContainerGraph {
  return ContainerGraph.fromSpec(spec as GraphSpec);
}

const CYCLE_PREFIX = 'cycle found in container dependency graph: ';

/** Ids of the cycle named by a CYCLE message, checked to be a closed walk over real dependency edges. */
function cycleOf(message: string, spec: GraphSpec): string[] {
  expect(message.startsWith(CYCLE_PREFIX)).toBe(true);
  const ids = message.slice(CYCLE_PREFIX.length).split(' -> ');
  expect(ids.length).toBeGreaterThanOrEqual(2);
  expect(ids[0]).toBe(ids[ids.length - 1]);
  // Only the first id may repeat (at the end): it is one cycle, not a walk around several.
  expect(new Set(ids.slice(0, -1)).size).toBe(ids.length - 1);
  const byRef = new Map<string, string>();
  for (const c of spec.containers ?? []) {
    byRef.set(c.id, c.id);
    if (c.name !== undefined) byRef.set(c.name, c.id);
  }
  const deps = new Map<string, Set<string>>();
  for (const c of spec.containers ?? []) deps.set(c.id, new Set((c.dependsOn ?? []).map((d) => byRef.get(d) ?? d)));
  for (let k = 0; k + 1 < ids.length; k++) {
    expect(deps.get(ids[k])?.has(ids[k + 1]), `${ids[k]} -> ${ids[k + 1]} is a dependency edge`).toBe(true);
  }
  return ids;
}

describe('invalid input', () => {
  test('empty container id', () => {
    const error = thrown(() => build({ containers: [{ id: '' }] }), 'INVALID_ARG');
    expect(error.message).toMatch(/id/);
    expect(error.message).toContain('containers[0]');
  });

  test('duplicate container id says which id', () => {
    const error = thrown(() => build({ containers: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] }), 'INVALID_ARG');
    expect(error.message).toMatch(/duplicate/i);
    expect(error.message).toContain('"a"');
  });

  test('duplicate container name says which name', () => {
    const error = thrown(
      () =>
        build({
          containers: [
            { id: 'a', name: 'web' },
            { id: 'b', name: 'web' },
          ],
        }),
      'INVALID_ARG',
    );
    expect(error.message).toMatch(/duplicate/i);
    expect(error.message).toContain('web');
    expect(error.message).toMatch(/name/);
  });

  test('duplicate pod id says which', () => {
    const error = thrown(() => build({ pods: [{ id: 'p' }, { id: 'p' }] }), 'INVALID_ARG');
    expect(error.message).toMatch(/duplicate/i);
    expect(error.message).toMatch(/pod/);
    expect(error.message).toContain('"p"');
  });

  test('duplicate pod name says which', () => {
    const error = thrown(
      () =>
        build({
          pods: [
            { id: 'p1', name: 'db' },
            { id: 'p2', name: 'db' },
          ],
        }),
      'INVALID_ARG',
    );
    expect(error.message).toMatch(/duplicate/i);
    expect(error.message).toMatch(/pod/);
    expect(error.message).toContain('db');
  });

  test('empty pod id', () => {
    const error = thrown(() => build({ pods: [{ id: '' }] }), 'INVALID_ARG');
    expect(error.message).toContain('pods[0]');
  });

  test('dependency on an unknown container: podman words', () => {
    const error = thrown(() => build({ containers: [{ id: 'a', dependsOn: ['b'] }] }), 'NO_SUCH_CTR');
    expect(error.message).toBe('container a depends on container b not found in input list: no such container');
  });

  test('container in an unknown pod names both', () => {
    const error = thrown(() => build({ pods: [{ id: 'p' }], containers: [{ id: 'c1', pod: 'nopod' }] }), 'NO_SUCH_POD');
    expect(error.message).toContain('c1');
    expect(error.message).toContain('nopod');
  });

  test('infra without pod', () => {
    const error = thrown(() => build({ containers: [{ id: 'i', infra: true }] }), 'INVALID_ARG');
    expect(error.message).toContain('i');
    expect(error.message).toMatch(/infra/);
    expect(error.message).toMatch(/pod/);
  });

  test('two infra containers in one pod say which', () => {
    const error = thrown(
      () =>
        build({
          pods: [{ id: 'p' }],
          containers: [
            { id: 'i1', pod: 'p', infra: true },
            { id: 'i2', pod: 'p', infra: true },
          ],
        }),
      'INVALID_ARG',
    );
    expect(error.message).toContain('p');
    expect(error.message).toContain('i1');
    expect(error.message).toContain('i2');
  });

  test('dependency across pods: podman words', () => {
    const error = thrown(
      () =>
        build({
          pods: [{ id: 'P' }, { id: 'Q' }],
          containers: [
            { id: 'b', pod: 'Q' },
            { id: 'a', pod: 'P', dependsOn: ['b'] },
          ],
        }),
      'INVALID_ARG',
    );
    expect(error.message).toBe('container has joined pod P and dependency container b is not a member of the pod');
  });

  test('dependency from a pod member to a container outside pods: podman words', () => {
    const error = thrown(
      () =>
        build({
          pods: [{ id: 'P' }],
          containers: [{ id: 'b' }, { id: 'a', pod: 'P', dependsOn: ['b'] }],
        }),
      'INVALID_ARG',
    );
    expect(error.message).toBe('container has joined pod P and dependency container b is not a member of the pod');
  });

  test('dependency named by name is reported by id (pod rule)', () => {
    const error = thrown(
      () =>
        build({
          pods: [{ id: 'P', name: 'pname' }],
          containers: [
            { id: 'b', name: 'bname' },
            { id: 'a', pod: 'pname', dependsOn: ['bname'] },
          ],
        }),
      'INVALID_ARG',
    );
    expect(error.message).toBe('container has joined pod P and dependency container b is not a member of the pod');
  });

  test('container outside pods depending on one in a pod: podman words', () => {
    const error = thrown(
      () =>
        build({
          pods: [{ id: 'P' }],
          containers: [
            { id: 'b', pod: 'P' },
            { id: 'a', dependsOn: ['b'] },
          ],
        }),
      'INVALID_ARG',
    );
    expect(error.message).toBe(
      'container a depends on container b which is in a pod - containers not in pods cannot depend on containers in pods',
    );
  });

  test('two-cycle: the whole cycle by id', () => {
    const error = thrown(
      () =>
        build({
          containers: [
            { id: 'a', dependsOn: ['b'] },
            { id: 'b', dependsOn: ['a'] },
          ],
        }),
      'CYCLE',
    );
    expect(error.message).toBe('cycle found in container dependency graph: a -> b -> a');
  });

  test('two-cycle given by names is reported by id', () => {
    const spec: GraphSpec = {
      containers: [
        { id: 'a', name: 'alpha', dependsOn: ['beta'] },
        { id: 'b', name: 'beta', dependsOn: ['alpha'] },
      ],
    };
    const error = thrown(() => build(spec), 'CYCLE');
    const ids = cycleOf(error.message, spec);
    expect(new Set(ids)).toEqual(new Set(['a', 'b']));
    expect(ids).toHaveLength(3);
  });

  test('self-dependency', () => {
    const error = thrown(() => build({ containers: [{ id: 'x' }, { id: 'a', dependsOn: ['a'] }] }), 'CYCLE');
    expect(error.message).toBe('cycle found in container dependency graph: a -> a');
  });

  test('three-cycle reached through a tail names the cycle only', () => {
    // t -> u -> a -> b -> c -> a ; the tail t, u is not part of the cycle.
    const spec: GraphSpec = {
      containers: [
        { id: 't', dependsOn: ['u'] },
        { id: 'u', dependsOn: ['a'] },
        { id: 'a', dependsOn: ['b'] },
        { id: 'b', dependsOn: ['c'] },
        { id: 'c', dependsOn: ['a'] },
        { id: 'free' },
      ],
    };
    const error = thrown(() => build(spec), 'CYCLE');
    const ids = cycleOf(error.message, spec);
    expect(ids).toHaveLength(4);
    expect(new Set(ids)).toEqual(new Set(['a', 'b', 'c']));
  });

  test('three-cycle listed cycle-first gives the cycle from its first container', () => {
    const error = thrown(
      () =>
        build({
          containers: [
            { id: 'a', dependsOn: ['b'] },
            { id: 'b', dependsOn: ['c'] },
            { id: 'c', dependsOn: ['a'] },
          ],
        }),
      'CYCLE',
    );
    expect(error.message).toBe('cycle found in container dependency graph: a -> b -> c -> a');
  });

  test('cycle through the implicit infra edge', () => {
    // m joins the infra's namespaces (m -> i), and the infra explicitly depends on m.
    const spec: GraphSpec = {
      pods: [{ id: 'P' }],
      containers: [
        { id: 'i', pod: 'P', infra: true, dependsOn: ['m'] },
        { id: 'm', pod: 'P' },
      ],
    };
    const error = thrown(() => build(spec), 'CYCLE');
    const ids = error.message.slice(CYCLE_PREFIX.length).split(' -> ');
    expect(error.message.startsWith(CYCLE_PREFIX)).toBe(true);
    expect(ids).toHaveLength(3);
    expect(new Set(ids)).toEqual(new Set(['i', 'm']));
  });

  test('the first problem wins and nothing is built: MemoryRuntime refuses the same spec', () => {
    const spec = { containers: [{ id: 'a', dependsOn: ['zzz'] }] } as GraphSpec;
    const fromGraph = thrown(() => build(spec), 'NO_SUCH_CTR');
    const fromRuntime = thrown(() => new MemoryRuntime(spec), 'NO_SUCH_CTR');
    expect(fromRuntime.message).toBe(fromGraph.message);
  });
});

describe('malformed input names what was received', () => {
  test.each([
    ['null', null, '`null` (null)'],
    ['a string', 'spec', '`"spec"` (string)'],
    ['a number', 42, '`42` (number)'],
    ['undefined', undefined, '`undefined` (undefined)'],
  ])('non-object spec: %s', (_label, spec, shown) => {
    const error = thrown(() => build(spec), 'INVALID_ARG');
    expect(error.message).toContain(shown);
  });

  test('an array as spec is refused', () => {
    thrown(() => build([]), 'INVALID_ARG');
  });

  test('non-array containers', () => {
    const error = thrown(() => build({ containers: 'a,b' }), 'INVALID_ARG');
    expect(error.message).toContain('containers');
    expect(error.message).toContain('`"a,b"` (string)');
  });

  test('non-array pods', () => {
    const error = thrown(() => build({ pods: { id: 'p' } }), 'INVALID_ARG');
    expect(error.message).toContain('pods');
    expect(error.message).toContain('(object)');
  });

  test('non-string container id', () => {
    const error = thrown(() => build({ containers: [{ id: 7 }] }), 'INVALID_ARG');
    expect(error.message).toContain('containers[0].id');
    expect(error.message).toContain('`7` (number)');
  });

  test('missing container id', () => {
    const error = thrown(() => build({ containers: [{ name: 'x' }] }), 'INVALID_ARG');
    expect(error.message).toContain('`undefined` (undefined)');
  });

  test('container that is not an object', () => {
    const error = thrown(() => build({ containers: ['a'] }), 'INVALID_ARG');
    expect(error.message).toContain('`"a"` (string)');
  });

  test('unknown state', () => {
    const error = thrown(() => build({ containers: [{ id: 'a' }, { id: 'b', state: 'dead' }] }), 'INVALID_ARG');
    expect(error.message).toContain('containers[1].state');
    expect(error.message).toContain('`"dead"` (string)');
  });

  test('infra not boolean', () => {
    const error = thrown(() => build({ pods: [{ id: 'P' }], containers: [{ id: 'i', pod: 'P', infra: 'yes' }] }), 'INVALID_ARG');
    expect(error.message).toContain('infra');
    expect(error.message).toContain('`"yes"` (string)');
  });

  test('dependsOn not an array', () => {
    const error = thrown(() => build({ containers: [{ id: 'a' }, { id: 'b', dependsOn: 'a' }] }), 'INVALID_ARG');
    expect(error.message).toContain('dependsOn');
    expect(error.message).toContain('`"a"` (string)');
  });

  test('non-string dependency', () => {
    const error = thrown(() => build({ containers: [{ id: 'a' }, { id: 'b', dependsOn: [0] }] }), 'INVALID_ARG');
    expect(error.message).toContain('dependsOn');
    expect(error.message).toContain('`0` (number)');
  });
});

describe('valid graphs', () => {
  const podSpec: GraphSpec = {
    pods: [{ id: 'P', name: 'web' }],
    containers: [
      { id: 'I', name: 'web-infra', pod: 'web', infra: true, state: 'running' },
      { id: 'db', name: 'database', pod: 'P', state: 'running' },
      { id: 'app', name: 'application', pod: 'P', dependsOn: ['database'], state: 'exited' },
      { id: 'side', pod: 'P', dependsOn: ['web-infra', 'I', 'app', 'application'] },
      { id: 'solo' },
      { id: 'solo2', dependsOn: ['solo'] },
    ],
  };

  test('empty spec is a valid empty graph', () => {
    const graph = ContainerGraph.fromSpec({});
    expect(graph.size).toBe(0);
    expect(graph.containerIds()).toEqual([]);
    expect(graph.podIds()).toEqual([]);
    expect(graph.toSpec()).toEqual({ pods: [], containers: [] });
  });

  test('dependenciesOf / dependentsOf by id and by name, infra edge implicit', () => {
    const graph = ContainerGraph.fromSpec(podSpec);
    expect(graph.size).toBe(6);
    expect(graph.dependenciesOf('db')).toEqual(['I']);
    expect(graph.dependenciesOf('database')).toEqual(['I']);
    expect(new Set(graph.dependenciesOf('app'))).toEqual(new Set(['db', 'I']));
    expect(graph.dependenciesOf('application')).toEqual(graph.dependenciesOf('app'));
    expect(graph.dependenciesOf('I')).toEqual([]);
    expect(graph.dependenciesOf('solo2')).toEqual(['solo']);
    expect(graph.dependenciesOf('solo')).toEqual([]);

    expect(new Set(graph.dependentsOf('I'))).toEqual(new Set(['db', 'app', 'side']));
    expect(graph.dependentsOf('web-infra')).toEqual(graph.dependentsOf('I'));
    expect(graph.dependentsOf('database')).toEqual(['app']);
    expect(graph.dependentsOf('app')).toEqual(['side']);
    expect(graph.dependentsOf('side')).toEqual([]);
    expect(graph.dependentsOf('solo')).toEqual(['solo2']);
  });

  test('de-duplication: infra listed explicitly (by id and name) and a repeated dependency never repeat an id', () => {
    const graph = ContainerGraph.fromSpec(podSpec);
    const deps = graph.dependenciesOf('side');
    expect(new Set(deps)).toEqual(new Set(['I', 'app']));
    expect(deps).toHaveLength(2);
    const dependents = graph.dependentsOf('I');
    expect(dependents).toHaveLength(new Set(dependents).size);
    expect(graph.dependentsOf('app')).toEqual(['side']);
  });

  test('unknown id in dependenciesOf / dependentsOf throws NO_SUCH_CTR', () => {
    const graph = ContainerGraph.fromSpec(podSpec);
    const error = thrown(() => graph.dependenciesOf('ghost'), 'NO_SUCH_CTR');
    expect(error.message).toBe('no container with name or ID "ghost" found: no such container');
    thrown(() => graph.dependentsOf('ghost'), 'NO_SUCH_CTR');
    // A pod id is not a container.
    thrown(() => graph.dependenciesOf('P'), 'NO_SUCH_CTR');
  });

  test('container() and pod() info', () => {
    const graph = ContainerGraph.fromSpec(podSpec);
    expect(graph.container('I')).toEqual({ id: 'I', name: 'web-infra', pod: 'P', infra: true, state: 'running' });
    expect(graph.container('application')).toEqual({ id: 'app', name: 'application', pod: 'P', infra: false, state: 'exited' });
    expect(graph.container('solo')).toEqual({ id: 'solo', infra: false, state: 'created' });
    expect(graph.container('nope')).toBeUndefined();
    expect(graph.container('P')).toBeUndefined();

    const pod = graph.pod('web');
    expect(pod).toBeDefined();
    expect(pod!.id).toBe('P');
    expect(pod!.name).toBe('web');
    expect(pod!.infra).toBe('I');
    expect(new Set(pod!.containers)).toEqual(new Set(['I', 'db', 'app', 'side']));
    expect(graph.pod('P')).toEqual(pod);
    expect(graph.pod('nope')).toBeUndefined();
    expect(graph.pod('I')).toBeUndefined();
  });

  test('pod without infra has no infra field and no implicit edges', () => {
    const graph = ContainerGraph.fromSpec({
      pods: [{ id: 'P' }],
      containers: [
        { id: 'a', pod: 'P' },
        { id: 'b', pod: 'P' },
      ],
    });
    expect(graph.pod('P')).toEqual({ id: 'P', containers: ['a', 'b'] });
    expect(graph.dependenciesOf('a')).toEqual([]);
    expect(graph.dependenciesOf('b')).toEqual([]);
  });

  test('toSpec: explicit dependencies only, by id, pods by id; round trip is stable', () => {
    const graph = ContainerGraph.fromSpec(podSpec);
    const spec = graph.toSpec();
    expect(spec.pods).toEqual([{ id: 'P', name: 'web' }]);
    const byId = new Map(spec.containers!.map((c) => [c.id, c]));
    expect(byId.size).toBe(6);
    expect(byId.get('I')).toMatchObject({ id: 'I', name: 'web-infra', pod: 'P', infra: true, state: 'running' });
    // The implicit infra edge is not written back.
    expect(byId.get('db')!.dependsOn ?? []).toEqual([]);
    // By id even when given by name.
    expect(byId.get('app')!.dependsOn).toEqual(['db']);
    expect(byId.get('app')!.pod).toBe('P');
    // The explicit infra dependency stays, once.
    expect(new Set(byId.get('side')!.dependsOn)).toEqual(new Set(['I', 'app']));
    expect(byId.get('side')!.dependsOn).toHaveLength(2);
    expect(byId.get('solo')!.infra ?? false).toBe(false);
    expect(byId.get('solo')!.dependsOn ?? []).toEqual([]);

    const again = ContainerGraph.fromSpec(spec);
    expect(again.toSpec()).toEqual(spec);
    for (const id of graph.containerIds()) {
      expect(new Set(again.dependenciesOf(id))).toEqual(new Set(graph.dependenciesOf(id)));
      expect(new Set(again.dependentsOf(id))).toEqual(new Set(graph.dependentsOf(id)));
    }
  });

  test('toSpec does not alias the input: mutating the input afterwards changes nothing', () => {
    const spec: GraphSpec = { containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a'] }] };
    const graph = ContainerGraph.fromSpec(spec);
    spec.containers![1].dependsOn!.push('zzz');
    spec.containers!.push({ id: 'c' });
    expect(graph.size).toBe(2);
    expect(graph.dependenciesOf('b')).toEqual(['a']);
    expect(graph.toSpec().containers!.map((c) => c.id)).toEqual(['a', 'b']);
  });

  test('graphlib view: one node per container, edges dependent -> dependency, implicit infra edge included', () => {
    const graph = ContainerGraph.fromSpec(podSpec);
    const view = graph.graphlib;
    expect(view.isDirected()).toBe(true);
    expect(new Set(view.nodes())).toEqual(new Set(['I', 'db', 'app', 'side', 'solo', 'solo2']));
    expect(view.nodeCount()).toBe(6);
    const edges = view
      .edges()
      .map((e) => `${e.v}->${e.w}`)
      .sort();
    expect(edges).toEqual(['app->I', 'app->db', 'db->I', 'side->I', 'side->app', 'solo2->solo'].sort());
    expect(view.hasEdge('db', 'I')).toBe(true);
    expect(view.hasEdge('I', 'db')).toBe(false);
    expect(view.node('app')).toEqual(graph.container('app'));
    expect(view.node('I')).toMatchObject({ id: 'I', infra: true, pod: 'P' });
  });

  test('fromRuntime(new MemoryRuntime(spec)) equals fromSpec(spec)', async () => {
    const direct = ContainerGraph.fromSpec(podSpec);
    const viaRuntime = await ContainerGraph.fromRuntime(new MemoryRuntime(podSpec));
    expect(viaRuntime).toBeInstanceOf(ContainerGraph);
    expect(viaRuntime.toSpec()).toEqual(direct.toSpec());
    for (const id of direct.containerIds()) {
      expect(new Set(viaRuntime.dependenciesOf(id))).toEqual(new Set(direct.dependenciesOf(id)));
    }
    expect(viaRuntime.pod('P')).toEqual(direct.pod('P'));
  });

  test('fromRuntime validates what inspect() gives', async () => {
    const runtime = {
      inspect: async (): Promise<GraphSpec> => ({ containers: [{ id: 'a', dependsOn: ['b'] }] }),
    };
    await expect(ContainerGraph.fromRuntime(runtime)).rejects.toMatchObject({
      code: 'NO_SUCH_CTR',
      message: 'container a depends on container b not found in input list: no such container',
    });
  });

  test('fromRuntime: an inspect() failure is a RUNTIME PodgraphError (a PodgraphError passes as it is)', async () => {
    const cause = new Error('connect ENOENT /run/podman/podman.sock');
    const error = await ContainerGraph.fromRuntime({ inspect: () => Promise.reject(cause) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PodgraphError);
    expect(error).toMatchObject({
      code: 'RUNTIME',
      message: 'inspecting the runtime failed: connect ENOENT /run/podman/podman.sock',
      cause,
    });
    const own = new PodgraphError('ABORTED', 'stopped');
    await expect(ContainerGraph.fromRuntime({ inspect: () => Promise.reject(own) })).rejects.toBe(own);
  });
});

describe('scale', () => {
  const N = 1_000_000;

  test('a chain of 1,000,000 containers validates without a stack overflow', () => {
    const containers: { id: string; dependsOn?: string[] }[] = new Array(N);
    containers[0] = { id: 'c0' };
    for (let i = 1; i < N; i++) containers[i] = { id: `c${i}`, dependsOn: [`c${i - 1}`] };
    const graph = ContainerGraph.fromSpec({ containers });
    expect(graph.size).toBe(N);
    expect(graph.dependenciesOf(`c${N - 1}`)).toEqual([`c${N - 2}`]);
    expect(graph.dependentsOf(`c${N - 1}`)).toEqual([]);
    expect(graph.dependentsOf('c0')).toEqual(['c1']);
    expect(graph.dependenciesOf('c0')).toEqual([]);
  });

  test('a cycle of 1,000,000 containers is reported as CYCLE', () => {
    const containers: { id: string; dependsOn: string[] }[] = new Array(N);
    containers[0] = { id: 'c0', dependsOn: [`c${N - 1}`] };
    for (let i = 1; i < N; i++) containers[i] = { id: `c${i}`, dependsOn: [`c${i - 1}`] };
    const error = thrown(() => ContainerGraph.fromSpec({ containers }), 'CYCLE');
    expect(error.message.startsWith(CYCLE_PREFIX)).toBe(true);
    const ids = error.message.slice(CYCLE_PREFIX.length).split(' -> ');
    expect(ids).toHaveLength(N + 1);
    expect(ids[0]).toBe(ids[N]);
    expect(new Set(ids).size).toBe(N);
    // A walk along dependencies: each id's dependency comes next (c_i -> c_{i-1}, c0 -> c_{N-1}).
    const start = Number(ids[0].slice(1));
    expect(ids[1]).toBe(`c${(start - 1 + N) % N}`);
    expect(error.message.endsWith(` -> ${ids[0]}`)).toBe(true);
  });
});

describe('validation errors carry the path of what they refuse', () => {
  const cases: [string, GraphSpec, string][] = [
    ['a duplicate id', { containers: [{ id: 'a' }, { id: 'a' }] }, 'containers[1].id'],
    [
      'a duplicate name',
      {
        containers: [
          { id: 'a', name: 'n' },
          { id: 'b', name: 'n' },
        ],
      },
      'containers[1].name',
    ],
    ['an unknown pod', { containers: [{ id: 'a', pod: 'p' }] }, 'containers[0].pod'],
    ['an unknown dependency', { containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a', 'x'] }] }, 'containers[1].dependsOn[1]'],
    ['infra without a pod', { containers: [{ id: 'a', infra: true }] }, 'containers[0].infra'],
    [
      'a second infra container',
      {
        pods: [{ id: 'p' }],
        containers: [
          { id: 'a', pod: 'p', infra: true },
          { id: 'b', pod: 'p', infra: true },
        ],
      },
      'containers[1].infra',
    ],
    [
      'a dependency into a pod from outside',
      {
        pods: [{ id: 'p' }],
        containers: [
          { id: 'a', pod: 'p' },
          { id: 'b', dependsOn: ['a'] },
        ],
      },
      'containers[1].dependsOn[0]',
    ],
    [
      'a cycle',
      {
        containers: [{ id: 'a', dependsOn: ['c', 'b'] }, { id: 'b', dependsOn: ['a'] }, { id: 'c' }],
      },
      'containers[0].dependsOn[1]',
    ],
    [
      'a cycle through the implicit infra edge: the infra container names its reference',
      {
        pods: [{ id: 'P' }],
        containers: [
          { id: 'm', pod: 'P' },
          { id: 'i', pod: 'P', infra: true, dependsOn: ['m'] },
        ],
      },
      'containers[1].dependsOn[0]',
    ],
  ];
  test.each(cases)('%s', (_, spec, path) => {
    let thrown: unknown;
    try {
      ContainerGraph.fromSpec(spec);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PodgraphError);
    expect((thrown as PodgraphError).path).toBe(path);
  });
});

describe('labels', () => {
  test('toSpec keeps them (an empty object is no labels); container() and pod() show them', () => {
    // JSON text, as a spec file gives it: `__proto__` is a label like any other there.
    const input = JSON.parse(
      '{"pods":[{"id":"p","labels":{"team":"a"}}],"containers":[{"id":"a","labels":{"env":"ci","__proto__":"kept"}},{"id":"b","pod":"p","labels":{}}]}',
    );
    const graph = ContainerGraph.fromSpec(input);
    expect(graph.toSpec()).toEqual({
      pods: [{ id: 'p', labels: { team: 'a' } }],
      containers: [
        { id: 'a', labels: JSON.parse('{"env":"ci","__proto__":"kept"}') },
        { id: 'b', pod: 'p' },
      ],
    });
    expect(Object.keys(graph.container('a')!.labels!)).toEqual(['env', '__proto__']);
    expect(graph.pod('p')!.labels).toEqual({ team: 'a' });
    expect(graph.container('b')!.labels).toBeUndefined();
  });

  test('the model keeps its own copy: changing the input or an answer afterwards changes nothing', () => {
    const input: GraphSpec = { containers: [{ id: 'a', labels: { env: 'ci' } }] };
    const graph = ContainerGraph.fromSpec(input);
    input.containers![0].labels!.env = 'prod';
    graph.container('a')!.labels!.env = 'dev';
    graph.toSpec().containers![0].labels!.env = 'qa';
    expect(graph.container('a')!.labels).toEqual({ env: 'ci' });
  });

  test('MemoryRuntime carries them in inspect()', async () => {
    const runtime = new MemoryRuntime({ pods: [{ id: 'p', labels: { team: 'a' } }], containers: [{ id: 'a', labels: { env: 'ci' } }] });
    expect(await runtime.inspect()).toEqual({
      pods: [{ id: 'p', labels: { team: 'a' } }],
      containers: [{ id: 'a', labels: { env: 'ci' } }],
    });
  });

  test.each([
    [{ containers: [{ id: 'a', labels: 'env=ci' }] }, 'Expected containers[0].labels to be an object of strings, got `"env=ci"` (string)'],
    [{ containers: [{ id: 'a', labels: ['env'] }] }, 'Expected containers[0].labels to be an object of strings'],
    [{ containers: [{ id: 'a', labels: { n: 1 } }] }, 'Expected containers[0].labels["n"] to be a string, got `1` (number)'],
    [{ pods: [{ id: 'p', labels: { n: null } }] }, 'Expected pods[0].labels["n"] to be a string, got `null` (null)'],
  ])('invalid labels are INVALID_ARG: %j', (input, message) => {
    expect(thrown(() => build(input), 'INVALID_ARG').message).toContain(message);
  });

  test('created and exitCode: kept by toSpec and MemoryRuntime; validated', async () => {
    const spec: GraphSpec = { containers: [{ id: 'a', state: 'exited', exitCode: 3, created: '2026-12-01T08:33:45.847897446Z' }] };
    expect(ContainerGraph.fromSpec(spec).toSpec()).toEqual({ pods: [], containers: spec.containers });
    expect((await new MemoryRuntime(spec).inspect()).containers).toEqual(spec.containers);
    expect(thrown(() => build({ containers: [{ id: 'a', created: 'yesterday' }] }), 'INVALID_ARG').message).toBe(
      'Expected containers[0].created to be an RFC 3339 time such as podman\'s Created, got `"yesterday"` (string)',
    );
    expect(thrown(() => build({ containers: [{ id: 'a', exitCode: 1.5 }] }), 'INVALID_ARG').message).toBe(
      'Expected containers[0].exitCode to be a 32-bit integer, got `1.5` (number)',
    );
  });
});

/** Runs `fn`, expects an INVALID_ARG PodgraphError, returns its path and message. */
function refusedAt(fn: () => unknown): { path: string | undefined; message: string } {
  const error = thrown(fn, 'INVALID_ARG');
  return { path: error.path, message: error.message };
}

describe('unknown keys are INVALID_ARG with the path of the key', () => {
  test.each([
    ['at the root', { containers: [], version: 2 }, 'version', 'Unknown key version: a graph spec has only pods, containers'],
    ['in a pod', { pods: [{ id: 'p', image: 'x' }] }, 'pods[0].image', 'Unknown key pods[0].image: a pod has only id, name, labels'],
    [
      'in a container (a misspelt dependsOn)',
      { containers: [{ id: 'a' }, { id: 'b', depends_on: ['a'] }] },
      'containers[1].depends_on',
      'Unknown key containers[1].depends_on: a container has only id, name, pod, infra, state, dependsOn, labels, created, exitCode',
    ],
    [
      'a key that is no identifier is quoted',
      { containers: [{ id: 'a', 'depends-on': [] }] },
      'containers[0]["depends-on"]',
      'Unknown key containers[0]["depends-on"]: a container has only',
    ],
  ])('%s', (_, spec, path, message) => {
    const refused = refusedAt(() => build(spec));
    expect(refused.path).toBe(path);
    expect(refused.message).toContain(message);
  });

  test('a key whose value is undefined is no key, as for the known ones', () => {
    expect(build({ containers: [{ id: 'a', note: undefined, name: undefined }] }).size).toBe(1);
  });

  test('an unknown key comes before a wrong type in the same container', () => {
    expect(refusedAt(() => build({ containers: [{ ID: 'a' }] })).path).toBe('containers[0].ID');
  });

  test('MemoryRuntime and fromRuntime refuse them too', async () => {
    const spec = JSON.parse('{"containers":[{"id":"a","image":"alpine"}]}') as GraphSpec;
    expect(refusedAt(() => new MemoryRuntime(spec)).path).toBe('containers[0].image');
    await expect(ContainerGraph.fromRuntime({ inspect: async () => spec })).rejects.toMatchObject({
      code: 'INVALID_ARG',
      path: 'containers[0].image',
    });
  });

  test('what podgraph itself writes has none: toSpec() and MemoryRuntime.inspect() read back', async () => {
    const spec: GraphSpec = {
      pods: [{ id: 'p', name: 'web', labels: { team: 'a' } }],
      containers: [
        { id: 'i', pod: 'p', infra: true, state: 'running' },
        { id: 'a', name: 'app', pod: 'p', state: 'exited', exitCode: 2, created: '2026-01-01T00:00:00Z', labels: { env: 'ci' } },
        { id: 'b', dependsOn: ['c'] },
        { id: 'c' },
      ],
    };
    const graph = ContainerGraph.fromSpec(spec);
    expect(ContainerGraph.fromSpec(graph.toSpec()).toSpec()).toEqual(graph.toSpec());
    expect(ContainerGraph.fromSpec(await new MemoryRuntime(spec).inspect()).toSpec()).toEqual(graph.toSpec());
  });
});

describe('wrong types are INVALID_ARG with the path of the value', () => {
  test.each([
    ['pods not an array', { pods: 'p' }, 'pods'],
    ['containers not an array', { containers: null }, 'containers'],
    ['a pod not an object', { pods: [null] }, 'pods[0]'],
    ['a pod id not a string', { pods: [{ id: 1 }] }, 'pods[0].id'],
    ['an empty pod name', { pods: [{ id: 'p', name: '' }] }, 'pods[0].name'],
    ['pod labels not an object', { pods: [{ id: 'p', labels: ['a'] }] }, 'pods[0].labels'],
    ['a pod label not a string', { pods: [{ id: 'p', labels: { n: 1 } }] }, 'pods[0].labels["n"]'],
    ['a container not an object', { containers: [{ id: 'a' }, 'b'] }, 'containers[1]'],
    ['a missing container id', { containers: [{ id: 'a' }, { name: 'b' }] }, 'containers[1].id'],
    ['a container name not a string', { containers: [{ id: 'a', name: 7 }] }, 'containers[0].name'],
    ['a pod reference not a string', { containers: [{ id: 'a', pod: 1 }] }, 'containers[0].pod'],
    ['infra not a boolean', { containers: [{ id: 'a', infra: 1 }] }, 'containers[0].infra'],
    ['an unknown state', { containers: [{ id: 'a', state: 'dead' }] }, 'containers[0].state'],
    ['a null state (it used to read as created)', { containers: [{ id: 'a', state: null }] }, 'containers[0].state'],
    ['dependsOn not an array', { containers: [{ id: 'a', dependsOn: 'b' }] }, 'containers[0].dependsOn'],
    ['a dependency not a string', { containers: [{ id: 'a' }, { id: 'b', dependsOn: ['a', 0] }] }, 'containers[1].dependsOn[1]'],
    ['an empty dependency (it used to be NO_SUCH_CTR)', { containers: [{ id: 'a', dependsOn: [''] }] }, 'containers[0].dependsOn[0]'],
    ['container labels not an object', { containers: [{ id: 'a', labels: 'env=ci' }] }, 'containers[0].labels'],
    [
      'a label key that is no identifier is quoted',
      { containers: [{ id: 'a', labels: { 'app.kubernetes.io/name': true } }] },
      'containers[0].labels["app.kubernetes.io/name"]',
    ],
    ['a creation time not RFC 3339', { containers: [{ id: 'a', created: 1700000000 }] }, 'containers[0].created'],
    ['an exit code not an integer', { containers: [{ id: 'a', exitCode: '1' }] }, 'containers[0].exitCode'],
    ['an exit code past 32 bits (podman keeps an int32)', { containers: [{ id: 'a', exitCode: 2 ** 31 }] }, 'containers[0].exitCode'],
  ])('%s', (_, spec, path) => {
    const refused = refusedAt(() => build(spec));
    expect(refused.path).toBe(path);
    expect(refused.message).toMatch(new RegExp(`^Expected ${path.replace(/[[\]().*+?^$|\\]/g, '\\$&')} to be .+, got \`.*\` \\(\\w+\\)$`));
  });

  test('exit codes: the whole int32 range is taken', () => {
    const spec: GraphSpec = {
      containers: [
        { id: 'a', exitCode: -(2 ** 31) },
        { id: 'b', exitCode: 2 ** 31 - 1 },
      ],
    };
    expect(ContainerGraph.fromSpec(spec).toSpec().containers).toEqual(spec.containers);
  });

  test('the shape is checked before the graph: a wrong type anywhere comes before a duplicate id', () => {
    expect(refusedAt(() => build({ containers: [{ id: 'a' }, { id: 'a' }, { id: 'c', state: 'up' }] })).path).toBe('containers[2].state');
  });
});
