/**
 * End to end on a real podman: build the graph from the live service, remove it in one call,
 * and check what is left with podman itself. The same fixture on MemoryRuntime must give the
 * same report, code for code.
 */
import { createServer } from 'node:net';
import { ContainerGraph, MemoryRuntime, PodmanRuntime, removeGraph } from 'podgraph';
import { beforeEach, expect, test } from 'vitest';
import { createInPodman, describeState, type Fixture, fixtureSpec } from '../support/fixtures.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';
import { removeAll } from '../support/remove-all.ts';

/** 3 pods of 3 containers, a 4-level chain, a running container shared through its network. */
const MIXED: Fixture = {
  pods: ['p1', 'p2', 'p3'],
  containers: [
    { name: 'p1-a', pod: 'p1', running: true },
    { name: 'p1-b', pod: 'p1', requires: ['p1-a'] },
    { name: 'p1-c', pod: 'p1' },
    { name: 'p2-a', pod: 'p2' },
    { name: 'p2-b', pod: 'p2' },
    { name: 'p2-c', pod: 'p2', running: true },
    { name: 'p3-a', pod: 'p3' },
    { name: 'p3-b', pod: 'p3', requires: ['p3-a'] },
    { name: 'p3-c', pod: 'p3', requires: ['p3-b'] },
    { name: 'c0' },
    { name: 'c1', requires: ['c0'] },
    { name: 'c2', requires: ['c1'] },
    { name: 'c3', requires: ['c2'] },
    { name: 'r1', running: true },
    { name: 'r2', networkOf: 'r1' },
  ],
};

describePodman('end to end on a real podman', () => {
  const live = useSandbox();
  beforeEach(async () => {
    await live.sandbox.clear();
    await createInPodman(live.sandbox, MIXED);
  });

  test('all + force removes the whole mixed host in one call and leaves nothing', async () => {
    const { report, byName } = await removeAll(live.runtime, true);
    expect(byName).toHaveLength(15 + 3 + 3); // containers, infra containers, pods
    expect(byName.filter((line) => !line.endsWith(': removed'))).toEqual([]);
    expect(report.ok).toBe(true);
    expect(await live.sandbox.podman('ps', '-aq')).toBe('');
    expect(await live.sandbox.podman('pod', 'ps', '-q')).toBe('');
  });

  test('a graph read with fromRuntime removes from that podman when no runtime is passed', async () => {
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    const report = await removeGraph(graph, { all: true, force: true, timeout: 0 });
    expect(report.ok).toBe(true);
    expect(await describeState(live.runtime)).toEqual([]);
  });

  test('all without force: running containers are CTR_STATE_INVALID and stay, with what they need', async () => {
    const { report, byName } = await removeAll(live.runtime, false);
    expect(report.ok).toBe(false);
    expect(byName.filter((line) => !line.endsWith(': removed'))).toEqual([
      'p1-a: CTR_STATE_INVALID',
      'p1-infra: DEPENDENCY_FAILED',
      'p2-c: CTR_STATE_INVALID',
      'p2-infra: DEPENDENCY_FAILED',
      'pod p1: REMOVING_CTRS',
      'pod p2: REMOVING_CTRS',
      'r1: CTR_STATE_INVALID',
    ]);
    expect(await describeState(live.runtime)).toEqual([
      'p1-a running [p1]',
      'p1-infra running [p1]',
      'p2-c running [p2]',
      'p2-infra running [p2]',
      'pod p1',
      'pod p2',
      'r1 running',
    ]);
  });

  test.each([true, false])('MemoryRuntime gives the same report as podman on the same host (force: %s)', async (force) => {
    const real = await removeAll(live.runtime, force);
    const simulated = await removeAll(new MemoryRuntime(fixtureSpec(MIXED)), force);
    expect(simulated.byName).toEqual(real.byName);
  });

  test('the same service over tcp://host:port reads the same graph', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const service = await live.sandbox.serve(`tcp://127.0.0.1:${port}`);
    const tcp = new PodmanRuntime({ url: `tcp://127.0.0.1:${port}` });
    try {
      expect(await describeState(tcp)).toEqual(await describeState(live.runtime));
    } finally {
      tcp.close();
      service.kill('SIGTERM');
    }
  });
});
