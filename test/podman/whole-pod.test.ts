/**
 * Whole-pod calls on a real podman, judged by podman's own event log: podman removes a pod's
 * members dependents first (4.3 one at a time, 5.5+ in parallel), each member's outcome comes
 * from what podman left, a member podman refuses keeps what it depends on, and an abort mid-pod
 * leaves nothing reported removed that is still there.
 */
import { ContainerGraph, planRemoval, type RemovalReport, removeGraph } from 'podgraph';
import { beforeEach, expect, test } from 'vitest';
import { createInPodman, type Fixture, namesOf } from '../support/fixtures.ts';
import { checkRemoveEvents, removeEvents, unrecordedRemovals } from '../support/podman-events.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';
import { reportByName } from '../support/remove-all.ts';

/** Two pods with `--requires` chains inside (running members), and a container outside. */
const HOST: Fixture = {
  pods: ['p1', 'p2'],
  containers: [
    { name: 'p1-a', pod: 'p1', running: true },
    { name: 'p1-b', pod: 'p1', requires: ['p1-a'], running: true },
    { name: 'p1-c', pod: 'p1', requires: ['p1-b'] },
    { name: 'p1-d', pod: 'p1' },
    { name: 'p2-a', pod: 'p2' },
    { name: 'p2-b', pod: 'p2', requires: ['p2-a'] },
    { name: 'solo' },
  ],
};

describePodman('whole-pod calls on a real podman', () => {
  const live = useSandbox();
  beforeEach(async () => {
    await live.sandbox.clear();
    await createInPodman(live.sandbox, HOST);
  });

  test('forced: one DELETE per pod, the members dependents first on podman’s own event log, one entry per item', async () => {
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    const plan = planRemoval(graph, { all: true, force: true, timeout: 0 });
    const names = await namesOf(live.runtime);
    const nameOf = (id: string) => [...names.containers, ...names.pods].find(([, known]) => known === id)?.[0];
    expect(plan.calls.map((call) => `${call.kind} ${nameOf(call.id)}`).sort()).toEqual(['container solo', 'pod p1', 'pod p2']);
    const members = (pod: string) => (plan.calls.find((call) => nameOf(call.id) === pod)?.members ?? []).map(nameOf);
    expect([...members('p1')].sort()).toEqual(['p1-a', 'p1-b', 'p1-c', 'p1-d']);
    // Dependents first: the chain p1-c -> p1-b -> p1-a in that order, wherever p1-d falls.
    expect(members('p1').filter((name) => name !== 'p1-d')).toEqual(['p1-c', 'p1-b', 'p1-a']);
    expect(members('p2')).toEqual(['p2-b', 'p2-a']);
    const since = new Date();
    const report = await removeGraph(graph, { all: true, force: true, timeout: 0 });
    expect(report.ok).toBe(true);
    expect(report.containers.size).toBe(9); // 7 containers and 2 infra containers
    const events = await removeEvents(live.runtime.url, since);
    expect(checkRemoveEvents(graph, events)).toEqual([]);
    expect(unrecordedRemovals(report, events)).toEqual([]);
    expect(await live.sandbox.podman('ps', '-aq')).toBe('');
  });

  test('a member started after the graph was read: podman refuses it, keeps what it depends on, removes the rest; the report says so', async () => {
    const stopped: Fixture = {
      pods: ['p3'],
      containers: [
        { name: 'p3-a', pod: 'p3' },
        { name: 'p3-b', pod: 'p3', requires: ['p3-a'] },
        { name: 'p3-c', pod: 'p3', requires: ['p3-b'] },
        { name: 'p3-d', pod: 'p3' },
      ],
    };
    await live.sandbox.clear();
    await createInPodman(live.sandbox, stopped);
    const names = await namesOf(live.runtime);
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    expect(planRemoval(graph, { pods: [names.pods.get('p3')!] }).calls.map((call) => call.kind)).toEqual(['pod']);
    // Someone starts p3-b (and so p3-a, which it requires) after podgraph read the graph.
    await live.sandbox.podman('start', 'p3-b');
    const since = new Date();
    const report: RemovalReport = await removeGraph(graph, { pods: [names.pods.get('p3')!] });
    expect(await reportByName(report, names)).toEqual([
      'p3-a: DEPENDENCY_FAILED',
      'p3-b: CTR_STATE_INVALID',
      'p3-c: removed',
      'p3-d: removed',
      'p3-infra: DEPENDENCY_FAILED',
      'pod p3: REMOVING_CTRS',
    ]);
    const left = (await live.sandbox.podman('ps', '-a', '--format', '{{.Names}}')).split('\n').filter((name) => !name.endsWith('-infra'));
    expect(left.sort()).toEqual(['p3-a', 'p3-b']);
    const events = await removeEvents(live.runtime.url, since);
    expect(checkRemoveEvents(graph, events)).toEqual([]);
    expect(unrecordedRemovals(report, events)).toEqual([]);
  });

  test('aborted while the pod’s DELETE is in flight: nothing reported removed is still there, and the order held', async () => {
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    const controller = new AbortController();
    const since = new Date();
    const report = await removeGraph(graph, {
      all: true,
      force: true,
      timeout: 0,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'start' && event.kind === 'pod') controller.abort();
      },
    });
    expect(report.ok).toBe(false);
    const codes = new Set([...report.containers.values(), ...report.pods.values()].map((error) => error?.code ?? 'removed'));
    expect([...codes].every((code) => code === 'removed' || code === 'ABORTED')).toBe(true);
    const spec = await live.runtime.inspect();
    const present = new Set([...(spec.containers ?? []).map((c) => c.id), ...(spec.pods ?? []).map((p) => p.id)]);
    for (const [id, error] of [...report.containers, ...report.pods]) if (error === null) expect(present.has(id), id).toBe(false);
    const events = await removeEvents(live.runtime.url, since);
    expect(checkRemoveEvents(graph, events)).toEqual([]);
  });
});
