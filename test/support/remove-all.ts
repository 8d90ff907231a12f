/**
 * `removeGraph(all)` of whatever a runtime holds, read back in names: what the end-to-end tests
 * compare between runtimes (podman over unix and ssh, MemoryRuntime). On a real podman reached
 * over its unix socket, podman's own event log must also show that the order rules held.
 */
import { ContainerGraph, PodmanRuntime, type RemovalReport, type Runtime, removeGraph } from 'podgraph';
import { expect } from 'vitest';
import { namesOf } from './fixtures.ts';
import { checkRemoveEvents, removeEvents, unrecordedRemovals } from './podman-events.ts';

/** The report in names: `name: removed` or `name: CODE`, sorted. */
export async function reportByName(report: RemovalReport, names: Awaited<ReturnType<typeof namesOf>>): Promise<string[]> {
  const nameOf = new Map<string, string>();
  for (const [name, id] of names.containers) nameOf.set(id, name);
  for (const [name, id] of names.pods) nameOf.set(id, `pod ${name}`);
  return [...report.containers, ...report.pods]
    .map(([id, error]) => `${nameOf.get(id) ?? id}: ${error === null ? 'removed' : error.code}`)
    .sort();
}

export async function removeAll(runtime: Runtime, force: boolean): Promise<{ report: RemovalReport; byName: string[] }> {
  const names = await namesOf(runtime);
  const graph = await ContainerGraph.fromRuntime(runtime);
  const since = new Date();
  const report = await removeGraph(graph, { all: true, force, timeout: 0, runtime });
  if (runtime instanceof PodmanRuntime && runtime.url.startsWith('unix://')) {
    const events = await removeEvents(runtime.url, since);
    expect(checkRemoveEvents(graph, events)).toEqual([]);
    expect(unrecordedRemovals(report, events)).toEqual([]);
  }
  return { report, byName: await reportByName(report, names) };
}
