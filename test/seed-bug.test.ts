/**
 * The bug podgraph exists to prevent: podman's first parallel `pod rm -fa` let workers share
 * plain maps, and two workers reaching one shared dependency both removed it ("fatal error:
 * concurrent map writes"). Here podman's walk (`traverseNodeInwards`) runs with many workers over
 * one graph of diamonds and shared dependencies, once with an unguarded check-then-act and once
 * with the LockedMap, on the same fake-timer schedule.
 */

import { ContainerGraph, type GraphSpec, LockedMap, MemoryRuntime, removeGraph } from 'podgraph';
import { describe, expect, test } from 'vitest';
import { fakeTimersInEachTest, onFakeTime } from './support/fake-time.ts';

/** Pods whose members form diamonds over shared bases, plus standalone diamonds. */
function diamonds(pods: number): GraphSpec {
  const spec: Required<GraphSpec> = { pods: [], containers: [] };
  for (let p = 0; p < pods; p++) {
    const pod = `pod${p}`;
    spec.pods.push({ id: pod });
    spec.containers.push(
      { id: `${pod}-infra`, pod, infra: true, state: 'running' },
      { id: `${pod}-db`, pod, state: 'running' },
      { id: `${pod}-cache`, pod, dependsOn: [`${pod}-db`] },
      { id: `${pod}-api`, pod, dependsOn: [`${pod}-db`], state: 'running' },
      { id: `${pod}-web`, pod, dependsOn: [`${pod}-api`, `${pod}-cache`] },
      { id: `${pod}-cron`, pod, dependsOn: [`${pod}-db`, `${pod}-cache`] },
    );
  }
  spec.containers.push(
    { id: 'base' },
    { id: 'left', dependsOn: ['base'] },
    { id: 'right', dependsOn: ['base'] },
    { id: 'top', dependsOn: ['left', 'right'] },
    { id: 'side', dependsOn: ['base', 'right'] },
  );
  return spec;
}

interface VisitedMap {
  has(id: string): boolean;
  set(id: string, removed: true): unknown;
}

/**
 * podman's walk: a worker per container without dependents; after removing a node, hand each
 * dependency to a new worker, which removes it once all its dependents are gone, marking it
 * visited only after the removal finished. `guard` wraps that check-then-act.
 */
async function podmanStyleWalk(
  graph: ContainerGraph,
  runtime: MemoryRuntime,
  visited: VisitedMap,
  guard: (id: string, act: () => Promise<boolean>) => Promise<boolean>,
): Promise<void> {
  const removeIfReady = (id: string): Promise<boolean> =>
    guard(id, async () => {
      if (visited.has(id)) return false;
      if (!graph.dependentsOf(id).every((dependent) => visited.has(dependent))) return false;
      await runtime.removeContainer(id, { force: true }).catch(() => undefined);
      visited.set(id, true);
      return true;
    });
  const walk = async (id: string): Promise<void> => {
    await new Promise((pickedUp) => setTimeout(pickedUp, 0)); // a worker of the pool picks the node up
    if (!(await removeIfReady(id))) return;
    await Promise.all(
      graph
        .dependenciesOf(id)
        .filter((dep) => !graph.container(dep)!.infra)
        .map(walk),
    );
  };
  const roots = graph.containerIds().filter((id) => graph.dependentsOf(id).length === 0 && !graph.container(id)!.infra);
  await Promise.all(roots.map(walk));
}

function callsPerContainer(runtime: MemoryRuntime): Map<string, number> {
  const calls = new Map<string, number>();
  for (const record of runtime.log) {
    if (record.op === 'removeContainer') calls.set(record.id, (calls.get(record.id) ?? 0) + 1);
  }
  return calls;
}

describe('seed bug: parallel workers sharing the visited/removed map', () => {
  const spec = diamonds(8);
  const graph = ContainerGraph.fromSpec(spec);
  const nonInfra = graph.containerIds().filter((id) => !graph.container(id)!.infra);

  fakeTimersInEachTest();

  test('unguarded check-then-act removes shared dependencies twice', async () => {
    const runtime = new MemoryRuntime(spec, { latency: 5, wholePods: false });
    const plain = new Map<string, true>();
    await onFakeTime(podmanStyleWalk(graph, runtime, plain, (_id, act) => act()));
    const doubled = [...callsPerContainer(runtime)].filter(([, calls]) => calls > 1).map(([id]) => id);
    expect(doubled).toEqual(expect.arrayContaining(['base', 'pod0-db', 'pod7-cache']));
    expect(runtime.log.some((record) => record.result === 'NO_SUCH_CTR')).toBe(true);
  });

  test('the same walk under LockedMap key locks removes every container exactly once', async () => {
    const runtime = new MemoryRuntime(spec, { latency: 5, wholePods: false });
    const locked = new LockedMap<string, true>();
    await onFakeTime(podmanStyleWalk(graph, runtime, locked, (id, act) => locked.withLock(id, act)));
    const calls = callsPerContainer(runtime);
    expect([...calls.keys()].sort()).toEqual([...nonInfra].sort());
    expect([...calls.values()].every((count) => count === 1)).toBe(true);
    expect(runtime.log.every((record) => record.result === 'removed')).toBe(true);
    expect(locked.lockedKeys).toBe(0);
  });

  test('removeGraph on the same schedule: one successful call per container, pods after their members', async () => {
    const runtime = new MemoryRuntime(spec, { latency: 5, wholePods: false });
    const report = await onFakeTime(removeGraph(graph, { all: true, force: true, runtime, concurrency: 16 }));
    expect(report.ok).toBe(true);
    const calls = callsPerContainer(runtime);
    expect([...calls.keys()].sort()).toEqual([...nonInfra].sort());
    expect([...calls.values()].every((count) => count === 1)).toBe(true);
    expect(runtime.log.filter((record) => record.op === 'removePod')).toHaveLength(8);
    expect(await runtime.inspect()).toEqual({ pods: [], containers: [] });
  });
});
