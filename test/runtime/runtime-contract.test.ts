import { afterAll, beforeAll, describe } from 'vitest';
import { MemoryRuntime, PodmanRuntime } from '../../src/index.ts';
import { createInPodman, fixtureSpec } from '../support/fixtures.ts';
import { PodmanSandbox } from '../support/podman-sandbox.ts';
import { describePodman } from '../support/podman-tests.ts';
import { runtimeContract } from '../support/runtime-contract.ts';

describe('runtime contract: MemoryRuntime', () => {
  runtimeContract(async (fixture) => new MemoryRuntime(fixtureSpec(fixture)));
});

describePodman('runtime contract: PodmanRuntime on a real podman', () => {
  let sandbox: PodmanSandbox;
  let runtime: PodmanRuntime;
  beforeAll(async () => {
    sandbox = await PodmanSandbox.start();
    runtime = new PodmanRuntime({ url: sandbox.url });
  });
  afterAll(async () => {
    runtime?.close();
    await sandbox?.dispose();
  });

  runtimeContract(async (fixture) => {
    await sandbox.clear();
    await createInPodman(sandbox, fixture);
    return runtime;
  });
});
