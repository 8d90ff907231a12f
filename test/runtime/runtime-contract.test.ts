import { MemoryRuntime } from 'podgraph';
import { describe } from 'vitest';
import { createInPodman, fixtureSpec } from '../support/fixtures.ts';
import { describePodman, useSandbox } from '../support/podman-tests.ts';
import { runtimeContract } from '../support/runtime-contract.ts';

describe('runtime contract: MemoryRuntime', () => {
  runtimeContract(async (fixture) => new MemoryRuntime(fixtureSpec(fixture)));
});

describePodman('runtime contract: PodmanRuntime on a real podman', () => {
  const live = useSandbox();

  runtimeContract(async (fixture) => {
    await live.sandbox.clear();
    await createInPodman(live.sandbox, fixture);
    return live.runtime;
  });
});
