import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createInPodman } from '../support/fixtures.ts';
import { PodmanSandbox } from '../support/podman-sandbox.ts';
import { describePodman } from '../support/podman-tests.ts';

const run = promisify(execFile);

describePodman('examples/podman.ts on a real podman', (engine) => {
  let sandbox: PodmanSandbox;
  beforeAll(async () => {
    sandbox = await PodmanSandbox.start(engine);
    await createInPodman(sandbox, {
      pods: ['web'],
      containers: [
        { name: 'db', pod: 'web', running: true },
        { name: 'app', pod: 'web', requires: ['db'], running: true },
        { name: 'base' },
        { name: 'top', requires: ['base'] },
      ],
    });
  });
  afterAll(async () => {
    await sandbox?.dispose();
  });

  test('without --yes it lists the graph and removes nothing; with --yes it removes it all', async () => {
    const dry = await run('npx', ['tsx', 'examples/podman.ts', sandbox.url]);
    expect(dry.stdout).toContain(`podman at ${sandbox.url}: 5 containers in 1 pods`);
    expect(dry.stdout).toMatch(/^ {2}top +created +needs base$/m);
    expect(dry.stdout).toContain('Nothing removed.');
    expect((await sandbox.podman('ps', '-aq')).split('\n')).toHaveLength(5);

    const real = await run('npx', ['tsx', 'examples/podman.ts', sandbox.url, '--yes']);
    expect(real.stdout).toContain('[6/6] removed pod web');
    expect(real.stdout).toMatch(/Removed 6 of 6 items in \d+ ms; ok=true/);
    expect(await sandbox.podman('ps', '-aq')).toBe('');
    expect(await sandbox.podman('pod', 'ps', '-q')).toBe('');
  });
});
