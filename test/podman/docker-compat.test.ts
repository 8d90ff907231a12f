/**
 * DockerRuntime against podman's Docker-compatible API (`/v1.41/...` on the same private podman
 * service): it reads the host, says which engine answers, maps podman's refusals (HTTP 500 in
 * podman's words) onto SPEC's codes, and removes the host in an order podman's event log accepts.
 */
import { ContainerGraph, DockerRuntime, removeGraph } from 'podgraph';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { failure } from '../support/failure.ts';
import { checkRemoveEvents, removeEvents } from '../support/podman-events.ts';
import { TINY_IMAGE } from '../support/podman-sandbox.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';

describePodman("DockerRuntime on podman's Docker-compatible API", () => {
  const live = useSandbox();
  let docker: DockerRuntime;
  beforeAll(() => {
    docker = new DockerRuntime({ url: live.sandbox.url });
  });
  afterAll(() => docker?.close());

  beforeEach(async () => {
    await live.sandbox.clear();
    await live.sandbox.podman('create', '--name', 'base', TINY_IMAGE);
    await live.sandbox.podman('create', '--name', 'netuser', '--network', 'container:base', TINY_IMAGE);
    await live.sandbox.podman('create', '--name', 'shares', '--volumes-from', 'base', TINY_IMAGE);
    await live.sandbox.podman('create', '--name', 'lone', TINY_IMAGE);
    await live.sandbox.podman('start', 'base', 'netuser');
  });

  test('it knows podman answers, and reads the host with its dependencies and states', async () => {
    expect(await docker.engine()).toBe('podman');
    const spec = await docker.inspect();
    const name = new Map(spec.containers!.map((c) => [c.id, c.name]));
    const lines = spec.containers!.map((c) => `${c.name} ${c.state} <- ${c.dependsOn!.map((id) => name.get(id)).join(',')}`).sort();
    expect(lines).toEqual(['base running <- ', 'lone created <- ', 'netuser running <- base', 'shares created <- base']);
  });

  test("podman's refusals there: dependents CTR_EXISTS, running CTR_STATE_INVALID, absent NO_SUCH_CTR", async () => {
    expect((await failure(docker.removeContainer('base', { force: true }))).code).toBe('CTR_EXISTS');
    expect((await failure(docker.removeContainer('netuser', { force: false }))).code).toBe('CTR_STATE_INVALID');
    expect((await failure(docker.removeContainer('nope', { force: false }))).code).toBe('NO_SUCH_CTR');
    expect(await live.sandbox.podman('ps', '-a', '--format', '{{.Names}}')).toContain('base');
  });

  test('removeGraph removes it all, dependents first by the event log of podman itself', async () => {
    const since = new Date();
    const graph = await ContainerGraph.fromRuntime(docker);
    const report = await removeGraph(graph, { all: true, force: true, timeout: 0 });
    expect(report.ok).toBe(true);
    expect(await live.sandbox.podman('ps', '-aq')).toBe('');
    const events = await removeEvents(live.sandbox.url, since);
    expect(events.filter((e) => e.type === 'container')).toHaveLength(4);
    expect(checkRemoveEvents(graph, events)).toEqual([]);
  });
});
