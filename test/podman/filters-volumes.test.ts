/**
 * The SDK's `filters`, `volumes` and unlisted (storage-only) targets through removeGraph on a
 * real podman 4.3 in a private sandbox: what podman itself says is left afterwards.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ContainerGraph, PodgraphError, removeGraph } from 'podgraph';
import { expect, test } from 'vitest';
import { TINY_IMAGE } from '../support/podman-sandbox.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';

const exec = promisify(execFile);

describePodman('removeGraph with filters, volumes and storage-only targets on podman', () => {
  const live = useSandbox();
  const names = async () => (await live.sandbox.podman('ps', '-a', '--format', '{{.Names}}')).split('\n').filter(Boolean).sort();

  test('filters select by label (AND) with depend; volumes: true takes the anonymous volumes, named ones stay', async () => {
    const { sandbox, runtime } = live;
    await sandbox.podman('create', '--name', 'f-a', '--label', 'run=1', '--label', 'env=ci', '-v', '/data', '-v', 'f-named:/n', TINY_IMAGE);
    await sandbox.podman('create', '--name', 'f-b', '--label', 'run=1', '--requires', 'f-a', TINY_IMAGE);
    await sandbox.podman('create', '--name', 'f-c', '--label', 'run=1', '--label', 'env=prod', TINY_IMAGE);
    await sandbox.podman('create', '--name', 'f-d', '--label', 'env=ci', TINY_IMAGE);
    const graph = await ContainerGraph.fromRuntime(runtime);
    expect(graph.container('f-a')?.labels).toMatchObject({ run: '1', env: 'ci' });
    const anonymous = JSON.parse(await sandbox.podman('inspect', '--format', '{{json .Mounts}}', 'f-a'))
      .filter((m: { Name: string }) => /^[0-9a-f]{64}$/.test(m.Name))
      .map((m: { Name: string }) => m.Name) as string[];
    expect(anonymous).toHaveLength(1);

    const report = await removeGraph(graph, { filters: ['label=run=1', 'label=env=ci'], depend: true, volumes: true, runtime });
    expect(report.ok).toBe(true);
    expect([...report.containers.keys()].map((id) => graph.container(id)?.name).sort()).toEqual(['f-a', 'f-b']);
    expect(await names()).toEqual(['f-c', 'f-d']);
    expect((await sandbox.podmanExit('volume', 'exists', anonymous[0])).code).toBe(1);
    expect((await sandbox.podmanExit('volume', 'exists', 'f-named')).code).toBe(0);
    await sandbox.clear();
  });

  test('a storage-only container is removed by name; a name podman does not know either rejects NO_SUCH_CTR', async () => {
    const { sandbox, runtime } = live;
    // A second libpod database over the same storage: its containers are storage-only to the sandbox's podman.
    const conf = readFileSync(join(sandbox.dir, 'containers.conf'), 'utf8').replace(
      /^tmp_dir = .*$/m,
      `tmp_dir = "${join(sandbox.dir, 'tmp-sdk')}"\nstatic_dir = "${join(sandbox.dir, 'libpod-sdk')}"`,
    );
    writeFileSync(join(sandbox.dir, 'sdk.conf'), conf);
    const sdk = sandbox.engine.command('podman', ['create', '--name', 'sdk-ext', TINY_IMAGE], {
      ...sandbox.env,
      CONTAINERS_CONF: join(sandbox.dir, 'sdk.conf'),
    });
    await exec(sdk.file, sdk.args, { env: sdk.env });
    await sandbox.podman('create', '--name', 'sdk-listed', TINY_IMAGE);
    const graph = await ContainerGraph.fromRuntime(runtime);
    expect(graph.container('sdk-ext')).toBeUndefined();

    const error = await removeGraph(graph, { containers: ['sdk-listed', 'sdk-ghost'], runtime }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(PodgraphError);
    expect(error).toMatchObject({ code: 'NO_SUCH_CTR', message: 'no container with name or ID "sdk-ghost" found: no such container' });
    expect(await names()).toEqual(['sdk-listed']);

    const report = await removeGraph(graph, { containers: ['sdk-listed', 'sdk-ext'], runtime });
    expect(report.ok).toBe(true);
    expect(report.containers.get('sdk-ext')).toBeNull();
    expect(await sandbox.podman('ps', '-a', '--external', '--format', '{{.Names}}')).toBe('');
  });
});
