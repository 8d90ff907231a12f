/**
 * End to end on a real Docker daemon: a host with every kind of dependency Docker has (network,
 * IPC and PID namespaces, volumes-from, links) and two compose projects that share service
 * names, read with `fromRuntime` and removed in one call. Docker's own destroy events must show
 * no container destroyed before one that depends on it; the same host removed without the order
 * shows what that breaks.
 */
import { ContainerGraph, type DockerRuntime, removeGraph } from 'podgraph';
import { beforeEach, expect, test } from 'vitest';
import { brokenByEvents } from '../support/docker-events.ts';
import { createInDocker, type DockerFixture, dockerFixtureSpec } from '../support/docker-fixtures.ts';
import { describeDocker, useDockerSandbox } from '../support/docker-tests.ts';
import { failure } from '../support/failure.ts';

export const HOST: DockerFixture = {
  containers: [
    { name: 'net0', running: true },
    { name: 'netuser', running: true, networkOf: 'net0' },
    { name: 'ipcuser', running: true, ipcOf: 'net0' },
    { name: 'piduser', running: true, pidOf: 'net0' },
    { name: 'data' },
    { name: 'reader', volumesFrom: ['data:ro'] },
    { name: 'linker', running: true, links: ['net0:db'] },
    { name: 'shop-db', running: true, compose: { project: 'shop', service: 'db' } },
    { name: 'shop-cache', running: true, compose: { project: 'shop', service: 'cache' } },
    { name: 'shop-api', running: true, compose: { project: 'shop', service: 'api', dependsOn: 'db,cache' } },
    { name: 'shop-web', running: true, compose: { project: 'shop', service: 'web', dependsOn: 'api:service_started' } },
    {
      name: 'shop-worker',
      compose: { project: 'shop', service: 'worker', dependsOn: 'cache:service_healthy:true,db:service_started:false' },
      labels: { tier: 'batch' },
    },
    { name: 'blog-db', compose: { project: 'blog', service: 'db' } },
    { name: 'blog-app', compose: { project: 'blog', service: 'app', dependsOn: 'db:service_started:false' } },
    { name: 'lone1' },
    { name: 'lone2', running: true },
  ],
};

/** The graph as `name state <- dependencies`, sorted: what podgraph read, or what it should read. */
function describeGraph(graph: ContainerGraph): string[] {
  return graph
    .containerIds()
    .map((id) => {
      const c = graph.container(id)!;
      const deps = graph.dependenciesOf(id).map((dep) => graph.container(dep)?.name ?? dep);
      return `${c.name ?? id} ${c.state} <- ${deps.sort().join(',')}`;
    })
    .sort();
}

/** Removes every container left with Docker's own DELETEs, oldest first, as a careless script might. */
async function removeOldestFirst(runtime: DockerRuntime, graph: ContainerGraph): Promise<void> {
  for (const { name } of HOST.containers) {
    await runtime.removeContainer(graph.container(name)!.id, { force: true }).catch((error: { code?: string }) => {
      if (error.code !== 'NO_SUCH_CTR') throw error;
    });
  }
}

describeDocker('end to end on a real Docker daemon', (engine) => {
  const live = useDockerSandbox();
  beforeEach(async () => {
    await live.sandbox.clear();
    await createInDocker(live.sandbox, HOST);
  });

  test('fromRuntime reads every dependency kind, compose depends_on within its project, states and labels', async () => {
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    expect(describeGraph(graph)).toEqual(describeGraph(ContainerGraph.fromSpec(dockerFixtureSpec(HOST))));
    expect(graph.container('shop-worker')?.labels).toMatchObject({ tier: 'batch', 'com.docker.compose.service': 'worker' });
    expect(graph.podIds()).toEqual([]);
  });

  test('removeGraph removes it all; no container is destroyed before one that depends on it', async () => {
    const before = (await live.sandbox.destroyEvents()).length;
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    const report = await removeGraph(graph, { all: true, force: true, timeout: 0 });
    expect([...report.containers.values()].filter((error) => error !== null)).toEqual([]);
    expect(report.containers.size).toBe(HOST.containers.length);
    expect(await live.sandbox.docker('ps', '-aq')).toBe('');
    const events = (await live.sandbox.destroyEvents()).slice(before);
    expect(events).toHaveLength(HOST.containers.length);
    expect(brokenByEvents(graph, events)).toEqual([]);
  });

  test('without the order Docker refuses nothing, and what depended on a removed container is broken', async () => {
    const before = (await live.sandbox.destroyEvents()).length;
    const graph = await ContainerGraph.fromRuntime(live.runtime);
    // net0 alone first: Docker answers 204 and leaves its dependents running on a namespace that is gone.
    await live.runtime.removeContainer(graph.container('net0')!.id, { force: true });
    expect(await live.sandbox.docker('inspect', '--format', '{{.State.Status}}', 'netuser')).toBe('running');
    await live.sandbox.docker('stop', 'netuser');
    const restart = await live.sandbox.dockerExit('start', 'netuser');
    expect(restart.code).not.toBe(0);
    expect(restart.stderr).toMatch(/No such container|cannot join network/i);
    await removeOldestFirst(live.runtime, graph);
    const broken = brokenByEvents(graph, (await live.sandbox.destroyEvents()).slice(before));
    expect(broken.map((b) => `${b.container} lost ${b.lost}`)).toEqual(
      expect.arrayContaining(['netuser lost net0', 'ipcuser lost net0', 'linker lost net0', 'reader lost data', 'shop-api lost shop-db']),
    );
  });

  test('eight removals of one container at once all count it removed: the 409s wait for the 204', async () => {
    const before = (await live.sandbox.destroyEvents()).length;
    const id = (await live.sandbox.docker('inspect', '--format', '{{.Id}}', 'lone2')).trim();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => live.runtime.removeContainer(id, { force: true })));
    // A DELETE that reaches a loaded daemon after the removal is over meets a 404: NO_SUCH_CTR,
    // which the Runtime contract counts as removed (the others met a 409 and waited for the 204).
    const counted = (r: PromiseSettledResult<unknown>) =>
      r.status === 'fulfilled' || (r.reason as { code?: string }).code === 'NO_SUCH_CTR' ? 'removed' : String(r.reason);
    expect(results.map(counted)).toEqual(Array(8).fill('removed'));
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    const destroyed = (await live.sandbox.destroyEvents()).slice(before);
    expect(destroyed.map((e) => e.id)).toEqual([id]);
  });

  test('running without force: CTR_STATE_INVALID in podman words, Docker message as the cause; absent: NO_SUCH_CTR', async () => {
    const error = await failure(live.runtime.removeContainer('lone2', { force: false }));
    expect(error?.code).toBe('CTR_STATE_INVALID');
    expect(error?.message).toBe(
      'cannot remove container lone2 as it is running - running or paused containers cannot be removed without force',
    );
    expect(String((error?.cause as Error | undefined)?.message)).toMatch(
      engine.major >= 25
        ? /^Docker: HTTP 409: cannot remove container "[^"]+": container is running/
        : /^Docker: HTTP 409: You cannot remove a running container [0-9a-f]{64}/,
    );
    const absent = await failure(live.runtime.removeContainer('nope', { force: true }));
    expect(absent?.code).toBe('NO_SUCH_CTR');
  });
});
