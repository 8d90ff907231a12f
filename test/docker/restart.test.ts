/**
 * DockerRuntime rides through a Docker daemon restart (SIGKILL, then the same daemon again) in
 * the middle of a removal, with the retry it shares with PodmanRuntime: the removal goes on once
 * the daemon answers again, reports the attempts it retried, and still removes dependents first.
 */
import { ContainerGraph, type RemovalEvent, removeGraph } from 'podgraph';
import { expect, test } from 'vitest';
import { createInDocker, type DockerFixture } from '../support/docker-fixtures.ts';
import { describeDocker, useDockerSandbox } from '../support/docker-tests.ts';

/** A chain of 20 created containers (each takes its volumes from the one before): one removal at a time. */
const CHAIN: DockerFixture = {
  containers: Array.from({ length: 20 }, (_, i) => ({ name: `link${i}`, ...(i > 0 ? { volumesFrom: [`link${i - 1}`] } : {}) })),
};

describeDocker('DockerRuntime through a Docker daemon restart', () => {
  const live = useDockerSandbox();

  test('dockerd killed after the fourth removal and started again: the rest goes once dockerd is back, dependents first', async () => {
    await createInDocker(live.sandbox, CHAIN);
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    const events: RemovalEvent[] = [];
    let restart: Promise<void> | undefined;
    const report = await removeGraph(graph, {
      all: true,
      force: true,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'removed' && events.filter((e) => e.type === 'removed').length === 4)
          restart = live.sandbox.restartDaemon('SIGKILL');
      },
    });
    await restart;
    expect([...report.containers.values()].filter((error) => error !== null)).toEqual([]);
    expect(events.filter((e) => e.type === 'retry').length).toBeGreaterThan(0);
    const removed = events.filter((e) => e.type === 'removed').map((e) => graph.container(e.id)!.name);
    expect(removed).toEqual(Array.from({ length: 20 }, (_, i) => `link${19 - i}`));
    expect(await live.sandbox.docker('ps', '-aq')).toBe('');
  }, 60_000);
});
