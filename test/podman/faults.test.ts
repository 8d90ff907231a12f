/**
 * Faults against a real podman service: it dies in the middle of a removal (and stays dead; see
 * restarts.test.ts for one that comes back), someone removes things behind podgraph's back, the
 * socket is not there, the user aborts. Whatever happens,
 * the report must be consistent with what podman holds afterwards.
 */

import { ContainerGraph, PodmanRuntime, type RemovalReport, removeGraph } from 'podgraph';
import { beforeEach, expect, test } from 'vitest';
import { createInPodman, type Fixture } from '../support/fixtures.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';

/** 6 chains of 5 created containers, and a pod of 3. */
const CHAINS: Fixture = {
  pods: ['pod'],
  containers: [
    ...Array.from({ length: 6 }, (_, chain) =>
      Array.from({ length: 5 }, (_, level) => ({ name: `k${chain}-${level}`, requires: level > 0 ? [`k${chain}-${level - 1}`] : [] })),
    ).flat(),
    { name: 'pod-a', pod: 'pod' },
    { name: 'pod-b', pod: 'pod', requires: ['pod-a'] },
    { name: 'pod-c', pod: 'pod' },
  ],
};

/**
 * Nothing reported removed still exists, and everything that still exists is reported with a
 * reason. (An item reported RUNTIME or ABORTED may be gone: podman may have finished a removal
 * whose reply never arrived.)
 */
async function expectConsistent(report: RemovalReport, runtime: PodmanRuntime): Promise<void> {
  const left = await runtime.inspect();
  const existing = new Set([...(left.containers ?? []).map((c) => c.id), ...(left.pods ?? []).map((p) => p.id)]);
  for (const [id, error] of [...report.containers, ...report.pods]) {
    if (error === null) expect(existing.has(id), `${id} is reported removed but still exists`).toBe(false);
    else if (!existing.has(id)) expect(['RUNTIME', 'ABORTED'], `${id} is gone but reported ${error.code}`).toContain(error.code);
  }
}

describePodman('faults against a real podman service', () => {
  const live = useSandbox();
  beforeEach(async () => {
    await live.sandbox.startService();
    await live.sandbox.clear();
    await createInPodman(live.sandbox, CHAINS);
  });

  test('the service dies in the middle of a removal and stays dead: past the retry budget the call ends, and its report is consistent', async () => {
    // A small budget keeps the test short; the default (20 s) would end it the same way, later.
    const runtime = new PodmanRuntime({ url: live.sandbox.url, retry: { budget: 1_000 } });
    const graph = await ContainerGraph.fromRuntime(runtime);
    let removed = 0;
    let killed: Promise<void> | undefined;
    const report = await removeGraph(graph, {
      all: true,
      runtime,
      concurrency: 2,
      onEvent: (event) => {
        if (event.type === 'removed' && ++removed === 8) killed = live.sandbox.stopService('SIGKILL');
      },
    });
    await killed;
    expect(report.ok).toBe(false);
    const failures = [...report.containers.values(), ...report.pods.values()].filter((error) => error !== null);
    expect(failures.some((error) => error.code === 'RUNTIME')).toBe(true);
    for (const error of failures.filter((e) => e.code === 'RUNTIME')) {
      expect(error.message).toContain(`podman service at ${live.sandbox.url}: DELETE /v4.0.0/libpod/`);
      expect(error.message).toContain('past the retry budget of 1 s');
    }
    runtime.close();
    expect(failures.every((error) => ['RUNTIME', 'DEPENDENCY_FAILED', 'REMOVING_CTRS'].includes(error.code))).toBe(true);
    await live.sandbox.startService();
    await expectConsistent(report, live.runtime);
    // and a second call with a fresh graph finishes the job
    const rest = await removeGraph(await ContainerGraph.fromRuntime(live.runtime), { all: true, runtime: live.runtime });
    expect(rest.ok).toBe(true);
    expect(await live.sandbox.podman('ps', '-aq')).toBe('');
  });

  test("containers and a pod removed behind podgraph's back count as removed", async () => {
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    await live.sandbox.podman('rm', 'k0-4', 'k1-4');
    await live.sandbox.podman('pod', 'rm', '-f', 'pod');
    const report = await removeGraph(graph, { all: true, runtime: live.runtime });
    expect([...report.containers.values(), ...report.pods.values()].filter((error) => error !== null)).toEqual([]);
    expect(report.containers.size).toBe(30 + 4);
    expect(await live.sandbox.podman('ps', '-aq')).toBe('');
  });

  test('a socket that does not exist: fromRuntime rejects, removeGraph removes nothing and says where', async () => {
    const missing = new PodmanRuntime({ url: `unix://${live.sandbox.dir}/no-such.sock` });
    await expect(ContainerGraph.fromRuntime(missing)).rejects.toMatchObject({
      code: 'RUNTIME',
      message: expect.stringContaining(
        `podman service at unix://${live.sandbox.dir}/no-such.sock: GET /v4.0.0/libpod/pods/json: cannot connect: the socket does not exist`,
      ),
    });
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    const report = await removeGraph(graph, { all: true, runtime: missing });
    const codes = [...report.containers.values(), ...report.pods.values()].map((error) => error?.code);
    expect(codes.filter((code) => code === undefined)).toEqual([]);
    expect(new Set(codes)).toEqual(new Set(['RUNTIME', 'DEPENDENCY_FAILED', 'REMOVING_CTRS']));
    expect((await live.sandbox.podman('ps', '-aq')).split('\n')).toHaveLength(30 + 4);
    missing.close();
  });

  test('an abort midway: in-flight calls end, nothing new starts, the report is consistent', async () => {
    const controller = new AbortController();
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    let removed = 0;
    const report = await removeGraph(graph, {
      all: true,
      runtime: live.runtime,
      concurrency: 2,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'removed' && ++removed === 5) controller.abort(new Error('stop'));
      },
    });
    const codes = [...report.containers.values(), ...report.pods.values()].map((error) => error?.code ?? 'removed');
    expect(codes.filter((code) => code === 'removed').length).toBeGreaterThanOrEqual(5);
    expect(codes).toContain('ABORTED');
    expect(codes.every((code) => code === 'removed' || code === 'ABORTED')).toBe(true);
    await expectConsistent(report, live.runtime);
  });
});
